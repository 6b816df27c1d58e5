package dev.sluice.buffer;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * One event loop's buffers: a fixed set carved once, at construction, from one
 * direct arena, and the {@link WaitQueue} of those who wait for one (a FIFO
 * per {@link Criticality} class, or per lane in a deeper pool: see
 * {@link #allocateOrWaitIn}). The pool allocates, releases, hands off,
 * cancels and reclassifies; the queue keeps the order and the wait times, its
 * {@link FreeList} which buffers are free, in use or retired, and its {@link
 * PoolClaims} the buffers set aside for admitted {@link BufferClaim}s. What it
 * counts is read through its {@link PoolCounters}.
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
 * Its {@link #counters()} and getters may be read from other threads and then
 * give a recent value.
 */
public class BufferPool {
    private static final int CLASSES = Criticality.count();

    private final int bufferSize;
    private int reserve;
    /** The most buffers a holder of this pool's buffers needs at once, less one: its {@code URGENT} lanes. */
    private final int depth;
    /** The carved buffers, and which are free, in use or retired. */
    private final FreeList list;
    private int peakInUse;

    /** The waiters; package-private for the seam's subclass. */
    final WaitQueue queue;
    /** The buffers set aside for admitted claims, and the gates waiting; package-private for {@link ClaimGate}. */
    final PoolClaims claims = new PoolClaims(this);

    /** Per class, what {@link PoolCounters} reads; package-private for it. */
    final long[] allocations = new long[CLASSES];
    final long[] waits = new long[CLASSES];
    final long[] handoffs = new long[CLASSES];
    final long[] failedWakeups = new long[CLASSES];
    final long[] cancels = new long[CLASSES];
    private final PoolCounters counters = new PoolCounters(this);

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
        this(arena, count, bufferSize, reserve, 1, nanoClock);
    }

    /**
     * A pool whose holders need up to {@code depth + 1} buffers at once to
     * finish: besides {@code CRITICAL}'s and {@code NORMAL}'s, it has {@code
     * depth} {@code URGENT} lanes, lane {@code L} leaving {@code L} buffers free
     * (see {@link #allocateOrWaitIn}). Depth 1 is the client pool's (a pair);
     * a TLS record arena whose sessions speak TLS on both sides has depth 3.
     * The deadlock argument wants a reserve of at least {@code depth + 1}
     * then (a holder starts only where its whole set is free); the pool does
     * not check it, its owner does.
     */
    public BufferPool(ByteBuffer arena, int count, int bufferSize, int reserve, int depth, LongSupplier nanoClock) {
        if (depth < 1) {
            throw new IllegalArgumentException("a pool's depth is at least 1, got " + depth);
        }
        if (count < 1) {
            throw new IllegalArgumentException("a pool needs at least one buffer, got " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bufferSize);
        }
        if (reserve < 0 || reserve >= count) {
            throw new IllegalArgumentException("reserve " + reserve + " must be in [0, " + count + ")");
        }
        this.list = new FreeList(this, arena, count, bufferSize);
        this.bufferSize = bufferSize;
        this.reserve = reserve;
        this.depth = depth;
        this.queue = new WaitQueue(nanoClock, depth);
    }

    /**
     * Takes a buffer if the class's margin allows it, or returns {@code null}.
     * Never queues anything.
     */
    public final Buffer tryAllocate(Criticality criticality) {
        // The class's margin is its lane's (0, 1, the reserve), without the lane's lookups on the hot path.
        if (list.freeCount - claims.earmarked - 1 < criticality.margin(reserve)) {
            return null;
        }
        return take(criticality);
    }

    /**
     * The same for {@code waiter}'s session, without queueing it: out of its
     * claim while that is admitted, and counted to it.
     */
    public final Buffer tryAllocate(Criticality criticality, BufferWaiter waiter) {
        Buffer b = claims.claimed(waiter, criticality);
        if (b != null) {
            return b;
        }
        b = tryAllocate(criticality);
        if (b != null) {
            claims.tag(b, waiter);
        }
        return b;
    }

    /** Takes a buffer if {@code lane}'s margin allows it, or returns {@code null}. Never queues anything. */
    public final Buffer tryAllocateIn(int lane) {
        if (list.freeCount - claims.earmarked - 1 < queue.margin(lane, reserve)) {
            return null;
        }
        return take(queue.classOf(lane));
    }

    /** The warmest free buffer, counted as {@code criticality}'s; one is free. */
    final Buffer take(Criticality criticality) {
        Buffer buffer = list.pop();
        buffer.allocatedAs = criticality;
        allocations[criticality.ordinal()]++;
        int inUse = list.inUse();
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
        return allocateOrWaitIn(queue.lane(criticality), waiter);
    }

    /**
     * The same in one lane: {@link #normalLane()} is {@code NORMAL}'s; lane
     * {@code L} from 0 to {@link #depth()} leaves {@code min(L, reserve)}
     * buffers free ({@code 0} is {@code CRITICAL}'s, {@code 1} {@code
     * URGENT}'s). A holder that needs {@code n} more buffers to finish, this
     * one included, asks in lane {@code n - 1}: what stays free then covers
     * the rest of what it needs (docs/design.md, "Why it cannot deadlock").
     */
    public final Buffer allocateOrWaitIn(int lane, BufferWaiter waiter) {
        if (waiter.isWaiting()) {
            throw new IllegalStateException("waiter is already queued as " + waiter.waitingAs());
        }
        Buffer buffer = claims.claimed(waiter, queue.classOf(lane));
        if (buffer != null) {
            return buffer;
        }
        buffer = tryAllocateIn(lane);
        if (buffer == null) {
            queue.addToLane(waiter, lane);
            waits[queue.classOf(lane).ordinal()]++;
        } else {
            claims.tag(buffer, waiter);
        }
        return buffer;
    }

    /** {@code NORMAL}'s lane. */
    public final int normalLane() {
        return queue.lanes() - 1;
    }

    /** How many {@code URGENT} lanes there are (1 for a pair). */
    public final int depth() {
        return depth;
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
        if (claims.returned(buffer)) {
            // Back to the admitted claim it came from: set aside again, available to nobody else.
            toFreeList(buffer);
            return;
        }
        if (list.debt > 0) {
            payDebt(buffer);
            return;
        }
        handOffOrFree(buffer);
    }

    /** Free buffers that are not set aside for admitted claims: what every rule but a claim's take sees. */
    public final int available() {
        return list.freeCount - claims.earmarked;
    }

    /** Free buffers set aside for admitted claims. */
    public final int earmarked() {
        return claims.earmarked;
    }

    /** The waiters that buffers now available may serve get them, in lane order. */
    final void handToEligibleWaiters() {
        for (int l = queue.firstEligible(list.freeCount - claims.earmarked, reserve); l >= 0;
             l = queue.firstEligible(list.freeCount - claims.earmarked, reserve)) {
            Buffer buffer = tryAllocateIn(l);
            Criticality c = queue.classOf(l);
            // Taken to be handed over: a handoff, not an allocation.
            allocations[c.ordinal()]--;
            handOver(buffer, queue.removeHead(l), c);
        }
    }

    /** Gives {@code buffer} to {@code waiter}, off its queue now, as {@code c}'s, counted to its claim. */
    private void handOver(Buffer buffer, BufferWaiter waiter, Criticality c) {
        handoffs[c.ordinal()]++;
        buffer.allocatedAs = c;
        claims.tag(buffer, waiter);
        waiter.onBuffer(buffer);
    }

    /**
     * A release while the pool owes buffers (see {@link #resize}): a session
     * waiting to complete its pair is served first, since it can then finish
     * and give back two; otherwise the buffer retires. In use never grows.
     */
    private void payDebt(Buffer buffer) {
        if (queue.laneLength(0) > 0) {
            handOver(buffer, queue.removeHead(0), Criticality.CRITICAL);
            return;
        }
        list.retire(buffer);
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
     * @throws IllegalArgumentException if {@code count} exceeds the arena or the reserve is not below it
     */
    public final void resize(int count, int newReserve) {
        if (count < 1 || count > list.buffers.length) {
            throw new IllegalArgumentException("a pool of " + list.buffers.length + " carved buffers cannot circulate "
                    + count);
        }
        if (newReserve < 0 || newReserve >= count) {
            throw new IllegalArgumentException("reserve " + newReserve + " must be in [0, " + count + ")");
        }
        list.resize(count, claims.earmarked);
        reserve = newReserve;
        // The waiters that the freed buffers, or a smaller reserve, now let through.
        handToEligibleWaiters();
        claims.notifyGates();
    }

    /** The buffers carved at construction: the most that {@link #resize} may circulate. */
    public final int capacity() {
        return list.buffers.length;
    }

    /**
     * What becomes of a released, cleared buffer: it goes to the oldest waiter
     * of the first class allowed to take it, which alone is woken and owns it
     * from now on, or, when nobody may take it, onto the free list.
     *
     * <p>The seam (see the class comment): overridden only by test code.
     */
    void handOffOrFree(Buffer buffer) {
        int l = queue.firstEligible(list.freeCount - claims.earmarked + 1, reserve);
        if (l < 0) {
            toFreeList(buffer);
            claims.notifyGates();
            return;
        }
        handOver(buffer, queue.removeHead(l), queue.classOf(l));
    }

    /** Puts a released buffer on top of the free list, where the next allocation takes it. */
    final void toFreeList(Buffer buffer) {
        list.push(buffer);
    }

    /**
     * Removes a waiter from its queue in O(1), for a session that closes or
     * times out while waiting. Does nothing if it is not waiting here.
     */
    public final void cancel(BufferWaiter waiter) {
        if (!queue.holds(waiter)) {
            return;
        }
        cancels[waiter.queuedAs.ordinal()]++;
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
        return reclassifyIn(waiter, queue.lane(criticality));
    }

    /** The same, to {@code lane} (see {@link #allocateOrWaitIn}). */
    public final Buffer reclassifyIn(BufferWaiter waiter, int lane) {
        if (!queue.holds(waiter)) {
            throw new IllegalStateException("waiter is not queued in this pool");
        }
        if (claims.claimable(waiter)) {
            // Its session's claim was admitted while it waited: the buffer comes out of the claim.
            queue.remove(waiter);
            return claims.claimed(waiter, queue.classOf(lane));
        }
        if (waiter.queuedClass == lane) {
            return null;
        }
        Buffer buffer = tryAllocateIn(lane);
        if (buffer != null) {
            // Its wait ends here and counts to the class it waited in.
            queue.remove(waiter);
            claims.tag(buffer, waiter);
            return buffer;
        }
        queue.moveToLane(waiter, lane);
        return null;
    }

    /**
     * Checks every invariant and throws {@link IllegalStateException} naming the
     * first that fails. O(size + waiters): for tests, the simulator and shutdown.
     */
    public final void checkInvariants() {
        list.checkInvariants();
        if (claims.earmarked < 0 || claims.earmarked > list.freeCount) {
            throw new IllegalStateException(claims.earmarked + " buffers set aside for claims, " + list.freeCount + " free");
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
        int l = queue.firstEligible(list.freeCount - claims.earmarked, reserve);
        if (l >= 0) {
            throw new IllegalStateException(queue.laneLength(l) + " " + queue.classOf(l) + " waiters (lane " + l
                    + ") wait while " + list.freeCount + " buffers are free");
        }
    }

    /** Counts a woken waiter that found no buffer: only a comparison policy (test code) can cause one. */
    final void wakeupFailed(Criticality c) {
        failedWakeups[c.ordinal()]++;
    }

    /** How many buffers circulate now (see {@link #resize}). */
    public final int size() {
        return list.size;
    }

    public final int bufferSize() {
        return bufferSize;
    }

    public final int reserve() {
        return reserve;
    }

    public final int free() {
        return list.freeCount;
    }

    public final int inUse() {
        return list.inUse();
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

    /** What the pool has counted: allocations, waits, handoffs, cancels and the like, per class. */
    public final PoolCounters counters() {
        return counters;
    }
}
