package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;
import java.util.function.LongSupplier;

/**
 * A pool's waiters: one FIFO per lane, each an {@link IntrusiveList} of the
 * waiters' own links, served in lane order. A lane is a margin: lane {@code L}
 * up to the pool's depth leaves {@code min(L, reserve)} buffers free, and the
 * last lane, {@code NORMAL}'s, leaves {@code reserve}. A pool of depth 1 has
 * the three lanes of the {@link Criticality} classes ({@code CRITICAL} first);
 * a deeper one (a TLS record arena whose sessions hold up to four record
 * buffers) has more {@code URGENT} lanes between, each counted as {@code
 * URGENT}. It knows how long each waiter has been queued and adds that to its
 * class's wait time when the waiter leaves; which waiter may take a buffer is
 * its {@link #firstEligible} rule.
 *
 * <p>A waiter sits in at most one FIFO at a time: the list refuses a link that
 * is already linked, and removing a waiter the queue does not hold fails.
 *
 * <p>Not thread-safe: owned by the pool, on the pool's loop.
 */
final class WaitQueue {
    private static final int CLASSES = Criticality.count();

    private final IntrusiveList<BufferWaiter>[] fifos;
    /** Per lane, the class it is counted as. */
    private final Criticality[] laneClass;
    private final long[] waitNanos = new long[CLASSES];
    /** Per class, ended waits by {@link #WAIT_BUCKET_NANOS} bucket (the last one past every bound). */
    private final long[][] waitBuckets = new long[CLASSES][WAIT_BUCKET_NANOS.length + 1];

    /** Upper bounds of the wait-time histogram's buckets: 100 µs to 10 s, by tens. */
    static final long[] WAIT_BUCKET_NANOS = {100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
            10_000_000_000L};
    private final LongSupplier clock;
    /** Waiters over every class, so that a release with nobody waiting costs one test. */
    private int total;

    /** The three lanes of the classes. */
    WaitQueue(LongSupplier clock) {
        this(clock, 1);
    }

    /** Lanes 0 to {@code depth} ({@code CRITICAL}, then {@code URGENT} ones), and {@code NORMAL}'s. */
    @SuppressWarnings("unchecked")
    WaitQueue(LongSupplier clock, int depth) {
        this.clock = clock;
        int lanes = depth + 2;
        this.fifos = new IntrusiveList[lanes];
        this.laneClass = new Criticality[lanes];
        for (int l = 0; l < lanes; l++) {
            fifos[l] = new IntrusiveList<>();
            laneClass[l] = l == 0 ? Criticality.CRITICAL : l == lanes - 1 ? Criticality.NORMAL : Criticality.URGENT;
        }
    }

    /** The lane of a class: {@code CRITICAL} 0, {@code URGENT} 1, {@code NORMAL} the last. */
    int lane(Criticality c) {
        return switch (c) {
            case CRITICAL -> 0;
            case URGENT -> 1;
            case NORMAL -> fifos.length - 1;
        };
    }

    int lanes() {
        return fifos.length;
    }

    Criticality classOf(int lane) {
        return laneClass[lane];
    }

    /** How many buffers an allocation in {@code lane} leaves free. */
    int margin(int lane, int reserve) {
        return lane == fifos.length - 1 ? reserve : Math.min(lane, reserve);
    }

    /** Queues {@code waiter} at the tail of its class's lane; it waits from now. */
    void add(BufferWaiter waiter, Criticality c) {
        addToLane(waiter, lane(c));
    }

    /** Queues {@code waiter} at the tail of {@code lane}; it waits from now. */
    void addToLane(BufferWaiter waiter, int lane) {
        fifos[lane].addLast(waiter.link);
        waiter.queuedClass = lane;
        waiter.queuedAs = laneClass[lane];
        waiter.waitingSince = clock.getAsLong();
        total++;
    }

    /**
     * Moves a queued waiter to the tail of another class's lane, keeping the
     * time it started waiting: a reclassification is neither a new wait nor the end of one.
     */
    void moveTo(BufferWaiter waiter, Criticality c) {
        moveToLane(waiter, lane(c));
    }

    /** The same, to {@code lane}. */
    void moveToLane(BufferWaiter waiter, int lane) {
        fifos[waiter.queuedClass].remove(waiter.link);
        fifos[lane].addLast(waiter.link);
        waiter.queuedClass = lane;
        waiter.queuedAs = laneClass[lane];
    }

    /** Takes the oldest waiter of {@code lane} out, counting its wait; {@code null} if none. */
    BufferWaiter removeHead(int lane) {
        BufferWaiter waiter = fifos[lane].peekFirst();
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
        int lane = waiter.queuedClass;
        if (lane < 0) {
            throw new IllegalStateException(waiter + " is not waiting");
        }
        fifos[lane].remove(waiter.link);
        int c = laneClass[lane].ordinal();
        waiter.queuedClass = -1;
        waiter.queuedAs = null;
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
     * The first lane, in service order, with a waiter that may take one of
     * {@code free} free buffers under {@code reserve}, or -1.
     */
    int firstEligible(int free, int reserve) {
        if (total == 0) {
            return -1;
        }
        for (int l = 0; l < fifos.length; l++) {
            if (!fifos[l].isEmpty() && free - 1 >= margin(l, reserve)) {
                return l;
            }
        }
        return -1;
    }

    /** The oldest waiter of {@code lane}'s link, where a walk of that FIFO starts, or {@code null}. */
    IntrusiveList.Link<BufferWaiter> first(int lane) {
        return fifos[lane].first();
    }

    /** Waiters of a class, over its lanes. */
    int length(Criticality c) {
        int n = 0;
        for (int l = 0; l < fifos.length; l++) {
            if (laneClass[l] == c) {
                n += fifos[l].size();
            }
        }
        return n;
    }

    int laneLength(int lane) {
        return fifos[lane].size();
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
        for (int l = 0; l < fifos.length; l++) {
            IntrusiveList<BufferWaiter> fifo = fifos[l];
            try {
                fifo.checkInvariants();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("wait queue lane " + l + " (" + laneClass[l] + "): " + e.getMessage(), e);
            }
            int position = 0;
            for (IntrusiveList.Link<BufferWaiter> link = fifo.first(); link != null; link = link.next()) {
                if (link.owner().queuedClass != l) {
                    throw new IllegalStateException("wait queue lane " + l + " (" + laneClass[l] + ") holds at position "
                            + position + " a waiter that says it waits as " + link.owner().waitingAs());
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
