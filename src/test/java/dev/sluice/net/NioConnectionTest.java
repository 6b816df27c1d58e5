package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NioConnectionTest {
    private static final int MEGABYTE = 1 << 20;

    private TestLoops loops;
    private EventLoop loop;
    private Listener listener;
    /** Echo handlers in accept order; each is created on the loop thread. */
    private final BlockingQueue<EchoHandler> echoes = new LinkedBlockingQueue<>();

    @BeforeEach
    void startEchoServer() throws IOException {
        loops = new TestLoops(1, 8, 16 * 1024);
        loop = loops.get(0);
        listener = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> {
                    // A fixed, small send buffer (autotuning would grow it past a megabyte on
                    // loopback) makes the echo meet a full socket, so back-pressure is exercised.
                    setSendBuffer((NioConnection) connection, 16 * 1024);
                    echoes.add(new EchoHandler(connection, owner.pool()));
                });
    }

    private static void setSendBuffer(NioConnection connection, int bytes) {
        try {
            connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        listener.close();
        loops.stop();
    }

    private SocketChannel connect() throws IOException {
        SocketChannel client = SocketChannel.open();
        // A small receive window on the client makes the echo meet a full socket early.
        client.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        client.connect(listener.address());
        return client;
    }

    private EchoHandler nextEcho() throws InterruptedException {
        EchoHandler echo = echoes.poll(5, TimeUnit.SECONDS);
        assertNotNull(echo, "no connection accepted");
        return echo;
    }

    @Test
    void echoesOneMegabyteIntactWithBackPressure() throws Exception {
        byte[] sent = new byte[MEGABYTE];
        new Random(42).nextBytes(sent);
        try (SocketChannel client = connect()) {
            EchoHandler echo = nextEcho();
            Thread writer = new Thread(() -> {
                try {
                    ByteBuffer out = ByteBuffer.wrap(sent);
                    while (out.hasRemaining()) {
                        client.write(out);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            // Not reading yet: the echo's writes must back up until it has to stop reading.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (loop.call(() -> echo.pauses) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(loop.call(() -> echo.pauses) > 0, "the echo never stopped reading");

            ByteBuffer received = ByteBuffer.allocate(MEGABYTE);
            while (received.hasRemaining()) {
                assertTrue(client.read(received) >= 0, "end of stream after " + received.position() + " bytes");
            }
            writer.join(5_000);
            assertArrayEquals(sent, received.array());
            assertEquals(0, loop.call(() -> echo.readsWhilePaused));
            assertEquals(MEGABYTE, loop.call(() -> loop.counters().bytesIn));
            assertEquals(MEGABYTE, loop.call(() -> loop.counters().bytesOut));
            client.shutdownOutput();
            assertEquals(-1, client.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void halfCloseReachesTheServerAndItsRepliesStillFlow() throws Exception {
        try (SocketChannel client = connect()) {
            EchoHandler echo = nextEcho();
            client.write(ByteBuffer.wrap("hello".getBytes()));
            client.shutdownOutput();

            assertTrue(echo.sawEndOfInput.await(5, TimeUnit.SECONDS), "server never read -1");
            ByteBuffer received = ByteBuffer.allocate(16);
            while (client.read(received) >= 0) {
                assertTrue(received.hasRemaining());
            }
            assertEquals("hello", new String(received.array(), 0, received.position()));
        }
    }

    @Test
    void abortMakesThePeerSeeAReset() throws Exception {
        listener.close();
        CountDownLatch aborted = new CountDownLatch(1);
        Listener aborting = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> {
                    connection.abort();
                    connection.abort();
                    aborted.countDown();
                });
        try (SocketChannel client = SocketChannel.open(aborting.address())) {
            assertTrue(aborted.await(5, TimeUnit.SECONDS));
            SocketException reset = assertThrows(SocketException.class, () -> client.read(ByteBuffer.allocate(16)));
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        } finally {
            aborting.close();
        }
    }

    @Test
    void readOnAResetPeerThrowsToTheHandler() throws Exception {
        SocketChannel client = connect();
        EchoHandler echo = nextEcho();
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close();

        assertTrue(echo.failed.await(5, TimeUnit.SECONDS), "the reset was not reported");
        IOException error = loop.call(() -> echo.error);
        assertTrue(error.getMessage().contains("reset"), error.getMessage());
    }

    @Test
    void handlerThatThrowsLosesItsConnectionAndTheLoopGoesOn() throws Exception {
        listener.close();
        Listener throwing = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> whenReadable(connection, () -> {
                    throw new IllegalStateException("handler failure on purpose");
                }));
        try (SocketChannel client = SocketChannel.open(throwing.address())) {
            client.write(ByteBuffer.wrap("x".getBytes()));
            // The loop closes the connection, so the client reads the end of the stream.
            assertEquals(-1, client.read(ByteBuffer.allocate(16)));
            assertEquals(1, loop.call(loop::errors));
        } finally {
            throwing.close();
        }
    }

    @Test
    void closeIsIdempotentAndReadsAfterItFail() throws Exception {
        listener.close();
        BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        Listener plain = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> accepted.add(connection));
        try (SocketChannel client = SocketChannel.open(plain.address())) {
            Connection connection = accepted.poll(5, TimeUnit.SECONDS);
            assertNotNull(connection);
            String peer = connection.peer();
            assertEquals(client.getLocalAddress().toString().replace("/", ""), peer);
            List<Object> after = loop.call(() -> {
                connection.close();
                connection.close();
                connection.readInterest(true);
                Throwable failure = null;
                Buffer buffer = loop.pool().tryAllocate(Criticality.CRITICAL);
                try {
                    connection.read(buffer);
                } catch (IOException e) {
                    failure = e;
                } finally {
                    loop.pool().release(buffer);
                }
                return List.of(connection.isOpen(), connection.peer(), String.valueOf(failure));
            });
            assertFalse((Boolean) after.get(0));
            assertEquals(peer, after.get(1));
            assertTrue(after.get(2).toString().contains("ClosedChannelException"));
            assertEquals(-1, client.read(ByteBuffer.allocate(1)));
        } finally {
            plain.close();
        }
    }

    /**
     * A connection closed on the loop keeps its descriptor until the selector
     * has dropped its key; the loop must then close it. Counted in
     * {@code /proc/self/fd}: a leak of one descriptor per connection shows.
     */
    @Test
    void connectionsClosedOnTheLoopGiveBackTheirDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        listener.close();
        // Registered with read interest, so each close goes through the selector's deregistration.
        Listener closing = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> whenReadable(connection, connection::close));
        try {
            long before = countEntries(fds);
            for (int i = 0; i < 300; i++) {
                try (SocketChannel client = SocketChannel.open(closing.address())) {
                    client.write(ByteBuffer.wrap(new byte[] {'x'}));
                    assertEquals(-1, client.read(ByteBuffer.allocate(1)), "connection " + i + " not closed");
                }
            }
            // The last close may still wait for the loop's next pass.
            long after = countEntries(fds);
            for (int i = 0; i < 100 && after > before + 2; i++) {
                Thread.sleep(10);
                after = countEntries(fds);
            }
            assertTrue(after <= before + 2, "descriptors open before: " + before + ", after 300 connections: " + after);
        } finally {
            closing.close();
        }
    }

    /**
     * An answer given in the middle of an upload: with a lingering close the
     * client can finish sending, then reads the whole answer and the end of
     * the stream; the connection closes once the client does.
     */
    @Test
    void lingeringCloseLetsAnUploadingClientReadTheAnswer() throws Exception {
        listener.close();
        byte[] answer = "HTTP/1.1 413 Content Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n".getBytes();
        Listener refusing = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> whenReadable(connection, () -> {
                    Buffer b = owner.pool().tryAllocate(Criticality.CRITICAL);
                    try {
                        // Read a little of the upload, answer, and leave the rest unread.
                        connection.read(b, 100);
                        b.consumed(b.readable());
                        b.append(answer, 0, answer.length);
                        connection.write(b);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        owner.pool().release(b);
                    }
                    connection.closeLingering(TimeUnit.SECONDS.toNanos(5));
                }));
        try (SocketChannel client = SocketChannel.open(refusing.address())) {
            // The client finishes its upload before it reads, as simple clients do: with a
            // plain close its writes meet the reset and it never gets to the answer.
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (int i = 0; i < 64; i++) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    client.write(chunk);
                }
            }
            ByteBuffer received = ByteBuffer.allocate(answer.length + 1);
            int n;
            while ((n = client.read(received)) > 0) {
                // read until the end of the stream
            }
            assertEquals(-1, n);
            assertEquals(new String(answer), new String(received.array(), 0, received.position()));
            client.shutdownOutput();
            assertEquals(1, loop.call(() -> loop.counters().lingeringCloses));
        } finally {
            refusing.close();
        }
    }

    /** A client that neither sends its end nor reads is dropped at the lingering deadline. */
    @Test
    void lingeringCloseEndsAtItsDeadline() throws Exception {
        listener.close();
        java.util.concurrent.atomic.AtomicReference<SocketChannel> accepted = new java.util.concurrent.atomic.AtomicReference<>();
        Listener lingering = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> {
                    accepted.set(((NioConnection) connection).channel());
                    whenReadable(connection, () -> connection.closeLingering(TimeUnit.MILLISECONDS.toNanos(300)));
                });
        try (SocketChannel client = SocketChannel.open(lingering.address())) {
            client.write(ByteBuffer.wrap("x".getBytes()));
            long start = System.nanoTime();
            // The FIN comes at once; the close of the socket itself at the deadline. Its own
            // channel is watched, not the process's descriptors, which other tests open and close.
            assertEquals(-1, client.read(ByteBuffer.allocate(1)));
            long waited = 0;
            while (accepted.get().isOpen() && waited < 3_000) {
                Thread.sleep(10);
                waited = (System.nanoTime() - start) / 1_000_000;
            }
            assertTrue(!accepted.get().isOpen(), "the lingering connection was never closed");
            assertTrue(waited >= 250, "closed after " + waited + " ms, before its deadline");
        } finally {
            lingering.close();
        }
    }

    /**
     * TCP_CORK through {@link Connection#cork}: a short write waits while the
     * connection is corked, goes out with what follows once the cork is lifted,
     * and a shutdown sends what a cork holds, with the end of the stream.
     */
    @Test
    void corkHoldsShortWritesUntilLiftedOrShutDown() throws Exception {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            // The build opens sun.nio.ch to the tests, as the jar's manifest does to Sluice.
            // Without it corking would quietly do nothing, so on Linux it is required here.
            assertTrue(TcpCork.available(), TcpCork.unavailableReason());
        }
        Assumptions.assumeTrue(TcpCork.available(), "TCP_CORK: " + TcpCork.unavailableReason());
        listener.close();
        BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        Listener plain = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> accepted.add(connection));
        try (SocketChannel client = SocketChannel.open(plain.address())) {
            Connection server = accepted.poll(5, TimeUnit.SECONDS);
            assertNotNull(server, "no connection accepted");
            client.configureBlocking(false);

            loop.call(() -> {
                server.cork(true);
                return send(server, "first ");
            });
            // Linux holds a corked partial segment for up to 200 ms: nothing may come before.
            assertEquals("", readFor(client, 50, Integer.MAX_VALUE));
            loop.call(() -> {
                send(server, "second");
                server.cork(false);
                return null;
            });
            assertEquals("first second", readFor(client, 5_000, 12));

            loop.call(() -> {
                server.cork(true);
                send(server, "last");
                server.shutdownOutput();
                return null;
            });
            assertEquals("last", readFor(client, 5_000, 4));
            ByteBuffer end = ByteBuffer.allocate(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int n;
            while ((n = client.read(end)) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(-1, n, "no end of stream after the shutdown");
            loop.call(() -> {
                server.close();
                return null;
            });
        } finally {
            plain.close();
        }
    }

    /** Writes {@code text} through a pool buffer; on the loop thread. */
    private Void send(Connection connection, String text) throws IOException {
        Buffer b = loop.pool().tryAllocate(Criticality.CRITICAL);
        try {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.append(bytes, 0, bytes.length);
            assertEquals(bytes.length, connection.write(b));
        } finally {
            loop.pool().release(b);
        }
        return null;
    }

    /** Reads what a non-blocking channel gets within {@code millis}, or until {@code expected} bytes came. */
    private static String readFor(SocketChannel channel, long millis, int expected) throws IOException, InterruptedException {
        ByteBuffer got = ByteBuffer.allocate(256);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (got.position() < expected && System.nanoTime() < deadline) {
            if (channel.read(got) < 0) {
                break;
            }
            Thread.sleep(1);
        }
        return new String(got.array(), 0, got.position(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Gives {@code connection} a handler that runs {@code action} when it is readable, and read interest. */
    private static void whenReadable(Connection connection, Runnable action) {
        connection.handler(new ConnectionHandler() {
            @Override
            public void readable() {
                action.run();
            }

            @Override
            public void writable() {
            }
        });
        connection.readInterest(true);
    }

    private static long countEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.count();
        }
    }
}
