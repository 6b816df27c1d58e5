package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NioConnectorTest {
    private TestLoops loops;
    private EventLoop client;

    @BeforeEach
    void start() throws IOException {
        loops = new TestLoops(2, 4, 4096);
        client = loops.get(1);
    }

    @AfterEach
    void stop() {
        loops.stop();
    }

    /** Records the outcome of a connect, on the loop thread, with that thread's name. */
    private static final class Outcome implements ConnectionHandler {
        final CompletableFuture<String> result = new CompletableFuture<>();

        @Override
        public void readable() {
        }

        @Override
        public void writable() {
        }

        @Override
        public void connected() {
            result.complete("connected on " + Thread.currentThread().getName());
        }

        @Override
        public void connectFailed(IOException cause) {
            result.complete("failed on " + Thread.currentThread().getName() + ": " + cause.getClass().getSimpleName());
        }
    }

    @Test
    void connectToAClosedPortReportsConnectFailedFromTheLoop() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = (InetSocketAddress) probe.getLocalAddress();
        }
        Outcome outcome = new Outcome();
        Connection connection = client.call(() -> new NioConnector(client).connect(closedPort, outcome));

        assertEquals("failed on sluice-loop-1: " + ConnectException.class.getSimpleName(),
                outcome.result.get(5, TimeUnit.SECONDS));
        assertFalse(client.call(connection::isOpen));
    }

    @Test
    void unresolvedAddressIsReportedThroughTheLoopNotThrown() throws Exception {
        Outcome outcome = new Outcome();
        Connection connection = client.call(() ->
                new NioConnector(client).connect(InetSocketAddress.createUnresolved("no-such-host.invalid", 80), outcome));

        assertEquals("failed on sluice-loop-1: IOException", outcome.result.get(5, TimeUnit.SECONDS));
        assertFalse(client.call(connection::isOpen));
        assertEquals("no-such-host.invalid:80", client.call(connection::peer));
    }

    /** Writes "ping" once connected and completes {@code echoed} with the four bytes that come back. */
    private static final class Pinger implements ConnectionHandler {
        private final BufferPool pool;
        final CompletableFuture<String> echoed = new CompletableFuture<>();
        final CompletableFuture<String> connectedOn = new CompletableFuture<>();
        /** Set right after connect() returns; callbacks come later, from the loop. */
        Connection connection;
        private Buffer buffer;

        Pinger(BufferPool pool) {
            this.pool = pool;
        }

        @Override
        public void connected() {
            connectedOn.complete(Thread.currentThread().getName());
            buffer = pool.tryAllocate(Criticality.NORMAL);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            buffer.append(ping, 0, ping.length);
            try {
                connection.write(buffer);
            } catch (IOException e) {
                echoed.completeExceptionally(e);
            }
            connection.readInterest(true);
        }

        @Override
        public void readable() {
            try {
                connection.read(buffer);
            } catch (IOException e) {
                echoed.completeExceptionally(e);
            }
            if (buffer.readable() == 4) {
                byte[] got = new byte[4];
                for (int i = 0; i < 4; i++) {
                    got[i] = buffer.get(buffer.readIndex() + i);
                }
                pool.release(buffer);
                connection.close();
                echoed.complete(new String(got, StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void writable() {
        }

        @Override
        public void connectFailed(IOException cause) {
            echoed.completeExceptionally(cause);
        }
    }

    @Test
    void connectedConnectionCarriesBytesBothWays() throws Exception {
        Listener echo = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(loops.get(0)), (owner, connection) -> new EchoHandler(connection, owner.pool()));
        try {
            Pinger pinger = new Pinger(client.pool());
            client.call(() -> pinger.connection = new NioConnector(client).connect(echo.address(), pinger));

            assertEquals("ping", pinger.echoed.get(5, TimeUnit.SECONDS));
            assertEquals("sluice-loop-1", pinger.connectedOn.get());
            assertEquals(4, client.call(() -> client.counters().bytesOut));
            assertEquals(4, client.call(() -> client.counters().bytesIn));
        } finally {
            echo.close();
        }
    }

    /**
     * With {@code ackWithData} the server does not see the connection until
     * the first bytes come: the handshake's last ACK waits for them (Linux
     * holds it up to 200 ms), and then brings the connection and the bytes
     * together. Without it, the connection is there as soon as the handshake is.
     */
    @Test
    void ackWithDataHoldsTheHandshakeAckUntilTheFirstBytes() throws Exception {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
            Assumptions.assumeTrue(probe.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_QUICKACK),
                    "TCP_QUICKACK is not supported here");
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();

            Outcome plain = new Outcome();
            Connection first = client.call(() -> new NioConnector(client).connect(address, plain, false));
            assertEquals("connected on sluice-loop-1", plain.result.get(5, TimeUnit.SECONDS));
            java.nio.channels.SocketChannel accepted = acceptWithin(server, 5_000);
            assertNotNull(accepted, "a plain connect is accepted once its handshake is over");
            accepted.close();

            Outcome smart = new Outcome();
            Connection second = client.call(() -> new NioConnector(client).connect(address, smart, true));
            assertEquals("connected on sluice-loop-1", smart.result.get(5, TimeUnit.SECONDS));
            assertNull(acceptWithin(server, 50), "accepted before any byte was sent");
            client.call(() -> {
                Buffer b = client.pool().tryAllocate(Criticality.NORMAL);
                b.append("GET".getBytes(StandardCharsets.US_ASCII), 0, 3);
                second.write(b);
                client.pool().release(b);
                return null;
            });
            accepted = acceptWithin(server, 5_000);
            assertNotNull(accepted, "the first bytes did not complete the handshake");
            java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(8);
            accepted.configureBlocking(true);
            accepted.read(got);
            assertEquals("GET", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));
            accepted.close();
            client.call(() -> {
                first.close();
                second.close();
                return null;
            });
        }
    }

    private static java.nio.channels.SocketChannel acceptWithin(ServerSocketChannel server, long millis)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        do {
            java.nio.channels.SocketChannel accepted = server.accept();
            if (accepted != null) {
                return accepted;
            }
            Thread.sleep(1);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /**
     * On loopback the handshake is over when connect() returns "in progress":
     * the connector finishes it at once instead of waiting for OP_CONNECT, and
     * still reports it from the loop, after connect() returned.
     */
    @Test
    void aLoopbackConnectIsFinishedAtOnceAndReportedFromTheLoop() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Outcome outcome = new Outcome();
            String atReturn = client.call(() -> {
                NioConnection c = (NioConnection) new NioConnector(client).connect(address, outcome);
                return c.awaitingConnect() + " " + outcome.result.isDone();
            });
            assertEquals("false false", atReturn, "awaiting OP_CONNECT, reported before connect() returned");
            assertEquals("connected on sluice-loop-1", outcome.result.get(5, TimeUnit.SECONDS));
        }
    }

    /**
     * A connect that ends inside connect() is reported from the loop's run
     * queue, not its inbox: with the inbox full, the outcome still comes
     * (and a refused inbox item would have been thrown into the caller).
     */
    @Test
    void aConnectThatEndsAtOnceIsReportedEvenWhileTheInboxIsFull() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Outcome outcome = new Outcome();
            java.util.concurrent.CountDownLatch filled = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            client.execute(() -> {
                try {
                    filled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                new NioConnector(client).connect(address, outcome);
                done.countDown();
            });
            // The loop is busy in the item above: fill what is left of its inbox from here.
            int refused = 0;
            for (int i = 0; i < EventLoop.INBOX_CAPACITY + 1; i++) {
                try {
                    client.execute(() -> { });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    refused++;
                }
            }
            assertTrue(refused > 0, "the inbox never filled");
            filled.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals("connected on sluice-loop-1", outcome.result.get(5, TimeUnit.SECONDS));
        }
    }
}
