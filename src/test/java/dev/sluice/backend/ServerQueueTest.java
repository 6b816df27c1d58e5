package dev.sluice.backend;

import static dev.sluice.backend.Farms.backend;
import static dev.sluice.backend.Farms.server;
import static dev.sluice.backend.Farms.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions wait for a slot in their server's queue (a hash chose it) or the
 * backend's (any server will do); a freed slot goes to the one that waited
 * longest; a server going DOWN sends its queue elsewhere or refuses it; a
 * server coming UP takes from the backend's queue.
 */
class ServerQueueTest {
    private final TestLoop loop = new TestLoop(0);

    private static BalanceSpec uri() {
        return BalanceSpec.of(BalanceAlgorithm.URI);
    }

    /** A key the backend hashes to {@code wanted}. */
    private static BalanceKey keyFor(Backend b, Server wanted) {
        TestLoop l = new TestLoop(7);
        for (int i = 0; i < 10_000; i++) {
            BalanceKey k = target("/key/" + i);
            if (Farms.pick(b, new TestWaiter(l), k) == wanted) {
                return k;
            }
        }
        throw new AssertionError("no key hashes to " + wanted);
    }

    @Test
    void aHashedRequestWaitsForItsServerEvenWhenAnotherHasRoom() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(uri(), a, bb);
        BalanceKey toA = keyFor(b, a);
        assertSame(a, b.acquire(new TestWaiter(loop), toA, null));
        TestWaiter second = new TestWaiter(loop);
        assertNull(b.acquire(second, toA, null), "a is full: the request waits for a");
        assertSame(a, second.waitingFor());
        assertEquals(1, a.queued());
        assertEquals(0, bb.slotsInUse());
        b.releaseSlot(a);
        loop.runInbox();
        assertEquals(List.of(a), second.granted);
        assertEquals(0, b.queued());
    }

    @Test
    void aFreedSlotGoesToWhoeverWaitedLongestInTheServerQueueOrTheBackendQueue() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(uri(), a);
        BalanceKey toA = target("/x");
        b.acquire(new TestWaiter(loop), toA, null);
        TestWaiter anyFirst = new TestWaiter(loop);
        TestWaiter hashedSecond = new TestWaiter(loop);
        TestWaiter anyThird = new TestWaiter(loop);
        assertNull(b.acquire(anyFirst, BalanceKey.NONE, null));
        assertNull(b.acquire(hashedSecond, toA, null));
        assertNull(b.acquire(anyThird, BalanceKey.NONE, null));
        assertEquals(3, b.queued());
        List<TestWaiter> order = List.of(anyFirst, hashedSecond, anyThird);
        List<TestWaiter> served = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            b.releaseSlot(a);
            loop.runInbox();
            for (TestWaiter w : order) {
                if (!w.granted.isEmpty() && !served.contains(w)) {
                    served.add(w);
                }
            }
        }
        assertEquals(order, served);
    }

    @Test
    void theQueuedRequestsOfAServerThatGoesDownAreRefusedWithoutRedispatch() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(uri(), a, bb);
        BalanceKey toA = keyFor(b, a);
        b.acquire(new TestWaiter(loop), toA, null);
        TestWaiter queued = new TestWaiter(loop);
        b.acquire(queued, toA, null);
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        loop.runInbox();
        assertEquals(List.of(SlotRefusal.SERVER_DOWN), queued.refusals);
        assertTrue(queued.granted.isEmpty());
        assertEquals(0, b.queued());
        assertEquals(1, b.refused());
        assertTrue(!b.cancel(queued), "a refused waiter is in no queue");
    }

    @Test
    void theQueuedRequestsOfAServerThatGoesDownGoToAnotherWithRedispatch() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(uri(), RetryPolicy.DEFAULT.withRedispatch(RetryPolicy.LAST_RETRY), a, bb);
        BalanceKey toA = keyFor(b, a);
        b.acquire(new TestWaiter(loop), toA, null);
        TestWaiter first = new TestWaiter(loop);
        TestWaiter second = new TestWaiter(loop);
        b.acquire(first, toA, null);
        b.acquire(second, toA, null);
        a.setMaintenance(true);
        loop.runInbox();
        assertEquals(List.of(bb), first.granted, "b had a free slot");
        assertSame(bb, second.waitingFor(), "b is now full: the second waits for b");
        assertEquals(2, b.redispatched());
        b.releaseSlot(bb);
        loop.runInbox();
        assertEquals(List.of(bb), second.granted);
    }

    @Test
    void whenNoServerIsLeftTheBackendQueueIsRefusedAndNewRequestsGet503() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a);
        b.acquire(new TestWaiter(loop), BalanceKey.NONE, null);
        TestWaiter queued = new TestWaiter(loop);
        assertNull(b.acquire(queued, BalanceKey.NONE, null));
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        loop.runInbox();
        assertEquals(List.of(SlotRefusal.NO_SERVER), queued.refusals);
        assertThrows(Backend.NoServerException.class, () -> b.acquire(new TestWaiter(loop), BalanceKey.NONE, null));
        // The session that held a's slot ends: the slot is freed, not granted to anyone.
        b.releaseSlot(a);
        assertEquals(0, a.slotsInUse());
    }

    @Test
    void aServerThatComesUpTakesSessionsFromTheBackendQueue() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 2, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        b.checkVerdict(bb, Backend.Verdict.DOWN, "test");
        assertNotNull(b.acquire(new TestWaiter(loop), BalanceKey.NONE, null));
        TestWaiter w1 = new TestWaiter(loop);
        TestWaiter w2 = new TestWaiter(loop);
        TestWaiter w3 = new TestWaiter(loop);
        for (TestWaiter w : List.of(w1, w2, w3)) {
            assertNull(b.acquire(w, BalanceKey.NONE, null));
        }
        b.checkVerdict(bb, Backend.Verdict.UP, "test");
        loop.runInbox();
        assertEquals(List.of(bb), w1.granted);
        assertEquals(List.of(bb), w2.granted);
        assertTrue(w3.granted.isEmpty(), "b has two slots");
        assertEquals(1, b.queued());
    }

    @Test
    void aServerQueueIsBoundedByItsMaxqueue() throws Exception {
        Server a = new Server("a", java.net.InetSocketAddress.createUnresolved("a", 80), 1, 1, 1, ServerRole.ACTIVE,
                ServerState.UP);
        Backend b = backend(uri(), a);
        b.acquire(new TestWaiter(loop), target("/"), null);
        b.acquire(new TestWaiter(loop), target("/"), null);
        assertThrows(Backend.QueueFullException.class, () -> b.acquire(new TestWaiter(loop), target("/"), null));
    }

    @Test
    void aDrainedServerStillServesWhatWaitsForIt() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(uri(), a, bb);
        BalanceKey toA = keyFor(b, a);
        b.acquire(new TestWaiter(loop), toA, null);
        TestWaiter queued = new TestWaiter(loop);
        b.acquire(queued, toA, null);
        a.setDrain(true);
        loop.runInbox();
        assertTrue(queued.refusals.isEmpty());
        assertSame(a, queued.waitingFor());
        b.releaseSlot(a);
        loop.runInbox();
        assertEquals(List.of(a), queued.granted);
    }

    @Test
    void aRetryThatRedispatchesAvoidsTheServerThatFailed() throws Exception {
        Server a = server("a", 1);
        Server bb = server("b", 1);
        Backend b = backend(BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT.withRedispatch(1), a, bb);
        for (int i = 0; i < 10; i++) {
            TestWaiter w = new TestWaiter(loop);
            Server first = b.acquire(w, BalanceKey.NONE, null);
            assertTrue(b.redispatches(1, first));
            b.releaseSlot(first);
            Server retry = b.acquire(w, BalanceKey.NONE, first);
            assertTrue(retry != first, "the retry went back to " + first);
            b.releaseSlot(retry);
        }
    }

    @Test
    void stateChangesAreCountedAndReported() {
        List<ServerStateChange> seen = new ArrayList<>();
        Server a = server("a", 1);
        Server bb = server("b", 1);
        Backend b = new Backend("be", List.of(a, bb), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT, seen::add);
        b.checkVerdict(a, Backend.Verdict.DOWN, "Layer4 connection problem");
        b.checkVerdict(a, Backend.Verdict.DOWN, "again");
        b.checkVerdict(a, Backend.Verdict.UP, "Layer4 check passed");
        a.setMaintenance(true);
        a.setMaintenance(false);
        a.setWeight(0);
        a.setWeight(5);
        assertEquals(List.of(ServerState.DOWN, ServerState.UP, ServerState.MAINT, ServerState.UP, ServerState.DRAIN,
                ServerState.UP), seen.stream().map(ServerStateChange::to).toList());
        assertEquals(3, a.timesEntered(ServerState.UP));
        assertEquals(6, a.stateChanges());
        assertEquals("Server be/a is DOWN, reason: Layer4 connection problem. 1 active and 0 backup servers left."
                + " 0 sessions requeued, 0 refused.", seen.get(0).describe());
    }
}
