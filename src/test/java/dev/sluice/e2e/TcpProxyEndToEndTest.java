package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigParser;
import dev.sluice.config.Global;
import dev.sluice.stats.Summary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sluice in TCP mode over real sockets on 127.0.0.1, against {@link TestOrigin}.
 * After every test, every buffer of every loop must be back in its pool.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpProxyEndToEndTest {
    private static final int MB = 1 << 20;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Sluice sluice;

    @AfterEach
    void everyBufferIsBackInItsPool() throws Exception {
        try {
            if (sluice != null) {
                awaitNoOpenSessions();
                for (Sluice.PoolReading p : sluice.pools()) {
                    assertEquals(p.size(), p.free(), "loop " + p.loop() + ": buffers not back in the pool");
                    assertEquals(0, p.waiting(), "loop " + p.loop() + ": waiters left in the pool's queues");
                }
                assertEquals(0, sluice.summary().get("buffer_failed_wakeups"));
            }
        } finally {
            if (sluice != null) {
                sluice.close();
            }
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }
    }

    @Test
    void oneMegabyteEchoesIntactInBothDirections() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.ECHO);
        start(config(origin.port(), "", 2, 64));
        byte[] upload = TestOrigin.pattern(42, MB);
        byte[] echoed = exchange(upload);
        assertArrayEquals(sha256(upload), sha256(echoed), "echoed megabyte differs");
        assertEquals(MB, echoed.length);
    }

    @Test
    void oneMegabyteDownloadArrivesIntact() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.DOWNLOAD);
        start(config(origin.port(), "", 2, 64));
        byte[] got = exchange((MB + "\n").getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(sha256(TestOrigin.pattern(MB, MB)), sha256(got), "downloaded megabyte differs");
    }

    /**
     * The seed's deadlock scenario: many sessions queued behind one server slot,
     * with the smallest pool the configuration accepts, each moving several
     * buffers' worth each way, so buffers are released and taken again many
     * times in the middle of transfers.
     */
    @Test
    void twoHundredClientsThroughMaxconnOneWithTheSmallestPoolAllComplete() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.ECHO);
        int loops = 2;
        int reserve = 2;
        int limit = Global.minimumBuffersLimit(loops, reserve);
        start(config(origin.port(), "maxconn 1", loops, limit, reserve));
        int clients = 200;
        int size = 4 * Global.DEFAULT_BUFSIZE + 1234;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        toClose.add(pool::shutdownNow);
        List<Future<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            results.add(pool.submit(() -> exchange(TestOrigin.pattern(id, size))));
        }
        for (int i = 0; i < clients; i++) {
            byte[] echoed = results.get(i).get(100, TimeUnit.SECONDS);
            assertArrayEquals(sha256(TestOrigin.pattern(i, size)), sha256(echoed), "client " + i + " got other bytes");
        }
        awaitNoOpenSessions();
        Summary s = sluice.summary();
        assertEquals(clients, s.get("sessions_ended_done"), s.render());
        assertEquals(1, origin.peakConcurrent(), "maxconn 1 let more connections reach the server");
        assertTrue(s.get("sessions_queued") > 0, "the test never queued a session, so it proves nothing");
        assertTrue(s.get("buffer_waits_normal") > 0, "the pool never ran short, so the test proves nothing: " + s.render());
        assertEquals(0, s.get("buffer_failed_wakeups"));
        System.out.println("[deadlock scenario] " + s.render().replace('\n', ' '));
    }

    @Test
    void queueTimeoutClosesTheQueuedClientCleanlyAndIsCounted() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.HOLD);
        start(config(origin.port(), "maxconn 1", 1, 16, 2, "timeout queue 300ms"));
        Socket holder = new Socket("127.0.0.1", port());
        toClose.add(holder);
        awaitTrue(() -> origin.accepted() == 1, "the first session never reached the server");
        try (Socket queued = new Socket("127.0.0.1", port())) {
            queued.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            assertEquals(-1, queued.getInputStream().read(), "a queue timeout must end with a clean close");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMs >= 250, "closed after " + waitedMs + " ms, before the queue timeout");
        }
        awaitTrue(() -> sluice.summary().get("sessions_ended_queue_timeout") == 1, "queue timeout not counted");
        holder.close();
    }

    @Test
    void deadServerPortClosesTheClientCleanlyAndIsCounted() throws Exception {
        int deadPort = FreePorts.next();
        start(config(deadPort, "", 1, 16));
        try (Socket client = new Socket("127.0.0.1", port())) {
            client.setSoTimeout(10_000);
            assertEquals(-1, client.getInputStream().read(), "a refused server connection must end with a clean close");
        }
        awaitTrue(() -> sluice.summary().get("sessions_ended_connect_error") == 1, "connect error not counted");
        // The default retries 3 (retry-on conn-failure): the first attempt and three more, a second apart.
        assertEquals(4, sluice.summary().get("server_app_s1_connect_errors"));
        assertEquals(3, sluice.summary().get("connect_retries"));
    }

    /** With {@code option tcp-smart-connect}, bytes still flow both ways, whole. */
    @Test
    void smartConnectRelaysAMegabyteBothWays() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.ECHO);
        start(config(origin.port(), "", 1, 16, 2, "    option tcp-smart-connect"));
        for (int i = 0; i < 5; i++) {
            byte[] upload = TestOrigin.pattern(i, MB / 4 + i);
            assertArrayEquals(sha256(upload), sha256(exchange(upload)), "echo " + i);
        }
    }

    @Test
    void halfCloseFromTheClientReachesTheServerAndTheAnswerStillComesBack() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.ECHO);
        start(config(origin.port(), "", 1, 16));
        byte[] upload = "hello through a half-closed stream".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(upload, exchange(upload));
    }

    /**
     * At the frontend's maxconn, Sluice stops accepting: a further client waits
     * in the kernel's backlog (not accepted and closed) and is served as soon as
     * a session ends.
     */
    @Test
    void frontendMaxconnHoldsFurtherClientsInTheBacklogUntilASessionEnds() throws Exception {
        TestOrigin origin = origin(TestOrigin.Mode.ECHO);
        start(config(origin.port(), "", 1, 16, 2).replace("    bind 127.0.0.1:0", "    bind 127.0.0.1:0\n    maxconn 1"));
        Socket first = new Socket("127.0.0.1", port());
        toClose.add(first);
        first.getOutputStream().write('a');
        assertEquals('a', first.getInputStream().read(), "the first session must be served");
        try (Socket second = new Socket("127.0.0.1", port())) {
            second.setSoTimeout(300);
            second.getOutputStream().write('b');
            second.shutdownOutput();
            assertThrows(java.net.SocketTimeoutException.class, () -> second.getInputStream().read(),
                    "a second session was served beyond maxconn 1");
            first.close();
            second.setSoTimeout(10_000);
            assertEquals('b', second.getInputStream().read(), "the held client was not served once a place freed");
            assertEquals(-1, second.getInputStream().read());
        }
        assertEquals(0, sluice.summary().get("frontend_front_refused_maxconn"), "a client was accepted then refused");
    }

    // --- helpers ---

    private TestOrigin origin(TestOrigin.Mode mode) throws IOException {
        TestOrigin o = new TestOrigin(mode);
        toClose.add(o);
        return o;
    }

    private static String config(int serverPort, String serverOptions, int loops, int limit) {
        return config(serverPort, serverOptions, loops, limit, 2);
    }

    private static String config(int serverPort, String serverOptions, int loops, int limit, int reserve, String... extra) {
        return String.join("\n",
                "global",
                "    nbthread " + loops,
                "    tune.buffers.limit " + limit,
                "    tune.buffers.reserve " + reserve,
                "    hard-stop-after 5s",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    timeout queue 60s",
                "frontend front",
                "    bind 127.0.0.1:0",
                "    default_backend app",
                "backend app",
                String.join("\n", extra),
                "    server s1 127.0.0.1:" + serverPort + " " + serverOptions,
                "");
    }

    private void start(String configText) throws Exception {
        Config config = ConfigParser.parse("e2e.cfg", configText);
        sluice = Sluice.start(config);
    }

    private int port() {
        return sluice.boundAddresses().get(0).getPort();
    }

    /**
     * Sends {@code upload}, half-closes, and reads everything until the server's
     * end of stream. Reading runs beside writing so that neither side's socket
     * buffers can stall the other.
     */
    private byte[] exchange(byte[] upload) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < upload.length; off += 7000) {
                        out.write(upload, off, Math.min(7000, upload.length - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    // The reader sees the failure as a short or reset stream.
                }
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            writer.join();
            return got.toByteArray();
        }
    }

    private void awaitNoOpenSessions() throws InterruptedException {
        awaitTrue(() -> sluice.openSessions() == 0, "sessions still open: " + sluice.openSessions());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(failure);
            }
            Thread.sleep(10);
        }
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
