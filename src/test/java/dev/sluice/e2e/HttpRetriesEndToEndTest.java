package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code retries}, {@code option redispatch} and {@code retry-on}: a request
 * whose connection failed before it went out is tried again, and one whose
 * response failed is sent again when it was kept whole, on the same server or
 * another; a request whose body streamed is never sent twice.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpRetriesEndToEndTest extends HttpEndToEnd {
    /** A server that misbehaves the same way for every request, counting them. */
    private static final class BadServer implements AutoCloseable {
        enum Way { CLOSE_AT_ONCE, ANSWER_503, SILENT }

        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger requests = new AtomicInteger();
        private final Thread thread;

        BadServer(Way way) throws IOException {
            thread = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        Thread.ofVirtual().start(() -> serve(c, way));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket c, Way way) {
            try (c) {
                InputStream in = c.getInputStream();
                // Read a head to its blank line, then misbehave.
                int matched = 0;
                for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                }
                requests.incrementAndGet();
                switch (way) {
                    case CLOSE_AT_ONCE -> { }
                    case ANSWER_503 -> c.getOutputStream().write(
                            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy".getBytes(StandardCharsets.US_ASCII));
                    case SILENT -> Thread.sleep(10_000);
                }
            } catch (IOException | InterruptedException e) {
                // The proxy went away: nothing to do.
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int deadPort() throws IOException {
        return FreePorts.next();
    }

    private Cfg withBadFirst(HttpTestOrigin origin, int badPort, String... backendLines) {
        // s0, the bad one, is listed before s1 so that balance first always tries it first.
        Cfg cfg = cfg(origin).backend("balance first", "server s0 127.0.0.1:" + badPort);
        cfg.backend(backendLines);
        return cfg;
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherServerWithRedispatch() throws Exception {
        HttpTestOrigin origin = origin();
        start(withBadFirst(origin, deadPort(), "retries 2", "option redispatch"));
        HttpWire w = wire();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, w.exchange(get("/r" + i)).status());
        }
        assertEquals(5, origin.requests().size());
        assertTrue(counter("connect_redispatches") >= 1, sluice.summary().render());
    }

    @Test
    void withoutRedispatchTheSameServerIsRetriedThenTheClientGets503() throws Exception {
        HttpTestOrigin origin = origin();
        start(withBadFirst(origin, deadPort(), "retries 2", "timeout connect 200ms"));
        long started = System.nanoTime();
        assertEquals(503, wire().exchange(get("/never")).status());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(2, counter("connect_retries"));
        assertEquals(0, counter("connect_redispatches"));
        // Two turn-arounds of min(timeout connect, 1 s) each between the three attempts.
        assertTrue(millis >= 350, "retried after " + millis + " ms");
        assertTrue(origin.requests().isEmpty());
    }

    @Test
    void anEmptyResponseIsRetriedOnAnotherServerWhenRetryOnAsks() throws Exception {
        HttpTestOrigin origin = origin();
        try (BadServer bad = new BadServer(BadServer.Way.CLOSE_AT_ONCE)) {
            start(withBadFirst(origin, bad.port(), "retries 1", "option redispatch", "retry-on empty-response"));
            HttpWire.Response r = wire().exchange(get("/again"));
            assertEquals(200, r.status());
            assertEquals("/again", r.text());
            assertEquals(1, bad.requests.get());
            assertEquals(1, origin.requests().size());
        }
    }

    @Test
    void aStatusThatRetryOnNamesIsRetriedAndNeverReachesTheClient() throws Exception {
        HttpTestOrigin origin = origin();
        try (BadServer bad = new BadServer(BadServer.Way.ANSWER_503)) {
            start(withBadFirst(origin, bad.port(), "retries 1", "option redispatch", "retry-on 503"));
            HttpWire.Response r = wire().exchange(get("/status"));
            assertEquals(200, r.status());
            assertEquals(1, bad.requests.get());
        }
    }

    @Test
    void aResponseTimeoutIsRetriedWhenRetryOnAsks() throws Exception {
        HttpTestOrigin origin = origin();
        try (BadServer bad = new BadServer(BadServer.Way.SILENT)) {
            start(withBadFirst(origin, bad.port(), "retries 1", "option redispatch", "retry-on response-timeout",
                    "timeout server 300ms"));
            assertEquals(200, wire().exchange(get("/late")).status());
            assertEquals(1, bad.requests.get());
        }
    }

    @Test
    void aRequestWithAStreamedBodyIsNeverSentTwice() throws Exception {
        HttpTestOrigin origin = origin();
        try (BadServer bad = new BadServer(BadServer.Way.CLOSE_AT_ONCE)) {
            start(withBadFirst(origin, bad.port(), "retries 3", "option redispatch",
                    "retry-on empty-response"));
            HttpWire w = wire();
            w.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertEquals(502, w.read("POST").status());
            assertEquals(0, counter("connect_retries"), "a chunked body is not kept: no retry");
            assertTrue(origin.requests().isEmpty());
        }
    }

    @Test
    void aStatusNotNamedGoesToTheClientAsItCame() throws Exception {
        HttpTestOrigin origin = origin();
        try (BadServer bad = new BadServer(BadServer.Way.ANSWER_503)) {
            start(withBadFirst(origin, bad.port(), "retries 1", "option redispatch", "retry-on 502"));
            HttpWire.Response r = wire().exchange(get("/busy"));
            assertEquals(503, r.status());
            assertEquals("busy", r.text());
            assertEquals(0, counter("connect_retries"));
        }
    }
}
