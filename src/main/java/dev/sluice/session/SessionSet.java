package dev.sluice.session;

/**
 * The sessions alive on one loop, so that shutdown can wait for them and,
 * past {@code hard-stop-after}, abort them. Intrusive: adding and removing a
 * session allocates nothing.
 *
 * <p>Not thread-safe: owned by one loop. {@link #size()} may be read from
 * other threads and then gives a recent value.
 */
public final class SessionSet {
    private Session head;
    private volatile int size;

    void add(Session s) {
        s.nextInSet = head;
        s.prevInSet = null;
        if (head != null) {
            head.prevInSet = s;
        }
        head = s;
        size++;
    }

    void remove(Session s) {
        if (s.prevInSet == null) {
            head = s.nextInSet;
        } else {
            s.prevInSet.nextInSet = s.nextInSet;
        }
        if (s.nextInSet != null) {
            s.nextInSet.prevInSet = s.prevInSet;
        }
        s.prevInSet = null;
        s.nextInSet = null;
        size--;
    }

    public int size() {
        return size;
    }

    /**
     * The soft stop, for a stopping Sluice or the sessions of a configuration
     * a reload replaced: every session ends after its current exchange (an
     * HTTP response in flight says {@code Connection: close}), and one that has
     * sat idle between two requests for {@code idleGraceNanos} closes now.
     * Called again and again until the set is empty: each call closes the
     * sessions whose idle time has passed the grace since.
     *
     * <p>Why a grace: a keep-alive connection that looks idle here may carry a
     * request already on its way, sent the moment the client read the last
     * response. Closing it would fail that request (a reset, or an end of
     * stream with the request outstanding); waiting a little lets it arrive,
     * and it is then answered with {@code Connection: close}. A client that
     * really is idle is closed after the grace. Call on the owning loop.
     */
    public void softStop(long now, long idleGraceNanos) {
        Session s = head;
        while (s != null) {
            Session next = s.nextInSet;
            s.stopping = true;
            s.softStop(now, idleGraceNanos);
            s = next;
        }
    }

    /**
     * Aborts every session that uses {@code server} ({@code shutdown sessions
     * server}); returns how many. Call on the owning loop.
     */
    public int abortUsing(dev.sluice.backend.Server server) {
        int n = 0;
        Session s = head;
        while (s != null) {
            Session next = s.nextInSet;
            if (s.uses(server)) {
                s.abort(SessionOutcome.SERVER_ABORT);
                n++;
            }
            s = next;
        }
        return n;
    }

    /** One line per session, at most {@code max} ({@code show sess}). Call on the owning loop. */
    public void describe(java.util.List<String> into, int max) {
        for (Session s = head; s != null && into.size() < max; s = s.nextInSet) {
            into.add(s.toString());
        }
    }

    /** Aborts every session still open (hard stop). Call on the owning loop. */
    public void abortAll() {
        while (head != null) {
            head.abort(SessionOutcome.HARD_STOP);
        }
    }
}
