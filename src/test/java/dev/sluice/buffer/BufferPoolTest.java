package dev.sluice.buffer;

import static dev.sluice.buffer.Criticality.CRITICAL;
import static dev.sluice.buffer.Criticality.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    private static final int SIZE = 16;

    private final FakeClock clock = new FakeClock();
    private final List<RecordingWaiter> wakeLog = new ArrayList<>();

    private BufferPool pool(int count, int reserve) {
        return new BufferPool(count, SIZE, reserve, clock);
    }

    /** Allocates every buffer the pool has (NORMAL while allowed, then CRITICAL), in allocation order. */
    private static List<Buffer> exhaust(BufferPool pool) {
        List<Buffer> held = new ArrayList<>();
        Buffer b;
        while ((b = pool.tryAllocate(NORMAL)) != null) {
            held.add(b);
        }
        while ((b = pool.tryAllocate(CRITICAL)) != null) {
            held.add(b);
        }
        assertEquals(0, pool.free());
        return held;
    }

    private RecordingWaiter queue(BufferPool pool, Criticality c, String name) {
        RecordingWaiter w = new RecordingWaiter(name, wakeLog);
        assertNull(pool.allocateOrWait(c, w), name + " should have had to wait");
        return w;
    }

    // --- the reserve ---

    @Test
    void normalAllocationSucceedsOnlyWhileReserveBuffersStayFree() {
        BufferPool pool = pool(5, 2);
        assertNotNull(pool.tryAllocate(NORMAL));
        assertNotNull(pool.tryAllocate(NORMAL));
        assertNotNull(pool.tryAllocate(NORMAL));
        assertEquals(2, pool.free());
        assertNull(pool.tryAllocate(NORMAL), "a fourth NORMAL would leave 1 < reserve free");
        assertEquals(2, pool.free());
        pool.checkInvariants();
    }

    @Test
    void normalAllocationMayTakeTheLastBufferWhenThereIsNoReserve() {
        BufferPool pool = pool(2, 0);
        assertNotNull(pool.tryAllocate(NORMAL));
        assertNotNull(pool.tryAllocate(NORMAL));
        assertNull(pool.tryAllocate(NORMAL));
    }

    @Test
    void criticalAllocationMayTakeTheReserveDownToTheLastBuffer() {
        BufferPool pool = pool(4, 2);
        pool.tryAllocate(NORMAL);
        pool.tryAllocate(NORMAL);
        assertNull(pool.tryAllocate(NORMAL));
        assertNotNull(pool.tryAllocate(CRITICAL));
        assertNotNull(pool.tryAllocate(CRITICAL), "CRITICAL takes the last buffer");
        assertEquals(0, pool.free());
        assertNull(pool.tryAllocate(CRITICAL), "nothing left at all");
        pool.checkInvariants();
    }

    @Test
    void allocatedBufferIsMarkedInUseWithItsClass() {
        BufferPool pool = pool(4, 1);
        Buffer n = pool.tryAllocate(NORMAL);
        Buffer c = pool.tryAllocate(CRITICAL);
        assertTrue(n.inUse);
        assertSame(NORMAL, n.allocatedAs());
        assertSame(CRITICAL, c.allocatedAs());
        assertSame(pool, n.pool());
    }

    // --- waiting ---

    @Test
    void allocateOrWaitReturnsABufferWithoutQueueingWhenTheClassMayTakeOne() {
        BufferPool pool = pool(2, 1);
        RecordingWaiter w = new RecordingWaiter("w");
        assertNotNull(pool.allocateOrWait(NORMAL, w));
        assertFalse(w.isWaiting());
        assertEquals(0, pool.counters().waits(NORMAL));
        assertEquals(1, pool.counters().allocations(NORMAL));
    }

    @Test
    void failedAllocationQueuesTheWaiterInItsClassFifo() {
        BufferPool pool = pool(3, 1);
        exhaust(pool);
        RecordingWaiter n = queue(pool, NORMAL, "n");
        RecordingWaiter c = queue(pool, CRITICAL, "c");
        assertTrue(n.isWaiting());
        assertSame(NORMAL, n.waitingAs());
        assertSame(CRITICAL, c.waitingAs());
        assertEquals(1, pool.waiting(NORMAL));
        assertEquals(1, pool.waiting(CRITICAL));
        assertEquals(2, pool.waitingTotal());
        assertEquals(1, pool.counters().waits(NORMAL));
        assertEquals(1, pool.counters().waits(CRITICAL));
        assertEquals(0, n.wakeups);
        pool.checkInvariants();
    }

    @Test
    void normalWaiterQueuesWhileOnlyReserveBuffersAreFree() {
        BufferPool pool = pool(3, 2);
        pool.tryAllocate(NORMAL);
        RecordingWaiter n = queue(pool, NORMAL, "n");
        assertEquals(2, pool.free(), "the reserve is free, yet NORMAL waits");
        assertTrue(n.isWaiting());
        pool.checkInvariants();
    }

    @Test
    void waitingTwiceIsRefused() {
        BufferPool pool = pool(1, 0);
        exhaust(pool);
        RecordingWaiter w = queue(pool, NORMAL, "w");
        assertThrows(IllegalStateException.class, () -> pool.allocateOrWait(NORMAL, w));
        assertThrows(IllegalStateException.class, () -> pool.allocateOrWait(CRITICAL, w));
        BufferPool other = pool(1, 0);
        exhaust(other);
        assertThrows(IllegalStateException.class, () -> other.allocateOrWait(NORMAL, w), "nor in another pool");
        assertEquals(0, other.waitingTotal());
        assertEquals(1, pool.waiting(NORMAL));
        assertEquals(0, pool.waiting(CRITICAL));
        pool.checkInvariants();
    }

    @Test
    void waitingInASecondPoolWhileQueuedInTheFirstIsRefused() {
        BufferPool first = pool(1, 0);
        BufferPool second = pool(1, 0);
        exhaust(first);
        exhaust(second);
        RecordingWaiter w = queue(first, NORMAL, "w");
        assertThrows(IllegalStateException.class, () -> second.allocateOrWait(NORMAL, w));
        assertEquals(0, second.waitingTotal());
    }

    // --- handoff ---

    @Test
    void releasedBufferIsHandedToTheWaiterWhichThenOwnsIt() {
        BufferPool pool = pool(2, 0);
        List<Buffer> held = exhaust(pool);
        RecordingWaiter w = queue(pool, CRITICAL, "w");
        Buffer given = held.get(0);
        given.append(new byte[] {1, 2, 3}, 0, 3);
        pool.release(given);
        assertSame(given, w.received);
        assertEquals(1, w.wakeups);
        assertTrue(given.inUse, "the waiter owns it");
        assertSame(CRITICAL, given.allocatedAs(), "re-labelled with the waiter's class");
        assertTrue(given.isEmpty(), "handed over cleared");
        assertFalse(w.isWaiting());
        assertEquals(0, pool.free(), "a handoff does not pass through the free list");
        assertEquals(1, pool.counters().handoffs(CRITICAL));
        pool.checkInvariants();
        pool.release(given);
        assertEquals(1, pool.free(), "the new owner can release it");
    }

    @Test
    void handedBufferTakesTheWaitersClassNotTheReleasersClass() {
        BufferPool pool = pool(3, 0);
        Buffer n1 = pool.tryAllocate(NORMAL);
        pool.tryAllocate(NORMAL);
        Buffer c = pool.tryAllocate(CRITICAL);
        RecordingWaiter wn = queue(pool, NORMAL, "wn");
        pool.release(c);
        assertSame(c, wn.received);
        assertSame(NORMAL, c.allocatedAs());
        RecordingWaiter wc = queue(pool, CRITICAL, "wc");
        pool.release(n1);
        assertSame(n1, wc.received);
        assertSame(CRITICAL, n1.allocatedAs());
    }

    @Test
    void releasedBufferGoesToOldestCriticalWaiterFirst() {
        BufferPool pool = pool(2, 0);
        List<Buffer> held = exhaust(pool);
        RecordingWaiter n = queue(pool, NORMAL, "n");
        RecordingWaiter c1 = queue(pool, CRITICAL, "c1");
        RecordingWaiter c2 = queue(pool, CRITICAL, "c2");
        pool.release(held.get(0));
        assertEquals(List.of(c1), wakeLog, "CRITICAL before the older NORMAL waiter");
        pool.release(held.get(1));
        assertEquals(List.of(c1, c2), wakeLog);
        assertTrue(n.isWaiting());
        pool.release(c1.received);
        assertEquals(List.of(c1, c2, n), wakeLog);
        pool.checkInvariants();
    }

    @Test
    void waitersOfOneClassAreServedInArrivalOrder() {
        BufferPool pool = pool(1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        RecordingWaiter bw = queue(pool, NORMAL, "b");
        RecordingWaiter c = queue(pool, NORMAL, "c");
        pool.release(b);
        pool.release(a.received);
        pool.release(bw.received);
        assertEquals(List.of(a, bw, c), wakeLog);
        assertSame(b, c.received, "one buffer passed along the queue");
        assertEquals(3, pool.counters().handoffs(NORMAL));
    }

    @Test
    void normalWaiterIsHandedABufferOnlyWhileTheReserveStaysIntact() {
        BufferPool pool = pool(4, 2);
        List<Buffer> held = exhaust(pool);
        RecordingWaiter n = queue(pool, NORMAL, "n");
        pool.release(held.get(0));
        pool.release(held.get(1));
        assertTrue(n.isWaiting(), "handing over now would leave 1 < reserve free");
        assertEquals(2, pool.free());
        assertEquals(0, pool.counters().handoffs(NORMAL));
        pool.checkInvariants();
        pool.release(held.get(2));
        assertSame(held.get(2), n.received);
        assertEquals(2, pool.free(), "exactly the reserve remains");
        assertEquals(1, pool.counters().handoffs(NORMAL));
        pool.checkInvariants();
    }

    @Test
    void releaseWithoutWaitersReturnsTheBufferToTheFreeList() {
        BufferPool pool = pool(2, 0);
        Buffer b = pool.tryAllocate(CRITICAL);
        b.append(new byte[] {9}, 0, 1);
        pool.release(b);
        assertFalse(b.inUse);
        assertTrue(b.isEmpty(), "a released buffer holds nothing");
        assertEquals(2, pool.free());
        assertEquals(0, pool.counters().handoffs(CRITICAL));
    }

    // --- cancel ---

    @Test
    void cancelRemovesTheHeadWaiter() {
        assertCancelLeavesOthersInOrder(0);
    }

    @Test
    void cancelRemovesAMiddleWaiter() {
        assertCancelLeavesOthersInOrder(1);
    }

    @Test
    void cancelRemovesTheTailWaiter() {
        assertCancelLeavesOthersInOrder(2);
    }

    private void assertCancelLeavesOthersInOrder(int victim) {
        BufferPool pool = pool(1, 0);
        Buffer b = exhaust(pool).get(0);
        List<RecordingWaiter> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ws.add(queue(pool, CRITICAL, "w" + i));
        }
        RecordingWaiter cancelled = ws.remove(victim);
        pool.cancel(cancelled);
        assertFalse(cancelled.isWaiting());
        assertNull(cancelled.waitingAs());
        assertEquals(2, pool.waiting(CRITICAL));
        assertEquals(1, pool.counters().cancels(CRITICAL));
        pool.checkInvariants();
        pool.release(b);
        pool.release(ws.get(0).received);
        pool.release(ws.get(1).received);
        assertEquals(ws, wakeLog, "the others keep their order and the cancelled one is never woken");
        assertEquals(0, cancelled.wakeups);
        pool.checkInvariants();
    }

    @Test
    void cancelOfTheOnlyWaiterEmptiesTheQueue() {
        BufferPool pool = pool(1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter w = queue(pool, NORMAL, "w");
        pool.cancel(w);
        assertEquals(0, pool.waitingTotal());
        pool.checkInvariants();
        pool.release(b);
        assertEquals(1, pool.free());
        assertEquals(0, w.wakeups);
    }

    @Test
    void cancelledWaiterMayWaitAgainAtTheTail() {
        BufferPool pool = pool(1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        RecordingWaiter c = queue(pool, NORMAL, "c");
        pool.cancel(a);
        assertNull(pool.allocateOrWait(NORMAL, a));
        pool.release(b);
        assertEquals(List.of(c), wakeLog);
    }

    @Test
    void cancelOfAWaiterThatIsNotWaitingHereDoesNothing() {
        BufferPool pool = pool(1, 0);
        BufferPool other = pool(1, 0);
        exhaust(pool);
        exhaust(other);
        RecordingWaiter idle = new RecordingWaiter("idle");
        pool.cancel(idle);
        RecordingWaiter elsewhere = queue(other, NORMAL, "elsewhere");
        pool.cancel(elsewhere);
        assertTrue(elsewhere.isWaiting());
        assertEquals(1, other.waiting(NORMAL));
        assertEquals(0, pool.counters().cancels(NORMAL));
        other.checkInvariants();
        pool.checkInvariants();
    }

    @Test
    void cancelTakesConstantTimeWhateverTheQueueLength() {
        int n = 200_000;
        BufferPool pool = pool(1, 0);
        exhaust(pool);
        RecordingWaiter[] ws = new RecordingWaiter[n];
        for (int i = 0; i < n; i++) {
            ws[i] = new RecordingWaiter("w" + i);
            pool.allocateOrWait(NORMAL, ws[i]);
        }
        // Cancel from the middle outwards: a cancel that walked the queue would need ~10^10 steps.
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(42);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            for (int i : order) {
                pool.cancel(ws[i]);
            }
        });
        assertEquals(0, pool.waitingTotal());
        assertEquals(n, pool.counters().cancels(NORMAL));
        pool.checkInvariants();
    }

    // --- refused releases ---

    @Test
    void releasingTwiceIsRefused() {
        BufferPool pool = pool(2, 0);
        Buffer b = pool.tryAllocate(NORMAL);
        pool.release(b);
        assertThrows(IllegalStateException.class, () -> pool.release(b));
        assertEquals(2, pool.free());
        pool.checkInvariants();
    }

    @Test
    void releasingABufferOfAnotherPoolIsRefused() {
        BufferPool pool = pool(1, 0);
        BufferPool other = pool(1, 0);
        Buffer foreign = other.tryAllocate(NORMAL);
        exhaust(pool);
        RecordingWaiter w = queue(pool, NORMAL, "w");
        assertThrows(IllegalStateException.class, () -> pool.release(foreign));
        assertTrue(w.isWaiting(), "a foreign buffer is never handed over");
        assertTrue(foreign.inUse);
        pool.checkInvariants();
        other.checkInvariants();
    }

    // --- the free list ---

    @Test
    void freshPoolHandsOutBuffersInArenaOrder() {
        BufferPool pool = pool(3, 0);
        assertEquals(0, pool.tryAllocate(NORMAL).index());
        assertEquals(1, pool.tryAllocate(NORMAL).index());
        assertEquals(2, pool.tryAllocate(NORMAL).index());
    }

    @Test
    void lastReleasedBufferIsTheNextAllocated() {
        BufferPool pool = pool(4, 0);
        Buffer a = pool.tryAllocate(NORMAL);
        Buffer b = pool.tryAllocate(NORMAL);
        Buffer c = pool.tryAllocate(NORMAL);
        pool.release(b);
        pool.release(a);
        pool.release(c);
        assertSame(c, pool.tryAllocate(CRITICAL));
        assertSame(a, pool.tryAllocate(NORMAL));
        assertSame(b, pool.tryAllocate(NORMAL));
    }

    // --- counters ---

    @Test
    void countersCountAllocationsWaitsHandoffsAndCancels() {
        BufferPool pool = pool(3, 1);
        Buffer n1 = pool.tryAllocate(NORMAL);
        Buffer n2 = pool.tryAllocate(NORMAL);
        Buffer c1 = pool.tryAllocate(CRITICAL);
        assertEquals(2, pool.counters().allocations(NORMAL));
        assertEquals(1, pool.counters().allocations(CRITICAL));
        assertEquals(3, pool.inUse());
        assertEquals(3, pool.peakInUse());

        clock.advance(100);
        RecordingWaiter wn = queue(pool, NORMAL, "wn");
        RecordingWaiter wc = queue(pool, CRITICAL, "wc");
        RecordingWaiter gone = queue(pool, CRITICAL, "gone");
        clock.advance(250);
        pool.release(c1);
        assertEquals(250, pool.counters().waitNanos(CRITICAL), "wc waited from 100 to 350");
        clock.advance(50);
        pool.cancel(gone);
        assertEquals(550, pool.counters().waitNanos(CRITICAL), "gone waited from 100 to 400 and counts when it leaves");
        assertEquals(0, pool.counters().waitNanos(NORMAL), "still waiting: not counted yet");
        pool.release(n1);
        assertTrue(wn.isWaiting(), "1 free would breach the reserve");
        pool.release(n2);
        assertSame(n2, wn.received);
        assertEquals(300, pool.counters().waitNanos(NORMAL));

        assertEquals(1, pool.counters().waits(NORMAL));
        assertEquals(2, pool.counters().waits(CRITICAL));
        assertEquals(1, pool.counters().handoffs(NORMAL));
        assertEquals(1, pool.counters().handoffs(CRITICAL));
        assertEquals(1, pool.counters().cancels(CRITICAL));
        assertEquals(0, pool.counters().cancels(NORMAL));
        assertEquals(2, pool.counters().allocations(NORMAL), "handoffs are not allocations");
        assertEquals(0, pool.counters().failedWakeups(NORMAL));
        assertEquals(0, pool.counters().failedWakeups(CRITICAL));
        assertEquals(2, pool.inUse(), "wc and wn hold one each");
        assertEquals(1, pool.free());
        assertEquals(3, pool.peakInUse(), "the peak stays");
        assertSame(c1, wc.received);
    }

    @Test
    void peakInUseRecordsTheHighWaterMark() {
        BufferPool pool = pool(4, 0);
        Buffer a = pool.tryAllocate(NORMAL);
        Buffer b = pool.tryAllocate(NORMAL);
        pool.release(a);
        pool.release(b);
        pool.tryAllocate(NORMAL);
        assertEquals(1, pool.inUse());
        assertEquals(2, pool.peakInUse());
    }

    @Test
    void aWaitAndItsHandoffAllocateNothing() {
        BufferPool pool = pool(1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter w = new RecordingWaiter("w");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long allocated = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                assertNull(pool.allocateOrWait(NORMAL, w));
                pool.release(b);
                pool.release(w.received);
                b = pool.tryAllocate(NORMAL);
            }
            allocated = threads.getThreadAllocatedBytes(tid) - before;
        }
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 100,000 waits and handoffs");
    }

    // --- the comparison policies (test code: ComparisonPool, through the pool's seam) ---

    /** Wakeups whose retries run when the test says. */
    private final List<Runnable> retries = new ArrayList<>();
    private final List<BufferWaiter> woken = new ArrayList<>();

    private ComparisonPool comparison(ComparisonPool.Policy policy, int count, int reserve) {
        return new ComparisonPool(policy, count, SIZE, reserve, clock, (w, retry) -> {
            woken.add(w);
            retries.add(retry);
        });
    }

    private void runRetries() {
        List<Runnable> now = List.copyOf(retries);
        retries.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void wakeOnePutsTheBufferOnTheFreeListAndWakesOneWaiterToRetryLater() {
        ComparisonPool pool = comparison(ComparisonPool.Policy.WAKE_ONE, 1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        RecordingWaiter c = queue(pool, NORMAL, "c");
        pool.release(b);
        assertEquals(List.of(a), woken);
        assertNull(a.received, "woken, not handed a buffer");
        assertTrue(a.isWaiting(), "a woken waiter keeps its place until its retry");
        assertEquals(1, pool.free());
        pool.checkInvariants();
        assertSame(b, pool.tryAllocate(CRITICAL), "someone else gets there first");
        runRetries();
        assertEquals(1, pool.counters().failedWakeups(NORMAL));
        assertNull(a.received);
        assertTrue(a.isWaiting(), "a failed wakeup queues again at the tail");
        pool.release(b);
        assertEquals(List.of(a, c), woken, "c is now the oldest");
        runRetries();
        assertSame(b, c.received);
        assertFalse(c.isWaiting());
        assertEquals(0, pool.counters().handoffs(NORMAL));
        assertEquals(2, pool.retries());
        pool.checkInvariants();
    }

    @Test
    void wakeAllWakesEveryWaiterOfEveryClassAndOneRetryWins() {
        ComparisonPool pool = comparison(ComparisonPool.Policy.WAKE_ALL, 1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter n = queue(pool, NORMAL, "n");
        RecordingWaiter c1 = queue(pool, CRITICAL, "c1");
        RecordingWaiter c2 = queue(pool, CRITICAL, "c2");
        pool.release(b);
        assertEquals(List.of(c1, c2, n), woken, "in service order");
        runRetries();
        assertSame(b, c1.received);
        assertNull(c2.received);
        assertNull(n.received);
        assertEquals(1, pool.counters().failedWakeups(CRITICAL));
        assertEquals(1, pool.counters().failedWakeups(NORMAL));
        assertEquals(2, pool.waitingTotal());
        pool.checkInvariants();
    }

    @Test
    void aWaiterIsNotWokenAgainWhileItsRetryIsPending() {
        ComparisonPool pool = comparison(ComparisonPool.Policy.WAKE_ALL, 2, 0);
        List<Buffer> held = exhaust(pool);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        pool.release(held.get(0));
        pool.release(held.get(1));
        assertEquals(List.of(a), woken, "two releases, one wakeup");
        runRetries();
        assertNotNull(a.received);
        assertEquals(0, pool.counters().failedWakeups(NORMAL));
        assertEquals(0, pool.pendingRetries());
    }

    @Test
    void aRetryRunAtOnceThatFailsWaitsForTheNextReleaseAndEachWaiterIsWokenOnce() {
        ComparisonPool[] self = new ComparisonPool[1];
        List<BufferWaiter> log = new ArrayList<>();
        // Woken as CRITICAL, it is reclassified NORMAL (its session lost its slot) and retries at once.
        RecordingWaiter switcher = new RecordingWaiter("switcher");
        self[0] = new ComparisonPool(ComparisonPool.Policy.WAKE_ALL, 2, SIZE, 1, clock, (w, retry) -> {
            log.add(w);
            if (w == switcher) {
                assertNull(self[0].reclassify(switcher, NORMAL));
            }
            retry.run();
        });
        ComparisonPool pool = self[0];
        List<Buffer> held = exhaust(pool);
        assertNull(pool.allocateOrWait(CRITICAL, switcher));
        RecordingWaiter n = queue(pool, NORMAL, "n");
        pool.release(held.get(0));
        assertEquals(List.of(switcher, n), log, "one release wakes each waiter it found once");
        assertTrue(switcher.isWaiting(), "the failed retry queued it again, for the next release");
        assertSame(NORMAL, switcher.waitingAs());
        assertEquals(2, pool.counters().failedWakeups(NORMAL));
        pool.checkInvariants();
    }

    @Test
    void aWaiterCancelledBeforeItsRetryGetsNothingAndLeavesTheBufferFree() {
        ComparisonPool pool = comparison(ComparisonPool.Policy.WAKE_ONE, 1, 0);
        Buffer b = exhaust(pool).get(0);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        pool.release(b);
        pool.cancel(a);
        runRetries();
        assertNull(a.received);
        assertEquals(1, pool.free());
        assertEquals(0, pool.counters().failedWakeups(NORMAL));
        assertEquals(1, pool.counters().cancels(NORMAL));
        pool.checkInvariants();
    }

    @Test
    void checkInvariantsRefusesAWaiterBesideAFreeBufferExceptWhileAComparisonRetryIsDue() {
        BufferPool production = pool(2, 0);
        // Only a broken release could leave this state; put it there by hand.
        production.queue.add(new RecordingWaiter("stranded"), NORMAL);
        assertThrows(IllegalStateException.class, production::checkInvariants);

        ComparisonPool pool = comparison(ComparisonPool.Policy.WAKE_ONE, 1, 0);
        Buffer b = exhaust(pool).get(0);
        queue(pool, NORMAL, "a");
        pool.release(b);
        assertEquals(1, pool.free());
        assertEquals(1, pool.waitingTotal());
        pool.checkInvariants();
    }

    // --- the arena and its checks ---

    @Test
    void arenaBuffersAreDirectDistinctAndOfTheConfiguredSize() {
        int count = 8;
        BufferPool pool = new BufferPool(count, 4096, 1, clock);
        List<Buffer> held = exhaust(pool);
        assertEquals(count, held.size());
        for (Buffer b : held) {
            ByteBuffer bytes = b.bytes();
            assertTrue(bytes.isDirect());
            assertEquals(4096, b.capacity());
            assertEquals(4096, bytes.capacity());
            for (int i = 0; i < 4096; i++) {
                bytes.put(i, (byte) b.index());
            }
        }
        // A slice overlapping another would show the other's index somewhere.
        for (Buffer b : held) {
            for (int i = 0; i < 4096; i++) {
                assertEquals((byte) b.index(), b.bytes().get(i), b + " shares memory at " + i);
            }
        }
        assertEquals(count, held.stream().map(Buffer::index).distinct().count());
        assertEquals(4096, pool.bufferSize());
        assertEquals(count, pool.size());
        assertEquals(1, pool.reserve());
    }

    @Test
    void constructorRefusesImpossiblePools() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(0, SIZE, 0, clock));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(1, 0, 0, clock));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2, SIZE, 2, clock));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2, SIZE, -1, clock));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(1 << 16, 1 << 16, 0, clock));
    }

    @Test
    void checkInvariantsNoticesABufferMarkedFreeWhileHeld() {
        BufferPool pool = pool(2, 0);
        Buffer b = pool.tryAllocate(NORMAL);
        pool.checkInvariants();
        b.inUse = false;
        assertThrows(IllegalStateException.class, pool::checkInvariants);
    }

    @Test
    void checkInvariantsNoticesAWaiterInTheQueueOfAnotherClass() {
        BufferPool pool = pool(1, 0);
        exhaust(pool);
        RecordingWaiter a = queue(pool, NORMAL, "a");
        queue(pool, NORMAL, "b");
        pool.checkInvariants();
        a.queuedClass = CRITICAL.ordinal();
        assertThrows(IllegalStateException.class, pool::checkInvariants);
    }
}
