package dev.sluice.buffer;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * One event loop's buffers: a fixed set carved once, at construction, from one
 * direct arena, plus one FIFO wait queue per {@link Criticality} class.
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
 * <p>Not thread-safe: owned by one event loop, and called only from its thread.
 * Counter getters may be read from other threads and then give a recent value.
 */
public final class BufferPool {
    private static final int CLASSES = Criticality.count();

    private final int bufferSize;
    private final LongSupplier nanoClock;
    private final Buffer[] buffers;
    /** LIFO stack of free buffer indexes; {@code freeStack[freeCount - 1]} is the warmest. */
    private final int[] freeStack;
    private int freeCount;
    private int peakInUse;
    /**
     * How many buffers circulate now: all of the arena at first, fewer after a
     * reload that lowered {@code tune.buffers.limit}. The others are retired:
     * carved, but neither free nor in use. See {@link #resize}.
     */
    private int size;
    private int reserve;
    /** Retired buffers' indexes, a stack like the free list. */
    private final int[] retiredStack;
    private int retiredCount;
    /** Buffers in use beyond {@link #size}: each release pays one back (retires it) instead of freeing it. */
    private int debt;

    private final BufferWaiter[] heads = new BufferWaiter[CLASSES];
    private final BufferWaiter[] tails = new BufferWaiter[CLASSES];
    private final int[] queueLengths = new int[CLASSES];

    private final long[] allocations = new long[CLASSES];
    private final long[] waits = new long[CLASSES];
    private final long[] handoffs = new long[CLASSES];
    private final long[] waitNanos = new long[CLASSES];
    private final long[] failedWakeups = new long[CLASSES];
    private final long[] cancels = new long[CLASSES];

    private WakePolicy policy = WakePolicy.HANDOFF;

    /**
     * Carves {@code count} buffers of {@code bufferSize} bytes from one direct arena.
     *
     * @param nanoClock the loop's clock, for wait times (the simulator passes virtual time)
     */
    public BufferPool(int count, int bufferSize, int reserve, LongSupplier nanoClock) {
        this(null, count, bufferSize, reserve, nanoClock);
    }

