package dev.sluice.session;

import dev.sluice.util.IntrusiveList;

/**
 * The sessions alive on one loop, so that shutdown can wait for them and,
 * past {@code hard-stop-after}, abort them. An {@link IntrusiveList} of the
 * sessions' own links: adding and removing a session allocates nothing.
 *
 * <p>Not thread-safe: owned by one loop. {@link #size()} may be read from
 * other threads and then gives a recent value.
 */
public final class SessionSet {
    private final IntrusiveList<Session> sessions = new IntrusiveList<>();
    /** The list's size, published for other threads (the graceful stop polls it). */
    private volatile int size;

    void add(Session s) {
        sessions.addLast(s.setLink);
        size = sessions.size();
    }

    void remove(Session s) {
        sessions.remove(s.setLink);
        size = sessions.size();
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
        IntrusiveList.Link<Session> link = sessions.first();
        while (link != null) {
            // A session that closes leaves the set: step past it first.
            IntrusiveList.Link<Session> next = link.next();
            Session s = link.owner();
            s.stopping = true;
            s.softStop(now, idleGraceNanos);
            link = next;
        }
    }

    /**
     * Aborts every session that uses {@code server} ({@code shutdown sessions
     * server}); returns how many. Call on the owning loop.
     */
    public int abortUsing(dev.sluice.backend.Server server) {
        int n = 0;
        IntrusiveList.Link<Session> link = sessions.first();
        while (link != null) {
            IntrusiveList.Link<Session> next = link.next();
            if (link.owner().uses(server)) {
                link.owner().abort(SessionOutcome.SERVER_ABORT);
                n++;
            }
            link = next;
        }
        return n;
    }

    /** One line per session, at most {@code max} ({@code show sess}). Call on the owning loop. */
    public void describe(java.util.List<String> into, int max) {
        for (IntrusiveList.Link<Session> link = sessions.first(); link != null && into.size() < max;
                link = link.next()) {
            into.add(link.owner().toString());
        }
    }

    /** Aborts every session still open (hard stop). Call on the owning loop. */
    public void abortAll() {
        Session s;
        while ((s = sessions.peekFirst()) != null) {
            s.abort(SessionOutcome.HARD_STOP);
            if (sessions.peekFirst() == s) {
                throw new IllegalStateException(s + " stayed in the session set after its abort");
            }
        }
    }
}
