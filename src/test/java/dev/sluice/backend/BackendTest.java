package dev.sluice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Clock;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.loop.LoopCore;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BackendTest {
    private final HandLoop loop = new HandLoop();
    private final Server server = new Server("s1", InetSocketAddress.createUnresolved("s1", 80), 1, 0);
    private final Backend backend = new Backend("b", List.of(server));
    private final List<String> grants = new ArrayList<>();

    /** A loop turned by the test: messages are delivered only when it says. */
    private static final class HandLoop extends LoopCore {
        int wakeupsAsked;

        int deliver() {
            return deliverMessages(t -> {
                throw new AssertionError("a grant failed", t);
            });
        }

        @Override
        protected void messagePosted() {
            wakeupsAsked++;
        }

        @Override
        public int id() {
            return 0;
        }

        @Override
        public Clock clock() {
            return () -> 0L;
        }

        @Override
        public BufferPool pool() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable work) {
            throw new AssertionError("a slot grant went through the inbox");
        }
    }

    /** A session's slot waiter that records its grants and may give the slot straight back. */
    private final class Waiter extends SlotWaiter {
        final String name;
        final Loop home;
        Server holds;

        Waiter(String name, Loop home) {
            this.name = name;
            this.home = home;
        }

        Waiter(String name) {
            this(name, loop);
        }

        @Override
        protected Loop loop() {
            return home;
        }

        @Override
        protected void slotRefused(SlotRefusal why) {
            throw new AssertionError(name + " refused: " + why);
        }

        @Override
        protected void slotGranted(Server granted) {
            grants.add(name);
            holds = granted;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void aFreedSlotGoesToTheOldestWaiterThroughItsLoopWithoutEverBeingFree() throws Exception {
        Waiter a = new Waiter("a");
        Waiter b = new Waiter("b");
        Waiter c = new Waiter("c");
        assertSame(server, backend.acquire(a));
        assertNull(backend.acquire(b));
        assertNull(backend.acquire(c));
        assertEquals(2, backend.queued());
        backend.releaseSlot(server);
        assertEquals(1, server.slotsInUse(), "the slot moved without being free");
        assertEquals(List.of(), grants, "the grant waits for the waiter's loop");
        assertTrue(b.isPending());
        assertEquals(1, loop.deliver());
        assertEquals(List.of("b"), grants);
        assertSame(server, b.holds);
        backend.releaseSlot(server);
        loop.deliver();
        assertEquals(List.of("b", "c"), grants);
        backend.releaseSlot(server);
        assertEquals(0, server.slotsInUse());
        assertEquals(0, backend.queued());
        assertEquals(0, loop.deliver());
    }

    @Test
    void cancelTakesAWaiterOutUnlessItsGrantIsOnItsWay() throws Exception {
        Waiter a = new Waiter("a");
        Waiter b = new Waiter("b");
        Waiter c = new Waiter("c");
        backend.acquire(a);
        backend.acquire(b);
        backend.acquire(c);
        assertTrue(backend.cancel(b));
        assertFalse(backend.cancel(b), "cancelled already");
        backend.releaseSlot(server);
        assertFalse(backend.cancel(c), "granted: the grant is on its way");
        loop.deliver();
        assertEquals(List.of("c"), grants);
    }

    @Test
    void aQueuedWaiterCannotQueueAgain() throws Exception {
        Waiter a = new Waiter("a");
        Waiter b = new Waiter("b");
        backend.acquire(a);
        backend.acquire(b);
        assertThrows(IllegalStateException.class, () -> backend.acquire(b));
        assertEquals(1, backend.queued());
    }

    @Test
    void theQueueIsBoundedByTheServersMaxqueue() throws Exception {
        Server bounded = new Server("s", InetSocketAddress.createUnresolved("s", 80), 1, 2);
        Backend small = new Backend("small", List.of(bounded));
        small.acquire(new Waiter("holder"));
        assertNull(small.acquire(new Waiter("w1")));
        assertNull(small.acquire(new Waiter("w2")));
        assertThrows(Backend.QueueFullException.class, () -> small.acquire(new Waiter("w3")));
        assertEquals(2, small.queued());
        assertEquals(2, small.queuedTotal());
    }

    @Test
    void aSlotGrantAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        Waiter a = new Waiter("a");
        Waiter b = new Waiter("b");
        int cycles = 100_000;
        long allocated = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < cycles; i++) {
                // a holds the slot, b queues; a's release grants it to b, b's loop gets the grant,
                // b releases with nobody waiting, and a takes the free slot again.
                if (backend.acquire(a) != server || backend.acquire(b) != null) {
                    throw new AssertionError("cycle " + i + " started wrong");
                }
                backend.releaseSlot(server);
                if (loop.deliver() != 1 || b.holds != server) {
                    throw new AssertionError("cycle " + i + ": the grant did not arrive");
                }
                b.holds = null;
                backend.releaseSlot(server);
                grants.clear();
            }
            allocated = threads.getThreadAllocatedBytes(tid) - before;
        }
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by " + cycles + " grant cycles");
        assertEquals(0, server.slotsInUse());
        assertEquals(2L * 3 * cycles, server.sessions(), "every cycle gave the slot twice");
    }

    /**
     * The grant travels in its own list: a loop whose inbox is full, and so
     * refuses any {@code execute}, still gets every slot granted to it.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aGrantReachesALoopWhoseInboxIsFull() throws Exception {
        BufferPool pool = new BufferPool(4, 64, 1, System::nanoTime);
        EventLoop owner = new EventLoop(1, pool);
        owner.start();
        try {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            owner.execute(() -> {
                busy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            CountDownLatch drained = new CountDownLatch(EventLoop.INBOX_CAPACITY);
            for (int i = 0; i < EventLoop.INBOX_CAPACITY; i++) {
                owner.execute(drained::countDown);
            }
            assertThrows(RejectedExecutionException.class, () -> owner.execute(() -> { }));
            CountDownLatch granted = new CountDownLatch(1);
            Thread[] grantedOn = new Thread[1];
            SlotWaiter w = new SlotWaiter() {
                @Override
                protected Loop loop() {
                    return owner;
                }

                @Override
                protected void slotGranted(Server s) {
                    grantedOn[0] = Thread.currentThread();
                    granted.countDown();
                }

                @Override
                protected void slotRefused(SlotRefusal why) {
                    throw new AssertionError("refused: " + why);
                }
            };
            assertNotNull(backend.acquire(new Waiter("holder")));
            assertNull(backend.acquire(w));
            backend.releaseSlot(server);
            release.countDown();
            assertTrue(granted.await(5, TimeUnit.SECONDS), "the grant was lost");
            assertEquals("sluice-loop-1", grantedOn[0].getName());
            assertTrue(drained.await(5, TimeUnit.SECONDS));
            assertEquals(1, owner.call(() -> owner.counters().inboxFull));
        } finally {
            owner.stop();
        }
    }
}
