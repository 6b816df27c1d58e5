package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.stick.StickData;
import dev.sluice.stick.StickTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stick tables as clients see them, against a real origin, and the same
 * configuration and request sequence through HAProxy 2.6: the same answers.
 * A second client address is 127.0.0.2, a loopback address the client
 * socket binds to.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StickTableEndToEndTest extends HttpEndToEnd {
    private static final InetAddress FIRST = loopback(1);
    private static final InetAddress SECOND = loopback(2);
    /**
     * A third: HAProxy's readiness probe (a connection from 127.0.0.1 closed
     * without a request) counts as a request and an error of that address in
     * HAProxy 2.6, not in Sluice; the error counting compares the two from here.
     */
    private static final InetAddress THIRD = loopback(3);

    @TempDir
    Path dir;

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The status of one GET on a new connection from {@code from}, or -1 when the connection ends unanswered. */
    private static int status(int port, InetAddress from, String path) throws IOException {
        HttpWire w;
        try {
            w = new HttpWire(from, port, 10_000);
        } catch (java.net.SocketException reset) {
            return -1; // refused as it was accepted, before the connect returned
        }
        try (w) {
            return w.exchange(get(path)).status();
        } catch (IOException closed) {
            return -1;
        }
    }

    private static List<Integer> statuses(int port, InetAddress from, String path, int n) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(status(port, from, path));
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, FIRST)) {
            return s.getLocalPort();
        }
    }

    /** The same frontend lines in HAProxy 2.6, in front of the same origin; {@code sections} after backend app. */
    private Haproxy haproxy(HttpTestOrigin origin, int port, String name, String[] frontend, String sections)
            throws Exception {
        StringBuilder c = new StringBuilder("global\n    maxconn 200\ndefaults\n    mode http\n    timeout connect 5s\n"
                + "    timeout client 30s\n    timeout server 30s\nfrontend front\n    bind 127.0.0.1:" + port + "\n");
        for (String line : frontend) {
            c.append("    ").append(line).append('\n');
        }
        c.append("    default_backend app\nbackend app\n    server s1 127.0.0.1:").append(origin.port()).append('\n');
        c.append(sections).append('\n');
        return new Haproxy(dir.resolve(name), c.toString(), port);
    }

    /** A request sequence, run against a port; what it saw. */
    @FunctionalInterface
    private interface Sequence {
        List<Integer> run(int port) throws Exception;
    }

    /** Runs {@code sequence} through HAProxy 2.6 with the same frontend lines: it must see what Sluice saw. */
    private void sameInHaproxy(HttpTestOrigin origin, String name, String[] frontend, String sections,
            Sequence sequence, List<Integer> ours) throws Exception {
        int theirPort = freePort();
        try (Haproxy h = haproxy(origin, theirPort, name, frontend, sections)) {
            assertEquals(ours, sequence.run(theirPort), "HAProxy 2.6 answers the same sequence alike");
        }
    }

    private static final String[] RATE_LIMIT = {
        "stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,conn_rate(10s)",
        "http-request track-sc0 src",
        "http-request deny deny_status 429 if { sc_http_req_rate(0) gt 20 }",
    };

    /** The 21st request of a client in the window gets 429, and every one after; another address is not limited. */
    private static List<Integer> rateLimitSequence(int port) throws IOException {
        List<Integer> seen = new ArrayList<>(statuses(port, FIRST, "/a", 25));
        seen.addAll(statuses(port, SECOND, "/b", 3));
        seen.add(status(port, FIRST, "/c"));
        return seen;
    }

    @Test
    void requestsOverTheRateGet429AndAnotherClientIsNotLimited() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(2, 64, 2).frontend("http-request use-service prometheus-exporter if { path /metrics }")
                .frontend(RATE_LIMIT));
        List<Integer> ours = rateLimitSequence(port());
        List<Integer> expected = new ArrayList<>(Collections.nCopies(20, 200));
        expected.addAll(Collections.nCopies(5, 429));
        expected.addAll(List.of(200, 200, 200, 429));
        assertEquals(expected, ours);
        assertEquals(20 + 3, origin.requestCount(), "denied requests never reach the origin");
        assertEquals(2, counter("stick_table_entries"));
        assertEquals(StickTable.bytesFor(StickTable.Type.IP, 0, 102_400, Set.of(StickData.HTTP_REQ_RATE,
                StickData.CONN_CUR, StickData.CONN_RATE)), counter("stick_table_bytes"));
        HttpWire.Response metrics = wire().exchange(get("/metrics"));
        String text = new String(metrics.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("sluice_stick_table_entries{table=\"front\"} 2"), text);
        assertTrue(text.contains("sluice_stick_table_size{table=\"front\"} 102400"), text);
        sameInHaproxy(origin, "rate", RATE_LIMIT, "", StickTableEndToEndTest::rateLimitSequence, ours);
    }

    private static final String[] SHORT_PERIOD = {
        "stick-table type ip size 1k expire 10s store http_req_rate(1s)",
        "http-request track-sc0 src",
        "http-request deny deny_status 429 if { sc_http_req_rate(0) gt 3 }",
    };

    /** Six requests at once (the last three over the rate), then, two periods later, the limit is lifted. */
    private static List<Integer> liftSequence(int port) throws Exception {
        List<Integer> seen = new ArrayList<>(statuses(port, FIRST, "/a", 6));
        Thread.sleep(2_200);
        seen.addAll(statuses(port, FIRST, "/a", 2));
        return seen;
    }

    @Test
    void theLimitLiftsAfterThePeriod() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(SHORT_PERIOD));
        List<Integer> ours = liftSequence(port());
        assertEquals(List.of(200, 200, 200, 429, 429, 429, 200, 200), ours);
        sameInHaproxy(origin, "lift", SHORT_PERIOD, "", StickTableEndToEndTest::liftSequence, ours);
    }

    private static final String[] CONN_LIMIT = {
        "stick-table type ip size 100k expire 30s store conn_cur",
        "tcp-request connection track-sc0 src",
        "tcp-request connection reject if { sc_conn_cur(0) gt 10 }",
    };

    /**
     * Ten connections held open from one address: the eleventh is refused
     * unanswered, while another address gets through; once one of the ten
     * closes, a new one gets through. Returns the statuses: the ten, the
     * eleventh, the other address's.
     */
    private List<Integer> connectionSequence(int port, boolean ours) throws Exception {
        List<HttpWire> held = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                HttpWire w = new HttpWire(FIRST, port, 10_000);
                held.add(w);
                seen.add(w.exchange(get("/held")).status());
            }
            seen.add(status(port, FIRST, "/eleventh"));
            seen.add(status(port, SECOND, "/other"));
            if (ours) {
                awaitTrue(() -> sluice.openSessions() == 10, () -> "not the ten held alone: " + sluice.openSessions());
            }
            held.remove(0).close();
            if (ours) {
                awaitTrue(() -> sluice.openSessions() == 9, () -> "the closed connection's session did not end");
            } else {
                Thread.sleep(300);
            }
            seen.add(status(port, FIRST, "/again"));
        } finally {
            for (HttpWire w : held) {
                w.close();
            }
        }
        return seen;
    }

    @Test
    void connCurRejectsTheEleventhConcurrentConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(2, 64, 2).frontend(CONN_LIMIT));
        List<Integer> ours = connectionSequence(port(), true);
        List<Integer> expected = new ArrayList<>(Collections.nCopies(10, 200));
        expected.addAll(List.of(-1, 200, 200));
        assertEquals(expected, ours);
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions still open");
        awaitCounter("sessions_ended_rejected", 1);
        sameInHaproxy(origin, "conn", CONN_LIMIT, "", port -> connectionSequence(port, false), ours);
    }

    private static final String[] ERRORS = {
        "stick-table type ip size 1k expire 30s store http_err_cnt,http_req_cnt",
        "tcp-request connection track-sc1 src",
        "http-request deny deny_status 410 if { src 127.0.0.2 } { sc1_http_req_cnt ge 4 }",
        "http-request deny deny_status 429 if { sc1_http_err_cnt ge 2 }",
        "http-request deny deny_status 403 if { path /bad }",
    };

    /**
     * A 4xx Sluice answers counts as an error of the client's; each request
     * of a connection a tcp-request rule tracks counts, keep-alive or not.
     */
    private static List<Integer> errorSequence(int port) throws IOException {
        List<Integer> seen = new ArrayList<>(statuses(port, THIRD, "/ok", 2));
        seen.addAll(statuses(port, THIRD, "/bad", 2));
        seen.addAll(statuses(port, THIRD, "/ok", 2));
        try (HttpWire keepAlive = new HttpWire(SECOND, port, 10_000)) {
            for (int i = 0; i < 3; i++) {
                seen.add(keepAlive.exchange(get("/ok")).status());
            }
        }
        seen.add(status(port, SECOND, "/ok"));
        return seen;
    }

    @Test
    void clientErrorsAndEveryRequestOfATrackedConnectionCount() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(ERRORS));
        List<Integer> ours = errorSequence(port());
        assertEquals(List.of(200, 200, 403, 403, 429, 429, 200, 200, 200, 410), ours);
        assertEquals(5, origin.requestCount());
        sameInHaproxy(origin, "errors", ERRORS, "", StickTableEndToEndTest::errorSequence, ours);
    }

    @Test
    void connCurLimitsAModeTcpFrontendToo() throws Exception {
        HttpTestOrigin origin = origin();
        List<String> lines = new ArrayList<>(List.of("mode tcp"));
        lines.addAll(List.of(CONN_LIMIT));
        start(cfg(origin).frontend(lines.toArray(String[]::new)).backend("mode tcp"));
        List<Integer> expected = new ArrayList<>(Collections.nCopies(10, 200));
        expected.addAll(List.of(-1, 200, 200));
        assertEquals(expected, connectionSequence(port(), true));
    }

    private static final String[] KEYED = {
        "http-request track-sc2 req.hdr(x-api-key) table keys",
        "http-request deny deny_status 429 if { sc2_http_req_rate gt 2 }",
    };

    private static String keyed(String key) {
        return "GET /k HTTP/1.1\r\nHost: test\r\nX-Api-Key: other, " + key + "\r\n\r\n";
    }

    /** Three requests of each of two keys, alternating, and two without the header: only each key's third is denied. */
    private static List<Integer> keyedSequence(int port) throws IOException {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String key : List.of("alpha", "beta")) {
                try (HttpWire w = new HttpWire(FIRST, port, 10_000)) {
                    seen.add(w.exchange(keyed(key)).status());
                }
            }
        }
        seen.addAll(statuses(port, FIRST, "/none", 2));
        return seen;
    }

    @Test
    void aStringTableLimitsPerHeaderValue() throws Exception {
        HttpTestOrigin origin = origin();
        String table = "backend keys\n    stick-table type string len 16 size 100 expire 30s store http_req_rate(10s)";
        start(cfg(origin).frontend(KEYED).more(table.split("\n")));
        List<Integer> ours = keyedSequence(port());
        assertEquals(List.of(200, 200, 200, 200, 429, 429, 200, 200), ours);
        sameInHaproxy(origin, "keyed", KEYED, table, StickTableEndToEndTest::keyedSequence, ours);
    }
}
