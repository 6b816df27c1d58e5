package dev.sluice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Clock;
import dev.sluice.loop.LoopCore;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The idle server connections of one loop: which one is reused, how many are kept, and when they expire. */
class IdleServerConnectionsTest {
    private static final long MS = 1_000_000L;

    private final ManualLoop loop = new ManualLoop();
    private final Server a = new Server("a", new InetSocketAddress("127.0.0.1", 1), 0, 0);
    private final Server b = new Server("b", new InetSocketAddress("127.0.0.1", 2), 0, 0);

    @Test
    void anIdleConnectionIsClosedWithAResetOnceItsPurgeDelayHasPassedAndNotBefore() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 200 * MS, IdleServerConnections.UNLIMITED);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);

        loop.advanceTo(199 * MS);
        assertTrue(c.open, "closed before its purge delay");
        assertEquals(1, idle.idleCount());

        loop.advanceTo(200 * MS);
        assertTrue(c.discarded, "an expired idle connection must be reset");
        assertEquals(0, idle.idleCount());
        assertEquals(1, idle.purged());
        assertEquals(0, loop.armedTimers(), "no timer stays armed once no connection is idle");
    }

    @Test
    void theDefaultPurgeDelayIsFiveSeconds() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);

        loop.advanceTo(4_999 * MS);
        assertTrue(c.open);
        loop.advanceTo(5_000 * MS);
        assertTrue(c.discarded);
    }

    @Test
    void oneTimerExpiresEveryConnectionInParkOrder() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 100 * MS, IdleServerConnections.UNLIMITED);
        FakeConnection first = new FakeConnection();
        FakeConnection second = new FakeConnection();
        FakeConnection third = new FakeConnection();
        idle.park(a, first);
        loop.advanceTo(30 * MS);
        idle.park(a, second);
        loop.advanceTo(60 * MS);
        idle.park(a, third);
        assertEquals(1, loop.armedTimers(), "one timer for every idle connection of the loop");

        loop.advanceTo(100 * MS);
        assertTrue(first.discarded);
        assertTrue(second.open && third.open);
        loop.advanceTo(130 * MS);
        assertTrue(second.discarded);
        assertTrue(third.open);
        loop.advanceTo(160 * MS);
        assertTrue(third.discarded);
        assertEquals(3, idle.purged());
    }

    @Test
    void aServerWithAShorterDelayParkedLaterStillExpiresOnTime() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 1_000 * MS, IdleServerConnections.UNLIMITED);
        idle.limits(b, 50 * MS, IdleServerConnections.UNLIMITED);
        FakeConnection slow = new FakeConnection();
        FakeConnection fast = new FakeConnection();
        idle.park(a, slow);
        loop.advanceTo(10 * MS);
        idle.park(b, fast);

        loop.advanceTo(60 * MS);
        assertTrue(fast.discarded, "the shorter delay must re-arm the timer earlier");
        assertTrue(slow.open);
        loop.advanceTo(1_000 * MS);
        assertTrue(slow.discarded);
    }

    @Test
    void aReusedConnectionIsNotPurgedAndTheNewestIsReusedFirst() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 100 * MS, IdleServerConnections.UNLIMITED);
        FakeConnection older = new FakeConnection();
        FakeConnection newer = new FakeConnection();
        idle.park(a, older);
        idle.park(a, newer);

        assertSame(newer, idle.take(a));
        assertFalse(newer.readInterest, "a taken connection is the session's to watch");
        loop.advanceTo(100 * MS);
        assertTrue(newer.open, "a connection in use must not be purged");
        assertTrue(older.discarded);
        assertNull(idle.take(a));
    }

    @Test
    void aConnectionParkedAgainGetsAFreshDelay() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 100 * MS, IdleServerConnections.UNLIMITED);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        loop.advanceTo(90 * MS);
        assertSame(c, idle.take(a));
        idle.park(a, c);

        loop.advanceTo(150 * MS);
        assertTrue(c.open, "the delay counts from the last park");
        loop.advanceTo(190 * MS);
        assertTrue(c.discarded);
    }

    @Test
    void aZeroPurgeDelayKeepsNoIdleConnection() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 0, IdleServerConnections.UNLIMITED);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        assertTrue(c.discarded);
        assertEquals(0, idle.idleCount());
        assertEquals(0, loop.armedTimers());
    }

    @Test
    void poolMaxConnBoundsEachServerAndClosesTheOldestBeyondIt() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 100 * MS, 2);
        FakeConnection first = new FakeConnection();
        FakeConnection second = new FakeConnection();
        FakeConnection third = new FakeConnection();
        idle.park(a, first);
        idle.park(a, second);
        idle.park(a, third);
        assertTrue(first.discarded);
        assertTrue(second.open && third.open);
        assertEquals(2, idle.idleCount());
        idle.park(b, new FakeConnection());
        assertEquals(3, idle.idleCount(), "the bound is per server");
    }

    @Test
    void poolMaxConnZeroKeepsNone() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        idle.limits(a, 100 * MS, 0);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        assertTrue(c.discarded);
        assertNull(idle.take(a));
    }

    @Test
    void anUnlimitedPoolIsStillBoundedBySafetyBound() {
        IdleServerConnections idle = new IdleServerConnections(loop, 3);
        idle.limits(a, 100 * MS, IdleServerConnections.UNLIMITED);
        for (int i = 0; i < 5; i++) {
            idle.park(a, new FakeConnection());
        }
        assertEquals(3, idle.idleCount());
    }

    @Test
    void aConnectionTheServerClosesWhileIdleIsDroppedAndNeverTaken() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        assertTrue(c.readInterest, "an idle connection is watched");
        c.handler.readable();
        assertFalse(c.open);
        assertEquals(1, idle.closedWhileIdle());
        assertNull(idle.take(a));
        loop.advanceTo(10_000 * MS);
        assertEquals(0, idle.purged());
    }

    @Test
    void aConnectionLostSinceTheLastPollIsSkippedByTake() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        FakeConnection alive = new FakeConnection();
        FakeConnection lost = new FakeConnection();
        idle.park(a, alive);
        idle.park(a, lost);
        lost.lost = true;
        assertSame(alive, idle.take(a));
        assertFalse(lost.open);
    }

    /**
     * A connection parked before a whole poll needs no probe: had its server
     * closed it before that poll, the poll would have reported it. One parked
     * since the last poll is probed, since a close may sit unread.
     */
    @Test
    void onlyAConnectionParkedSinceTheLastPollIsProbedBeforeReuse() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        assertSame(c, idle.take(a));
        assertEquals(1, c.probes);

        idle.park(a, c);
        loop.poll();
        assertSame(c, idle.take(a));
        assertEquals(1, c.probes, "probed although a whole poll ran since it was parked");

        // A close the poll did not report because it came after it is not probed for:
        // the window is one loop pass, as for any idle connection between two polls.
        idle.park(a, c);
        loop.poll();
        c.lost = true;
        assertSame(c, idle.take(a));
        assertEquals(1, c.probes);
    }

    @Test
    void closeAllClosesEveryIdleConnectionAndDisarmsTheTimer() {
        IdleServerConnections idle = new IdleServerConnections(loop, 256);
        FakeConnection c = new FakeConnection();
        idle.park(a, c);
        idle.closeAll();
        assertFalse(c.open);
        assertEquals(0, loop.armedTimers());
    }

    /** A loop whose clock moves only when the test says, running what the timers wake. */
    private static final class ManualLoop extends LoopCore {
        long now;

        /** One whole poll for I/O, started and ended. */
        void poll() {
            pollStarted();
            pollEnded();
        }

        /** Timers armed now. */
        int armedTimers() {
            return timers.size();
        }

        void advanceTo(long nanos) {
            now = nanos;
            timers.expire(now, runQueue);
            runQueue.runAll(Integer.MAX_VALUE);
        }

        @Override
        public int id() {
            return 0;
        }

        @Override
        public Clock clock() {
            return () -> now;
        }

        @Override
        public BufferPool pool() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable work) {
            work.run();
        }

        @Override
        protected void messagePosted() {
        }
    }

    /** A server connection that records how it was closed. */
    private static final class FakeConnection implements Connection {
        boolean open = true;
        boolean discarded;
        boolean readInterest;
        boolean lost;
        int probes;
        ConnectionHandler handler;

        @Override
        public int read(Buffer into, int maxBytes) {
            return 0;
        }

        @Override
        public int write(Buffer from, int maxBytes) {
            return 0;
        }

        @Override
        public void readInterest(boolean on) {
            readInterest = on;
        }

        @Override
        public void writeInterest(boolean on) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public void abort() {
            open = false;
        }

        @Override
        public void discard() {
            discarded = true;
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean idleConnectionLost() {
            probes++;
            return lost || !open;
        }

        @Override
        public void handler(ConnectionHandler handler) {
            this.handler = handler;
        }

        @Override
        public String peer() {
            return "fake";
        }
    }
}
