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

    /** Closes every session that sits idle between two requests (graceful stop). Call on the owning loop. */
    public void closeIdle() {
        Session s = head;
        while (s != null) {
            Session next = s.nextInSet;
            s.closeIfIdle();
            s = next;
        }
    }

    /** Aborts every session still open (hard stop). Call on the owning loop. */
    public void abortAll() {
        while (head != null) {
            head.abort(SessionOutcome.HARD_STOP);
        }
    }
}
