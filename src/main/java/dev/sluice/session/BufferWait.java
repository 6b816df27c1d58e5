package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.Clock;

/**
 * A channel's place in its pool's wait queue: the channel asks for a buffer
 * here, and when none may be taken it waits, as its receive (to read into it)
 * or as a producer (to write a reply of Sluice's own into it). The releasing
 * side hands the buffer over; {@link Channel#handed} then retries the receive
 * or lets the reply be written, so a woken channel never fails to allocate.
 *
 * <p>It also keeps the time the channel spent waiting, in total and by the
 * class it waited in: that time is Sluice's, never its peer's (a head timeout
 * does not count it), and the access log shows it ({@code %Tb}).
 *
 * <p>Not thread-safe: owned by its channel's loop.
 */
final class BufferWait extends BufferWaiter {
    /** Why the channel waits. */
    enum Purpose { RECEIVE, PRODUCE }

    private static final int CLASSES = Criticality.values().length;

    private final Channel channel;
    private final BufferPool pool;
    private final Clock clock;
    private Purpose purpose = Purpose.RECEIVE;
    private long waitStartedAt;
    private long waitedNanos;
    private final long[] waitedByClass = new long[CLASSES];

    BufferWait(Channel channel, BufferPool pool, Clock clock) {
        this.channel = channel;
        this.pool = pool;
        this.clock = clock;
    }

    /** Takes a buffer of {@code criticality} now, or queues for one and returns null. */
    Buffer take(Criticality criticality, Purpose why) {
        Buffer b = pool.allocateOrWait(criticality, this);
        if (b == null) {
            purpose = why;
            waitStartedAt = clock.nanoTime();
        }
        return b;
    }

    /** Whether the channel waits to produce bytes itself (a reply), not to receive. */
    boolean waitsToProduce() {
        return isWaiting() && purpose == Purpose.PRODUCE;
    }

    /** Leaves the queue, if it waits there. */
    void cancel() {
        if (isWaiting()) {
            Criticality was = waitingAs();
            pool.cancel(this);
            ended(was);
        }
    }

    /**
     * The session's class for this direction changed while the channel waits:
     * it moves to the new class's queue, at its tail, or takes a buffer at once
     * if the new class may. Returns that buffer, or null.
     */
    Buffer reclassify(Criticality now) {
        Criticality was = waitingAs();
        // A claim admitted while it waited serves it whatever its class.
        if (was == null || was == now && (claim() == null || !claim().admitted())) {
            return null;
        }
        // The time waited so far counts for the class it was spent in.
        long t = clock.nanoTime();
        waitedByClass[was.ordinal()] += t - waitStartedAt;
        waitedNanos += t - waitStartedAt;
        waitStartedAt = t;
        Buffer b = pool.reclassify(this, now);
        if (b != null) {
            waitStartedAt = t;
        }
        return b;
    }

    @Override
    protected void onBuffer(Buffer handed) {
        // Dequeued already: the class it was handed as is the buffer's.
        ended(handed.allocatedAs());
        channel.handed(handed, purpose);
    }

    private void ended(Criticality asClass) {
        long waited = clock.nanoTime() - waitStartedAt;
        waitedNanos += waited;
        if (asClass != null) {
            waitedByClass[asClass.ordinal()] += waited;
        }
    }

    /** Time spent waiting, the wait going on now included. */
    long waitedNanos() {
        return isWaiting() ? waitedNanos + (clock.nanoTime() - waitStartedAt) : waitedNanos;
    }

    /** Time spent waiting in {@code c}'s queue, by waits that ended. */
    long waitedNanos(Criticality c) {
        return waitedByClass[c.ordinal()];
    }
}
