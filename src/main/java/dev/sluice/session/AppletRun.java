package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;
import dev.sluice.buffer.Criticality;

/**
 * An applet's answer on its way out of a session: each part is made into one
 * buffer of the loop's {@link AppletArena}, which the response channel
 * forwards as its own and gives back to the arena once empty; the next part
 * is made when the last one went out. When the arena has no buffer free, the
 * run waits in the arena's queue (as {@code CRITICAL}: only applets' parts and
 * heads of self-serving frontends use it) and the handed buffer wakes the
 * session.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class AppletRun extends BufferWaiter {
    /** Parts made in one session run at most before the loop gets to others: 64 KB with 16 KB buffers. */
    private static final int PARTS_PER_RUN = 4;

    private final Session session;
    private final Channel response;
    private final BufferPool arena;
    private AppletStream stream;
    private Buffer handed;

    AppletRun(Session session, Channel response, AppletArena arena) {
        this.session = session;
        this.response = response;
        this.arena = arena.pool();
    }

    void start(AppletStream answer) {
        if (stream != null) {
            throw new IllegalStateException("an applet starts while another runs");
        }
        stream = answer;
    }

    /** Whether an answer is still being made. */
    boolean active() {
        return stream != null;
    }

    /**
     * Makes and sends parts while the client takes them. Returns true once the
     * last part is made; what is left of it in the response channel then goes
     * out as any response does.
     */
    boolean pump() {
        for (int i = 0; i < PARTS_PER_RUN; i++) {
            if (stream == null) {
                return true;
            }
            if (response.hasBuffer()) {
                // The client has not taken the last part yet: its writable event wakes the session.
                return false;
            }
            Buffer b = handed;
            handed = null;
            if (b == null) {
                b = arena.allocateOrWait(Criticality.CRITICAL, this);
                if (b == null) {
                    return false;
                }
            }
            if (!stream.fill(b)) {
                stream = null;
            }
            response.adopt(b);
            response.allow(b.readable());
            if (!response.forward()) {
                return false;
            }
        }
        session.wake();
        return stream == null;
    }

    @Override
    protected void onBuffer(Buffer buffer) {
        handed = buffer;
        session.wake();
    }

    /** Whether the run holds a buffer of its arena, or waits for one. */
    boolean holds() {
        return handed != null || isWaiting();
    }

    /** The session closed: the arena gets back what the run held or waited for. */
    void drop() {
        stream = null;
        if (isWaiting()) {
            arena.cancel(this);
        }
        if (handed != null) {
            Buffer b = handed;
            handed = null;
            arena.release(b);
        }
    }
}
