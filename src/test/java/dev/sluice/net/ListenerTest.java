package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerTest {
    private static final int CONNECTIONS = 40;
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private TestLoops loops;
    private final AtomicIntegerArray acceptedPerLoop = new AtomicIntegerArray(2);
    private final ConcurrentLinkedQueue<String> wrongThread = new ConcurrentLinkedQueue<>();
    private CountDownLatch allAccepted;

    @BeforeEach
    void start() throws IOException {
        loops = new TestLoops(2, 2, 1024);
        allAccepted = new CountDownLatch(CONNECTIONS);
    }

    @AfterEach
    void stop() {
        loops.stop();
    }

    /** Counts the connection for its loop, checks it arrived on that loop's thread, and closes it. */
    private final Acceptor countingAcceptor = (loop, connection) -> {
        if (!Thread.currentThread().getName().equals("sluice-loop-" + loop.id())) {
            wrongThread.add(Thread.currentThread().getName() + " for loop " + loop.id());
        }
        acceptedPerLoop.incrementAndGet(loop.id());
        connection.close();
        allAccepted.countDown();
    };

    private void openAndCloseConnections(Listener listener) throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            SocketChannel.open(listener.address()).close();
        }
        assertTrue(allAccepted.await(10, TimeUnit.SECONDS), "accepted only " + listener.accepted());
        assertTrue(wrongThread.isEmpty(), wrongThread.toString());
    }

    @Test
    void withReusePortEachLoopAcceptsSomeConnectionsOnItsOwnSocket() throws Exception {
        Listener listener = Listener.bind(ANY_LOOPBACK_PORT, loops.loops, countingAcceptor);
        try {
            assertTrue(listener.reusePort(), "SO_REUSEPORT is expected on this platform");
            openAndCloseConnections(listener);
            // The kernel hashes connections over the two sockets: all 40 on one side has odds 2^-39.
            assertTrue(acceptedPerLoop.get(0) > 0 && acceptedPerLoop.get(1) > 0, acceptedPerLoop.toString());
            assertEquals(CONNECTIONS, listener.accepted());
            assertEquals(0, listener.acceptErrors());
        } finally {
            listener.close();
        }
    }

    @Test
    void withoutReusePortOneLoopAcceptsAndHandsConnectionsRoundRobin() throws Exception {
        Listener listener = Listener.bind(ANY_LOOPBACK_PORT, loops.loops, countingAcceptor, false);
        try {
            assertFalse(listener.reusePort());
            openAndCloseConnections(listener);
            assertEquals(CONNECTIONS / 2, acceptedPerLoop.get(0));
            assertEquals(CONNECTIONS / 2, acceptedPerLoop.get(1));
        } finally {
            listener.close();
        }
    }

    @Test
    void closedListenerStopsAccepting() throws Exception {
        Listener listener = Listener.bind(ANY_LOOPBACK_PORT, loops.loops, countingAcceptor);
        listener.close();
        assertTrue(listener.isClosed());
        // Each loop closes its socket on its own thread, and the port is released by the select
        // after that: connections are refused within a few passes, which this waits for (bounded).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                SocketChannel.open(listener.address()).close();
            } catch (ConnectException refused) {
                break;
            } catch (java.net.SocketException reset) {
                // A connection that reached a socket's queue just as the socket closed is reset, not refused: the
                // listener is closing; the next attempt tells whether it still accepts.
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("a closed listener still accepts on " + listener.address());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void acceptorThatThrowsCostsOnlyThatConnection() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        int[] calls = new int[1];
        Listener listener = Listener.bind(ANY_LOOPBACK_PORT, java.util.List.of(loops.get(0)), (loop, connection) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("acceptor failure on purpose");
            }
            connection.close();
            second.countDown();
        });
        try {
            SocketChannel.open(listener.address()).close();
            SocketChannel.open(listener.address()).close();
            assertTrue(second.await(5, TimeUnit.SECONDS));
            assertEquals(1, listener.acceptErrors());
            assertEquals(1, loops.get(0).call(() -> loops.get(0).counters().acceptErrors));
        } finally {
            listener.close();
        }
    }
}
