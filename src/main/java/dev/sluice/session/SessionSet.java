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

    /** Closes every session that sits idle between two requests (graceful stop). Call on the owning loop. */
    public void closeIdle() {
        IntrusiveList.Link<Session> link = sessions.first();
        while (link != null) {
            // A session that closes leaves the set: step past it first.
            IntrusiveList.Link<Session> next = link.next();
            link.owner().closeIfIdle();
            link = next;
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
