package dev.sluice.session;

import dev.sluice.buffer.BufferPool;
import java.util.function.LongSupplier;

/**
 * One loop's memory for applets: a few buffers carved at start-up, apart from
 * the loop's client pool, with a wait queue of their own. An applet's answer
 * goes out through them one part at a time, so the exporter and the stats page
 * answer when client traffic has taken every buffer of the pool and every
 * waiter is queued: exactly when an operator looks.
 *
 * <p>A frontend that only serves itself (its requests have no backend with a
 * server to go to) reads its request heads from here too, so none of its
 * sessions waits in the client pool's queues.
 *
 * <p>Its rules are the client pool's, with a reserve of one: a request head
 * takes a buffer as {@code NORMAL} and leaves one free; an applet's part takes
 * one as {@code CRITICAL}. No server slot is ever held by an arena buffer's
 * holder, and a holder waits for nothing but its client (bounded by
 * {@code timeout client}); see docs/design.md, "Why it cannot deadlock".
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class AppletArena {
    /** Buffers per loop: the reserve of one, a head, and a part to send. */
    public static final int BUFFERS = 4;

    private final BufferPool pool;

    public AppletArena(int buffers, int bufferSize, LongSupplier clock) {
        if (buffers < 3) {
            throw new IllegalArgumentException("an applet arena needs at least 3 buffers, got " + buffers);
        }
        this.pool = new BufferPool(buffers, bufferSize, 1, clock);
    }

    /** The arena's buffers and their wait queue: counted as any pool is. */
    public BufferPool pool() {
        return pool;
    }

    /** Bytes carved for applets on this loop. */
    public long bytes() {
        return (long) pool.size() * pool.bufferSize();
    }
}
