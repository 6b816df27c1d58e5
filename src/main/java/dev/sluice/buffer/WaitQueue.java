package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;
import java.util.function.LongSupplier;

/**
 * A pool's waiters: one FIFO per {@link Criticality} class, each an
 * {@link IntrusiveList} of the waiters' own links, served in class order
 * (declaration order: {@code CRITICAL} first). It knows how long each waiter
 * has been queued and adds that to its class's wait time when the waiter
 * leaves; which waiter may take a buffer is its {@link #firstEligible} rule.
 *
 * <p>A waiter sits in at most one FIFO at a time: the list refuses a link that
 * is already linked, and removing a waiter the queue does not hold fails.
 *
 * <p>Not thread-safe: owned by the pool, on the pool's loop.
 */
final class WaitQueue {
    private static final int CLASSES = Criticality.count();

    private final IntrusiveList<BufferWaiter>[] fifos;
    private final long[] waitNanos = new long[CLASSES];
    /** Per class, ended waits by {@link #WAIT_BUCKET_NANOS} bucket (the last one past every bound). */
    private final long[][] waitBuckets = new long[CLASSES][WAIT_BUCKET_NANOS.length + 1];

    /** Upper bounds of the wait-time histogram's buckets: 100 µs to 10 s, by tens. */
    static final long[] WAIT_BUCKET_NANOS = {100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
            10_000_000_000L};
    private final LongSupplier clock;
    /** Waiters over every class, so that a release with nobody waiting costs one test. */
    private int total;

    @SuppressWarnings("unchecked")
    WaitQueue(LongSupplier clock) {
        this.clock = clock;
        this.fifos = new IntrusiveList[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            fifos[c] = new IntrusiveList<>();
        }
    }

    /** Queues {@code waiter} at the tail of its class; it waits from now. */
    void add(BufferWaiter waiter, Criticality c) {
        fifos[c.ordinal()].addLast(waiter.link);
        waiter.queuedClass = c.ordinal();
        waiter.waitingSince = clock.getAsLong();
        total++;
    }

    /**
     * Moves a queued waiter to the tail of another class, keeping the time it
     * started waiting: a reclassification is neither a new wait nor the end of one.
     */
    void moveTo(BufferWaiter waiter, Criticality c) {
        fifos[waiter.queuedClass].remove(waiter.link);
        fifos[c.ordinal()].addLast(waiter.link);
        waiter.queuedClass = c.ordinal();
    }

    /** Takes the oldest waiter of class {@code c} out, counting its wait; {@code null} if none. */
    BufferWaiter removeHead(int c) {
        BufferWaiter waiter = fifos[c].peekFirst();
        if (waiter != null) {
            remove(waiter);
        }
        return waiter;
    }

    /**
     * Takes {@code waiter} out of its FIFO, wherever it is, and adds the time it
     * waited to its class.
     *
     * @throws IllegalStateException if this queue does not hold it
     */
    void remove(BufferWaiter waiter) {
        int c = waiter.queuedClass;
        if (c < 0) {
            throw new IllegalStateException(waiter + " is not waiting");
        }
        fifos[c].remove(waiter.link);
        waiter.queuedClass = -1;
        long waited = clock.getAsLong() - waiter.waitingSince;
        waitNanos[c] += waited;
        int bucket = 0;
        while (bucket < WAIT_BUCKET_NANOS.length && waited > WAIT_BUCKET_NANOS[bucket]) {
            bucket++;
        }
        waitBuckets[c][bucket]++;
        total--;
    }

    /** True if {@code waiter} waits in one of these FIFOs (not in another pool's). */
    boolean holds(BufferWaiter waiter) {
        return waiter.queuedClass >= 0 && fifos[waiter.queuedClass].contains(waiter.link);
    }

    /**
     * The first class, in service order, with a waiter that may take one of
     * {@code free} free buffers under {@code reserve}, or -1.
     */
    int firstEligible(int free, int reserve) {
        if (total == 0) {
            return -1;
        }
        for (int c = 0; c < CLASSES; c++) {
            if (!fifos[c].isEmpty() && free - 1 >= Criticality.of(c).margin(reserve)) {
                return c;
            }
        }
        return -1;
    }

    /** The oldest waiter of class {@code c}'s link, where a walk of that FIFO starts, or {@code null}. */
    IntrusiveList.Link<BufferWaiter> first(int c) {
        return fifos[c].first();
    }

    int length(Criticality c) {
        return fifos[c.ordinal()].size();
    }

    int total() {
        return total;
    }

    long waitNanos(Criticality c) {
        return waitNanos[c.ordinal()];
    }

    long waitsInBucket(Criticality c, int bucket) {
        return waitBuckets[c.ordinal()][bucket];
    }

    /**
     * Checks every FIFO's links and that each waiter in it names its class,
     * and that the lengths add up; throws {@link IllegalStateException} naming
     * the first that fails. O(waiters).
     */
    void checkInvariants() {
        int sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            IntrusiveList<BufferWaiter> fifo = fifos[c];
            try {
                fifo.checkInvariants();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("wait queue " + Criticality.of(c) + ": " + e.getMessage(), e);
            }
            int position = 0;
            for (IntrusiveList.Link<BufferWaiter> l = fifo.first(); l != null; l = l.next()) {
                if (l.owner().queuedClass != c) {
                    throw new IllegalStateException("wait queue " + Criticality.of(c) + " holds at position " + position
                            + " a waiter that says it waits as " + l.owner().waitingAs());
                }
                position++;
            }
            sum += fifo.size();
        }
        if (sum != total) {
            throw new IllegalStateException("wait queues hold " + sum + " waiters, counted " + total);
        }
    }
}
