package dev.sluice.buffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Test code only: a pool whose releases do not hand their buffer over, for
 * the two wake policies that handoff replaced, so that tests and the
 * simulator can measure what handoff saves (WakePolicyHeadlineTest). It
 * reaches the pool through its one seam, {@link BufferPool#handOffOrFree}.
 *
 * <p>A release puts the buffer on the free list and wakes waiters without
 * one: {@link Policy#WAKE_ONE} the oldest waiter of the first class allowed
 * to take a free buffer, {@link Policy#WAKE_ALL} every waiter of every class.
 * A woken waiter stays in its queue (so that its session can still cancel or
 * reclassify it) until its retry runs, later, where {@link Wakeups} puts it
 * (the simulator: a task on the loop's run queue, as the seed's woken sessions
 * ran). The retry allocates for the class the waiter waits in then: a buffer
 * is handed to the waiter; no buffer (someone else took it meanwhile) is a
 * <em>failed wakeup</em>, counted in {@link PoolCounters#failedWakeups}, and the
 * waiter goes to the tail of its class, keeping its waiting time. A waiter is
 * not woken again while its retry is pending.
 *
 * <p>Allocates per wakeup (the retry's closure, the pending set): this is a
 * measurement device, not a production path.
 *
 * <p>Not thread-safe: owned by one loop, as any pool.
 */
public final class ComparisonPool extends BufferPool {
    /** The wake policies handoff replaced. */
    public enum Policy {
        /** The buffer goes back to the free list and one eligible waiter is woken to try again. */
        WAKE_ONE,
        /** The buffer goes back to the free list and every waiter is woken to try again. */
        WAKE_ALL
    }

    /** Where a woken waiter's retry runs. */
    @FunctionalInterface
    public interface Wakeups {
        /** {@code waiter} was woken without a buffer: run {@code retry} once, later or at once, on the pool's thread. */
        void woken(BufferWaiter waiter, Runnable retry);
    }

    private final Policy policy;
    private final Wakeups wakeups;
    private final Set<BufferWaiter> pending = Collections.newSetFromMap(new IdentityHashMap<>());
    private long retries;

    public ComparisonPool(Policy policy, int count, int bufferSize, int reserve, LongSupplier nanoClock, Wakeups wakeups) {
        super(count, bufferSize, reserve, nanoClock);
        this.policy = policy;
        this.wakeups = wakeups;
    }

    /** The named policy: {@code "WAKE_ONE"} or {@code "WAKE_ALL"}. */
    public static Policy policy(String name) {
        return Policy.valueOf(name);
    }

    public Policy policy() {
        return policy;
    }

    /** Retries run so far, failed or not. */
    public long retries() {
        return retries;
    }

    /** Waiters woken whose retry has not run yet. */
    public int pendingRetries() {
        return pending.size();
    }

    @Override
    void handOffOrFree(Buffer buffer) {
        toFreeList(buffer);
        List<BufferWaiter> chosen = policy == Policy.WAKE_ONE ? oldestEligible() : everyWaiter();
        // Chosen before any is woken: a retry run at once, which may queue its waiter
        // again at a tail, cannot make this release wake that waiter twice.
        for (BufferWaiter w : chosen) {
            pending.add(w);
            wakeups.woken(w, () -> retry(w));
        }
    }

    private List<BufferWaiter> oldestEligible() {
        for (int c = 0; c < Criticality.count(); c++) {
            if (free() - 1 < Criticality.of(c).margin(reserve())) {
                continue;
            }
            for (var l = queue.first(c); l != null; l = l.next()) {
                if (!pending.contains(l.owner())) {
                    return List.of(l.owner());
                }
            }
        }
        return List.of();
    }

    private List<BufferWaiter> everyWaiter() {
        List<BufferWaiter> all = new ArrayList<>();
        for (int c = 0; c < Criticality.count(); c++) {
            for (var l = queue.first(c); l != null; l = l.next()) {
                if (!pending.contains(l.owner())) {
                    all.add(l.owner());
                }
            }
        }
        return all;
    }

    private void retry(BufferWaiter waiter) {
        if (!pending.remove(waiter)) {
            throw new IllegalStateException(waiter + " retried without a wakeup");
        }
        retries++;
        if (!queue.holds(waiter)) {
            // Cancelled, or served by a reclassification, since its wakeup.
            return;
        }
        Criticality c = waiter.waitingAs();
        Buffer buffer = tryAllocate(c);
        if (buffer == null) {
            wakeupFailed(c);
            queue.moveTo(waiter, c);
            return;
        }
        queue.remove(waiter);
        waiter.onBuffer(buffer);
    }

    /** Waiters woken to retry may wait while buffers are free, by design; the rest is checked as always. */
    @Override
    void checkHandoffRule() {
    }
}
