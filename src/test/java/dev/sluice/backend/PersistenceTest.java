package dev.sluice.backend;

import static dev.sluice.backend.Farms.backend;
import static dev.sluice.backend.Farms.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request whose persistence cookie names a server: it takes that server's
 * slot or waits in that server's queue, whatever the algorithm; a drained
 * server still takes it, a DOWN one does not; when its server goes DOWN while
 * it waits, it moves to the backend's queue with {@code option redispatch}, or
 * is refused without; a redispatching retry balances away from it.
 */
class PersistenceTest {
    private final TestLoop loop = new TestLoop(0);

    private static BalanceKey persist(Server s) {
        return new BalanceKey().persistTo(s);
    }

    @Test
    void theNamedServerTakesTheRequestEvenWhenRoundRobinWouldPickAnother() throws Exception {
        Server a = server("a", 1, 0, ServerRole.ACTIVE);
        Server bb = server("b", 1, 0, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        for (int i = 0; i < 5; i++) {
            assertSame(bb, b.acquire(new TestWaiter(loop), persist(bb), null));
        }
        assertEquals(5, bb.slotsInUse());
        assertEquals(0, a.slotsInUse());
    }

    @Test
    void aFullNamedServerQueuesTheRequestForItselfWhileAnotherHasRoom() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        assertSame(a, b.acquire(new TestWaiter(loop), persist(a), null));
        TestWaiter second = new TestWaiter(loop);
        assertNull(b.acquire(second, persist(a), null));
        assertSame(a, second.waitingFor());
        assertEquals(0, bb.slotsInUse());
        b.releaseSlot(a);
        loop.runInbox();
        assertEquals(List.of(a), second.granted);
    }

    @Test
    void aDrainedServerStillTakesPersistentRequestsButNoOthers() throws Exception {
        Server a = server("a", 1, 0, ServerRole.ACTIVE);
        Server bb = server("b", 1, 0, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        b.administer(a, Backend.Admin.DRAIN_ON, 0);
        assertEquals(ServerState.DRAIN, a.state());
        assertSame(a, b.acquire(new TestWaiter(loop), persist(a), null));
        for (int i = 0; i < 4; i++) {
            assertSame(bb, b.acquire(new TestWaiter(loop), BalanceKey.NONE, null));
        }
        // Even with every other server gone, a drained one serves the requests its cookie names.
        b.administer(bb, Backend.Admin.MAINT_ON, 0);
        assertSame(a, b.acquire(new TestWaiter(loop), persist(a), null));
    }

    @Test
    void aDownServersCookieIsIgnoredAndTheRequestBalanced() throws Exception {
        Server a = server("a", 1, 0, ServerRole.ACTIVE);
        Server bb = server("b", 1, 0, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        assertSame(bb, b.acquire(new TestWaiter(loop), persist(a), null));
    }

    @Test
    void aRedispatchingRetryLeavesTheNamedServer() throws Exception {
        Server a = server("a", 1, 0, ServerRole.ACTIVE);
        Server bb = server("b", 1, 0, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        assertSame(bb, b.acquire(new TestWaiter(loop), persist(a), a));
    }

    @Test
    void aQueuedPersistentRequestWaitsForAnyServerWhenItsGoesDownWithRedispatch() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT.withRedispatch(RetryPolicy.LAST_RETRY), a, bb);
        assertSame(a, b.acquire(new TestWaiter(loop), persist(a), null));
        assertSame(bb, b.acquire(new TestWaiter(loop), BalanceKey.NONE, null));
        TestWaiter waiting = new TestWaiter(loop);
        assertNull(b.acquire(waiting, persist(a), null));
        assertSame(a, waiting.waitingFor());
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        loop.runInbox();
        assertTrue(waiting.granted.isEmpty() && waiting.refusals.isEmpty(), "b is full: it waits");
        assertNull(waiting.waitingFor(), "now in the backend's queue, for any server");
        assertEquals(1, b.queued());
        b.releaseSlot(bb);
        loop.runInbox();
        assertEquals(List.of(bb), waiting.granted);
    }

    @Test
    void withoutRedispatchAQueuedPersistentRequestIsRefusedWhenItsServerGoesDown() throws Exception {
        Server a = server("a", 1, 1, ServerRole.ACTIVE);
        Server bb = server("b", 1, 1, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb);
        assertSame(a, b.acquire(new TestWaiter(loop), persist(a), null));
        TestWaiter waiting = new TestWaiter(loop);
        assertNull(b.acquire(waiting, persist(a), null));
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        loop.runInbox();
        assertEquals(List.of(SlotRefusal.SERVER_DOWN), waiting.refusals);
    }

    @Test
    void theCookieNamesTheFirstOperationalServerWithItsValue() {
        Server a = server("a", 1, 0, ServerRole.ACTIVE);
        Server bb = server("b", 1, 0, ServerRole.ACTIVE);
        Server c = server("c", 1, 0, ServerRole.ACTIVE);
        a.cookie("shared");
        bb.cookie("shared");
        c.cookie("c");
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bb, c);
        Buffer value = buffer("xx shared c nope");
        assertSame(a, b.cookieServer(value, 3, 9, true));
        assertSame(c, b.cookieServer(value, 10, 11, true));
        assertNull(b.cookieServer(value, 12, 16, true));
        b.checkVerdict(a, Backend.Verdict.DOWN, "test");
        assertSame(bb, b.cookieServer(value, 3, 9, true), "the first of them that is UP");
        b.checkVerdict(bb, Backend.Verdict.DOWN, "test");
        assertNull(b.cookieServer(value, 3, 9, true));
        assertSame(a, b.cookieServer(value, 3, 9, false), "named, but down: the request's cookie is 'D'");
    }

    private static Buffer buffer(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Buffer b = new BufferPool(1, 1024, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
        b.append(bytes, 0, bytes.length);
        return b;
    }
}