    /**
     * Carves {@code count} buffers of {@code bufferSize} bytes from {@code arena},
     * a direct buffer of at least {@code count * bufferSize} bytes that the pool
     * owns from now on, or from a direct buffer of its own when it is null. An
     * arena mapped on demand (anonymous memory that the system backs with
     * pages only when first written) keeps the buffers never used out of the
     * resident set: the bound is the same, its cost is what the traffic touches.
     */
    public BufferPool(ByteBuffer arena, int count, int bufferSize, int reserve, LongSupplier nanoClock) {
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
        this.size = count;
        this.retiredStack = new int[count];
        this.nanoClock = nanoClock;
        if (arena == null) {
            arena = ByteBuffer.allocateDirect(count * bufferSize);
        } else if (!arena.isDirect() || arena.capacity() < count * bufferSize) {
            throw new IllegalArgumentException("an arena of " + arena.capacity() + " bytes (direct: " + arena.isDirect()
                    + ") cannot hold " + count + " buffers of " + bufferSize + " bytes");
        }
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
    public Buffer tryAllocate(Criticality criticality) {
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
        int inUse = buffers.length - freeCount - retiredCount;
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
    public Buffer allocateOrWait(Criticality criticality, BufferWaiter waiter) {
        if (waiter.queuedClass >= 0) {
            throw new IllegalStateException("waiter is already queued as " + waiter.waitingAs());
        }
        Buffer buffer = tryAllocate(criticality);
        if (buffer == null) {
            enqueue(criticality.ordinal(), waiter);
            waits[criticality.ordinal()]++;
        }
        return buffer;
    }

    /**
     * The retry of a waiter woken without a buffer (comparison policies only).
     * A failure here is a <em>failed wakeup</em>: it is counted and the waiter
     * queues again, at the tail.
     */
    public Buffer allocateAfterWakeup(Criticality criticality, BufferWaiter waiter) {
        if (waiter.queuedClass >= 0) {
            throw new IllegalStateException("waiter is already queued as " + waiter.waitingAs());
        }
        Buffer buffer = tryAllocate(criticality);
        if (buffer == null) {
            failedWakeups[criticality.ordinal()]++;
            enqueue(criticality.ordinal(), waiter);
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
    public void release(Buffer buffer) {
        if (buffer.pool() != this) {
            throw new IllegalStateException(buffer + " belongs to another pool");
        }
        if (!buffer.inUse) {
            throw new IllegalStateException(buffer + " released twice");
        }
        buffer.clear();
        if (debt > 0) {
            // A lowered limit is paid back by releases, but a session waiting to complete its pair is
            // served first: it can finish, and gives back two. In use never grows meanwhile.
            if (heads[Criticality.CRITICAL.ordinal()] != null) {
                handoffs[Criticality.CRITICAL.ordinal()]++;
                buffer.allocatedAs = Criticality.CRITICAL;
                dequeueHead(Criticality.CRITICAL.ordinal()).onBuffer(buffer);
                return;
            }
            debt--;
            buffer.inUse = false;
            retiredStack[retiredCount++] = buffer.index();
            return;
        }
        if (policy == WakePolicy.HANDOFF) {
            int c = firstEligibleClass(freeCount + 1);
            if (c >= 0) {
                BufferWaiter waiter = dequeueHead(c);
                handoffs[c]++;
                buffer.allocatedAs = Criticality.of(c);
                waiter.onBuffer(buffer);
                return;
            }
            buffer.inUse = false;
            freeStack[freeCount++] = buffer.index();
            return;
        }
        buffer.inUse = false;
        freeStack[freeCount++] = buffer.index();
        wakeWithoutHandoff();
    }

    /**
     * Removes a waiter from its queue in O(1), for a session that closes or
     * times out while waiting. Does nothing if it is not waiting here.
     */
    public void cancel(BufferWaiter waiter) {
        if (waiter.queuedClass < 0 || waiter.queuedIn != this) {
            return;
        }
        int c = waiter.queuedClass;
        unlink(c, waiter);
        cancels[c]++;
        waitNanos[c] += nanoClock.getAsLong() - waiter.waitingSince;
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
    public Buffer reclassify(BufferWaiter waiter, Criticality criticality) {
        if (waiter.queuedClass < 0 || waiter.queuedIn != this) {
            throw new IllegalStateException("waiter is not queued in this pool");
        }
        int old = waiter.queuedClass;
        if (old == criticality.ordinal()) {
            return null;
        }
        long since = waiter.waitingSince;
        unlink(old, waiter);
        Buffer buffer = tryAllocate(criticality);
        if (buffer != null) {
            waitNanos[old] += nanoClock.getAsLong() - since;
            return buffer;
        }
        enqueue(criticality.ordinal(), waiter);
        waiter.waitingSince = since;
        return null;
    }

    /**
     * Changes how many buffers circulate, and the reserve, within the arena
     * carved at construction (a reload's new {@code tune.buffers.limit}): the
     * arena is reused, never allocated again.
     *
     * <p>Lowered: free buffers retire at once; if fewer are free than must go,
     * the rest is a debt that releases pay back, so buffers in use never pass
     * the larger of the old and the new size, and reach the new one as the
     * sessions that hold them finish. While in debt nothing is free, so no
     * allocation succeeds; a release hands its buffer to a {@link
     * Criticality#CRITICAL} waiter if there is one, since that session then
     * holds its pair and can finish (DESIGN.md, "Why it cannot deadlock": the
     * buffer goes to a session that can finish, as it would to take the last
     * buffer), and retires it otherwise. Raised: the debt is forgiven first,
     * then retired buffers come back and go to the waiters they may serve.
     *
     * @throws IllegalArgumentException if {@code count} exceeds the arena or the reserve leaves fewer than 2
     */
    public void resize(int count, int newReserve) {
        if (count < 1 || count > buffers.length) {
            throw new IllegalArgumentException("a pool of " + buffers.length + " carved buffers cannot circulate "
                    + count);
        }
        if (newReserve < 0 || newReserve >= count) {
            throw new IllegalArgumentException("reserve " + newReserve + " must be in [0, " + count + ")");
        }
        if (count < size) {
            int retire = size - count;
            int fromFree = Math.min(retire, freeCount);
            for (int i = 0; i < fromFree; i++) {
                int index = freeStack[--freeCount];
                retiredStack[retiredCount++] = index;
            }
            debt += retire - fromFree;
        } else if (count > size) {
            int more = count - size;
            int forgiven = Math.min(debt, more);
            debt -= forgiven;
            for (int i = forgiven; i < more; i++) {
                freeStack[freeCount++] = retiredStack[--retiredCount];
            }
        }
        size = count;
        reserve = newReserve;
        // The waiters that the freed buffers, or a smaller reserve, now let through.
        for (int c = firstEligibleClass(freeCount); c >= 0 && policy == WakePolicy.HANDOFF;
                c = firstEligibleClass(freeCount)) {
            Buffer buffer = tryAllocate(Criticality.of(c));
            allocations[c]--;
            handoffs[c]++;
            dequeueHead(c).onBuffer(buffer);
        }
    }

    /** The buffers carved at construction: the most that {@link #resize} may circulate. */
    public int capacity() {
        return buffers.length;
    }

    /** The first class, in service order, with a waiter that may take one of {@code free} free buffers. */
    private int firstEligibleClass(int free) {
        for (int c = 0; c < CLASSES; c++) {
            if (heads[c] != null && free - 1 >= Criticality.of(c).margin(reserve)) {
                return c;
            }
        }
        return -1;
    }

    private void wakeWithoutHandoff() {
        if (policy == WakePolicy.WAKE_ONE) {
            int c = firstEligibleClass(freeCount);
            if (c >= 0) {
                dequeueHead(c).onBuffer(null);
            }
            return;
        }
        // WAKE_ALL: take every waiter out of every queue before waking any, so that a
        // waiter re-queueing from its callback, in whatever class, waits for the next
        // release instead of being woken twice by this one. The queues are chained in
        // service order through the waiters' own links, so nothing is allocated.
        BufferWaiter first = null;
        BufferWaiter last = null;
        int total = 0;
        for (int c = 0; c < CLASSES; c++) {
            if (heads[c] == null) {
                continue;
            }
            if (last == null) {
                first = heads[c];
            } else {
                last.next = heads[c];
            }
            last = tails[c];
            total += queueLengths[c];
            heads[c] = null;
            tails[c] = null;
            queueLengths[c] = 0;
        }
        BufferWaiter w = first;
        for (int i = 0; i < total; i++) {
            BufferWaiter next = w.next;
            int c = w.queuedClass;
            w.prev = null;
            w.next = null;
            w.queuedClass = -1;
            w.queuedIn = null;
            waitNanos[c] += nanoClock.getAsLong() - w.waitingSince;
            w.onBuffer(null);
            w = next;
        }
    }

    private void enqueue(int c, BufferWaiter waiter) {
        waiter.queuedClass = c;
        waiter.queuedIn = this;
        waiter.waitingSince = nanoClock.getAsLong();
        waiter.next = null;
        waiter.prev = tails[c];
        if (tails[c] == null) {
            heads[c] = waiter;
        } else {
            tails[c].next = waiter;
        }
        tails[c] = waiter;
        queueLengths[c]++;
    }

    private BufferWaiter dequeueHead(int c) {
        BufferWaiter waiter = heads[c];
        unlink(c, waiter);
        waitNanos[c] += nanoClock.getAsLong() - waiter.waitingSince;
        return waiter;
    }

    private void unlink(int c, BufferWaiter waiter) {
        if (waiter.prev == null) {
            heads[c] = waiter.next;
        } else {
            waiter.prev.next = waiter.next;
        }
        if (waiter.next == null) {
            tails[c] = waiter.prev;
        } else {
            waiter.next.prev = waiter.prev;
        }
        waiter.prev = null;
        waiter.next = null;
        waiter.queuedClass = -1;
        waiter.queuedIn = null;
        queueLengths[c]--;
    }

    /**
     * Checks every invariant and throws {@link IllegalStateException} naming the
     * first that fails. O(size + waiters): for tests, the simulator and shutdown.
     */
    public void checkInvariants() {
        int inUse = 0;
        for (Buffer b : buffers) {
            if (b.inUse) {
                inUse++;
            }
        }
        if (freeCount + inUse + retiredCount != buffers.length || freeCount + inUse != size + debt) {
            throw new IllegalStateException("free " + freeCount + " + inUse " + inUse + " + retired " + retiredCount
                    + " != carved " + buffers.length + ", or free + inUse != size " + size + " + debt " + debt);
        }
        boolean[] seen = new boolean[buffers.length];
        for (int i = 0; i < freeCount; i++) {
            int idx = freeStack[i];
            if (seen[idx] || buffers[idx].inUse) {
                throw new IllegalStateException("free list corrupt at " + idx);
            }
            seen[idx] = true;
        }
        for (int c = 0; c < CLASSES; c++) {
            int n = 0;
            BufferWaiter prev = null;
            for (BufferWaiter w = heads[c]; w != null; w = w.next) {
                if (w.queuedClass != c || w.queuedIn != this || w.prev != prev) {
                    throw new IllegalStateException("wait queue " + Criticality.of(c) + " has a bad link at position " + n);
                }
                prev = w;
                n++;
            }
            if (prev != tails[c] || n != queueLengths[c]) {
                throw new IllegalStateException("wait queue " + Criticality.of(c) + " length " + n + " != " + queueLengths[c]);
            }
            if (policy == WakePolicy.HANDOFF && n > 0 && freeCount - 1 >= Criticality.of(c).margin(reserve)) {
                throw new IllegalStateException(n + " " + Criticality.of(c) + " waiters wait while " + freeCount + " buffers are free");
            }
        }
    }

    void policy(WakePolicy policy) {
        if (waitingTotal() > 0) {
            throw new IllegalStateException("change the wake policy only while nobody waits");
        }
        this.policy = policy;
    }

    WakePolicy policy() {
        return policy;
    }

    /** How many buffers circulate now (see {@link #resize}). */
    public int size() {
        return size;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int reserve() {
        return reserve;
    }

    public int free() {
        return freeCount;
    }

    public int inUse() {
        return buffers.length - freeCount - retiredCount;
    }

    public int peakInUse() {
        return peakInUse;
    }

    /** Waiters now queued in one class. */
    public int waiting(Criticality c) {
        return queueLengths[c.ordinal()];
    }

    public int waitingTotal() {
        int n = 0;
        for (int c = 0; c < CLASSES; c++) {
            n += queueLengths[c];
        }
        return n;
    }

    /** Allocations that succeeded at once (handoffs are counted apart). */
    public long allocations(Criticality c) {
        return allocations[c.ordinal()];
    }

    /** Allocations that failed and queued a waiter. */
    public long waits(Criticality c) {
        return waits[c.ordinal()];
    }

    /** Buffers handed directly from a release to a waiter. */
    public long handoffs(Criticality c) {
        return handoffs[c.ordinal()];
    }

    /** Total time spent queued, in the clock's nanoseconds, by waiters that left the queue. */
    public long waitNanos(Criticality c) {
        return waitNanos[c.ordinal()];
    }

    /** Woken waiters that still found no buffer. Stays 0 under handoff. */
    public long failedWakeups(Criticality c) {
        return failedWakeups[c.ordinal()];
    }

    /** Waiters removed before they got a buffer (their session closed or timed out). */
    public long cancels(Criticality c) {
        return cancels[c.ordinal()];
    }
}
