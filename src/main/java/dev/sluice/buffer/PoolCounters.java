package dev.sluice.buffer;

/**
 * What a {@link BufferPool} has counted since it was carved, per {@link
 * Criticality} class: allocations, waits and how long they lasted, handoffs,
 * cancels and failed wakeups; and the takes that came out of admitted claims.
 * The stats page, the exporter and the summary read them here.
 *
 * <p>A view, not a copy: the pool counts into its own fields on every
 * allocation and release, so that its hot path costs no call and no extra
 * load, and this reads them. Made once with the pool.
 *
 * <p>May be read from any thread; it then gives a recent value.
 */
public final class PoolCounters {
    private final BufferPool pool;

    PoolCounters(BufferPool pool) {
        this.pool = pool;
    }

    /** Allocations that succeeded at once (handoffs are counted apart). */
    public long allocations(Criticality c) {
        return pool.allocations[c.ordinal()];
    }

    /** Allocations that failed and queued a waiter. */
    public long waits(Criticality c) {
        return pool.waits[c.ordinal()];
    }

    /** Buffers handed directly from a release to a waiter. */
    public long handoffs(Criticality c) {
        return pool.handoffs[c.ordinal()];
    }

    /** Total time spent queued, in the clock's nanoseconds, by waiters that left the queue. */
    public long waitNanos(Criticality c) {
        return pool.queue.waitNanos(c);
    }

    /**
     * Upper bounds, in nanoseconds, of the buckets {@link #waitsInBucket}
     * counts ended waits in; a last bucket takes the waits past them all.
     */
    public static long[] waitBucketBounds() {
        return WaitQueue.WAIT_BUCKET_NANOS.clone();
    }

    /** Ended waits of class {@code c} that lasted at most bound {@code bucket} and more than the one before. */
    public long waitsInBucket(Criticality c, int bucket) {
        return pool.queue.waitsInBucket(c, bucket);
    }

    /**
     * Woken waiters that still found no buffer. 0 by construction in production:
     * a release hands its buffer to the one waiter it wakes. The number means
     * something only for the comparison policies of the tests, which wake
     * waiters to retry; the summary prints it so that 0 can be seen.
     */
    public long failedWakeups(Criticality c) {
        return pool.failedWakeups[c.ordinal()];
    }

    /** Waiters removed before they got a buffer (their session closed or timed out). */
    public long cancels(Criticality c) {
        return pool.cancels[c.ordinal()];
    }

    /** Takes that came out of an admitted claim. */
    public long claimedTakes() {
        return pool.claims.claimedTakes;
    }
}
