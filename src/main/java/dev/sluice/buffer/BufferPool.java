package dev.sluice.buffer;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * One event loop's buffers: a fixed set carved once, at construction, from one
 * direct arena, and the {@link WaitQueue} of those who wait for one (a FIFO
 * per {@link Criticality} class). The pool allocates, releases, hands off,
 * cancels and reclassifies; the queue keeps the order and the wait times.
 *
 * <p>The rules (DESIGN.md and the seed commit):
 * <ul>
 * <li>An allocation of a class whose {@linkplain Criticality#margin(int) margin}
 *     is {@code reserve} succeeds only if at least {@code reserve} buffers stay
 *     free afterwards; a {@link Criticality#CRITICAL} one may take the last buffer.</li>
 * <li>A failed allocation may queue a waiter in its class's FIFO.</li>
 * <li>A release <em>hands</em> its buffer to the oldest waiter of the first class
 *     (in declaration order) allowed to take it, and wakes exactly that waiter.
 *     The waiter owns the buffer when it runs, so a wakeup never fails.</li>
 * <li>The free list is LIFO: the buffer released last, still warm in the CPU
 *     cache, is the next one handed out.</li>
 * </ul>
 *
 * <p>Invariants checked on every call that could break them: a buffer is
 * released once per allocation, a waiter sits in at most one queue, and no
 * waiter waits while a buffer it may take is free. {@link #checkInvariants()}
 * also checks {@code free + inUse == size} and every queue's links.
 *
 * <p>The class is not final for one reason, the pool's only seam: code in this
 * package may override {@link #handOffOrFree(Buffer)} and
 * {@link #checkHandoffRule()}, using the queue, {@link #toFreeList} and
 * {@link #wakeupFailed}. The tests' {@code ComparisonPool} (src/test) does, to
 * run the two wake policies that handoff replaced (wake one waiter, wake every
 * waiter, each to retry its allocation), so that the simulator can measure
 * what handoff saves. Production code has no subclass, and the public methods
 * are final, so that no subclass changes the pool's contract.
 *
 * <p>Not thread-safe: owned by one event loop, and called only from its thread.
 * Counter getters may be read from other threads and then give a recent value.
 */
public class BufferPool {
    private static final int CLASSES = Criticality.count();

    private final int bufferSize;
    private final int reserve;
    private final Buffer[] buffers;
    /** LIFO stack of free buffer indexes; {@code freeStack[freeCount - 1]} is the warmest. */
    private final int[] freeStack;
    private int freeCount;
    private int peakInUse;

    /** The waiters; package-private for the seam's subclass. */
    final WaitQueue queue;

    private final long[] allocations = new long[CLASSES];
    private final long[] waits = new long[CLASSES];
    private final long[] handoffs = new long[CLASSES];
    private final long[] failedWakeups = new long[CLASSES];
    private final long[] cancels = new long[CLASSES];

    /**
     * Carves {@code count} buffers of {@code bufferSize} bytes from one direct arena.
     *
     * @param nanoClock the loop's clock, for wait times (the simulator passes virtual time)
     */
    public BufferPool(int count, int bufferSize, int reserve, LongSupplier nanoClock) {
        if (count < 1) {
            throw new IllegalArgumentException("a pool needs at least one buffer, got " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bufferSize);
        }
        if (reserve < 0 || reserve >= count) {
            throw new IllegalArgumentException("reserve " + reserve + " must be in [0, " + count + ")");
        }
        if ((long) count * bufferSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " buffers of " + bufferSize + " bytes exceed one arena (2 GiB)");
        }
        this.bufferSize = bufferSize;
        this.reserve = reserve;
        this.queue = new WaitQueue(nanoClock);
        ByteBuffer arena = ByteBuffer.allocateDirect(count * bufferSize);
        this.buffers = new Buffer[count];
        this.freeStack = new int[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = new Buffer(this, i, arena.slice(i * bufferSize, bufferSize));
        }
        // Index 0 on top, so a fresh pool hands out its buffers in arena order.
        for (int i = 0; i < count; i++) {
            freeStack[i] = count - 1 - i;
        }
        this.freeCount = count;
    }

    /**
     * Takes a buffer if the class's margin allows it, or returns {@code null}.
     * Never queues anything.
     */
    public final Buffer tryAllocate(Criticality criticality) {
        if (freeCount - 1 < criticality.margin(reserve)) {
            return null;
        }
        Buffer buffer = buffers[freeStack[--freeCount]];
        if (buffer.inUse) {
            throw new IllegalStateException("free list held a buffer in use: " + buffer);
        }
        buffer.inUse = true;
        buffer.allocatedAs = criticality;
        allocations[criticality.ordinal()]++;
        int inUse = buffers.length - freeCount;
        if (inUse > peakInUse) {
            peakInUse = inUse;
        }
        return buffer;
    }

    /**
     * Takes a buffer, or queues {@code waiter} at the tail of its class's FIFO
     * and returns {@code null}. The waiter will be handed a buffer through
     * {@link BufferWaiter#onBuffer(Buffer)} unless it is {@linkplain #cancel cancelled} first.
     *
     * @throws IllegalStateException if the waiter is already waiting somewhere
     */
    public final Buffer allocateOrWait(Criticality criticality, BufferWaiter waiter) {
        if (waiter.isWaiting()) {
            throw new IllegalStateException("waiter is already queued as " + waiter.waitingAs());
        }
        Buffer buffer = tryAllocate(criticality);
        if (buffer == null) {
            queue.add(waiter, criticality);
            waits[criticality.ordinal()]++;
        }
        return buffer;
    }

    /**
     * Gives a buffer back. If a waiter may take it, the buffer is handed to the
     * oldest waiter of the most critical such class instead of going to the
     * free list, and that waiter alone is woken.
     *
     * @throws IllegalStateException on a buffer of another pool or a second release
     */
    public final void release(Buffer buffer) {
        if (buffer.pool() != this) {
            throw new IllegalStateException(buffer + " belongs to another pool");
        }
        if (!buffer.inUse) {
            throw new IllegalStateException(buffer + " released twice");
        }
        buffer.clear();
        handOffOrFree(buffer);
    }

    /**
     * What becomes of a released, cleared buffer: it goes to the oldest waiter
     * of the first class allowed to take it, which alone is woken and owns it
     * from now on, or, when nobody may take it, onto the free list.
     *
     * <p>The seam (see the class comment): overridden only by test code.
     */
    void handOffOrFree(Buffer buffer) {
        int c = queue.firstEligible(freeCount + 1, reserve);
        if (c < 0) {
            toFreeList(buffer);
            return;
        }
        BufferWaiter waiter = queue.removeHead(c);
        handoffs[c]++;
        buffer.allocatedAs = Criticality.of(c);
        waiter.onBuffer(buffer);
    }

    /** Puts a released buffer on top of the free list, where the next allocation takes it. */
    final void toFreeList(Buffer buffer) {
        buffer.inUse = false;
        freeStack[freeCount++] = buffer.index();
    }

    /**
     * Removes a waiter from its queue in O(1), for a session that closes or
     * times out while waiting. Does nothing if it is not waiting here.
     */
    public final void cancel(BufferWaiter waiter) {
        if (!queue.holds(waiter)) {
            return;
        }
        cancels[waiter.queuedClass]++;
        queue.remove(waiter);
    }

    /**
     * Moves a queued waiter to another class, because the reason its session
     * wants a buffer changed (it took a server slot; its other direction got or
     * gave back a buffer). It takes a buffer at once if the new class allows,
     * otherwise it queues at the tail of the new class, keeping its waiting time.
     * Counted neither as a cancel nor as a new wait.
     *
     * @return the buffer, now owned by the waiter, or {@code null} if it waits
     * @throws IllegalStateException if the waiter is not queued in this pool
     */
    public final Buffer reclassify(BufferWaiter waiter, Criticality criticality) {
        if (!queue.holds(waiter)) {
            throw new IllegalStateException("waiter is not queued in this pool");
        }
        if (waiter.queuedClass == criticality.ordinal()) {
            return null;
        }
        Buffer buffer = tryAllocate(criticality);
        if (buffer != null) {
            // Its wait ends here and counts to the class it waited in.
            queue.remove(waiter);
            return buffer;
        }
        queue.moveTo(waiter, criticality);
        return null;
    }

    /**
     * Checks every invariant and throws {@link IllegalStateException} naming the
     * first that fails. O(size + waiters): for tests, the simulator and shutdown.
     */
    public final void checkInvariants() {
        int inUse = 0;
        for (Buffer b : buffers) {
            if (b.inUse) {
                inUse++;
            }
        }
        if (freeCount + inUse != buffers.length) {
            throw new IllegalStateException("free " + freeCount + " + inUse " + inUse + " != size " + buffers.length);
        }
        boolean[] seen = new boolean[buffers.length];
        for (int i = 0; i < freeCount; i++) {
            int idx = freeStack[i];
            if (seen[idx] || buffers[idx].inUse) {
                throw new IllegalStateException("free list corrupt at " + idx);
            }
            seen[idx] = true;
        }
        queue.checkInvariants();
        checkHandoffRule();
    }

    /**
     * Handoff's promise: no waiter waits while a buffer it may take is free.
     * The seam (see the class comment): a policy that wakes waiters to retry
     * breaks it by design, between the wakeup and the retry.
     */
    void checkHandoffRule() {
        int c = queue.firstEligible(freeCount, reserve);
        if (c >= 0) {
            throw new IllegalStateException(queue.length(Criticality.of(c)) + " " + Criticality.of(c)
                    + " waiters wait while " + freeCount + " buffers are free");
        }
    }

    /** Counts a woken waiter that found no buffer: only a comparison policy (test code) can cause one. */
    final void wakeupFailed(Criticality c) {
        failedWakeups[c.ordinal()]++;
    }

    public final int size() {
        return buffers.length;
    }

    public final int bufferSize() {
        return bufferSize;
    }

    public final int reserve() {
        return reserve;
    }

    public final int free() {
        return freeCount;
    }

    public final int inUse() {
        return buffers.length - freeCount;
    }

    public final int peakInUse() {
        return peakInUse;
    }

    /** Waiters now queued in one class. */
    public final int waiting(Criticality c) {
        return queue.length(c);
    }

    public final int waitingTotal() {
        return queue.total();
    }

    /** Allocations that succeeded at once (handoffs are counted apart). */
    public final long allocations(Criticality c) {
        return allocations[c.ordinal()];
    }

    /** Allocations that failed and queued a waiter. */
    public final long waits(Criticality c) {
        return waits[c.ordinal()];
    }

    /** Buffers handed directly from a release to a waiter. */
    public final long handoffs(Criticality c) {
        return handoffs[c.ordinal()];
    }

    /** Total time spent queued, in the clock's nanoseconds, by waiters that left the queue. */
    public final long waitNanos(Criticality c) {
        return queue.waitNanos(c);
    }

    /**
     * Woken waiters that still found no buffer. 0 by construction in production:
     * a release hands its buffer to the one waiter it wakes. The number means
     * something only for the comparison policies of the tests, which wake
     * waiters to retry; the summary prints it so that 0 can be seen.
     */
    public final long failedWakeups(Criticality c) {
        return failedWakeups[c.ordinal()];
    }

    /** Waiters removed before they got a buffer (their session closed or timed out). */
    public final long cancels(Criticality c) {
        return cancels[c.ordinal()];
    }
}
