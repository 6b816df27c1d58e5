package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
