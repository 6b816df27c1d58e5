package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When the server side fails, the client gets Sluice's own complete answer
 * while no byte of the response has gone out yet: 502 for a response Sluice
 * refuses or never gets, 503 when no server can take the request, 504 when the
 * server stays silent past {@code timeout server}. Once a response has started,
 * only a cut can tell the client.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpServerFailuresEndToEndTest extends HttpEndToEnd {

    static Stream<Arguments> badResponses() {
        return Stream.of(
                Arguments.of("Content-Length with Transfer-Encoding",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("two different Content-Length lines",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("an invalid Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
                Arguments.of("a final coding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx"),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("whitespace before a colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok"),
                Arguments.of("a control character in a value", "HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("a four-digit status", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("a status below 100", "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("a garbage status line", "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("a bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
                Arguments.of("101 Switching Protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"),
                Arguments.of("a head larger than the limit",
                        "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(20_000) + "\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("more fields than tune.http.maxhdr",
                        "HTTP/1.1 200 OK\r\n" + "X-A: 1\r\n".repeat(101) + "Content-Length: 0\r\n\r\n"),
                Arguments.of("a head cut by the close", "HTTP/1.1 200 OK\r\nContent-Le"),
                Arguments.of("nothing at all", ""));
    }

    @ParameterizedTest(name = "{0} gets 502")
    @MethodSource("badResponses")
    void aResponseSluiceRefusesOrNeverGetsBecomesAComplete502(String what, String response) throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("bad", response);
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/raw/bad"));
        assertEquals(502, r.status(), what + ": " + r.head());
        assertTrue(r.closes(), r.head());
        assertTrue(r.text().contains("502 Bad Gateway"), r.text());
        assertTrue(w.closedByPeer());
        awaitCounter("http_replies_502", 1);
        awaitCounter("sessions_ended_bad_response", 1);
    }

    /** A port nothing listens on: connecting to it is refused at once. */
    private static int deadPort() throws IOException {
        return FreePorts.next();
    }

    @Test
    void aServerThatResetsTheConnectionGets502() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/reset"));
        assertEquals(502, r.status(), r.head());
        assertTrue(w.closedByPeer());
        awaitCounter("http_replies_502", 1);
    }

    @Test
    void aServerThatClosesInTheMiddleOfTheBodyCutsTheClient() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        IOException cut = assertThrows(IOException.class, () -> w.exchange(get("/cut/100000")));
        assertTrue(cut.getMessage() == null || !cut.getMessage().contains("malformed"), cut.toString());
        awaitCounter("sessions_ended_server_abort", 1);
        assertEquals(0, counter("http_replies_502"), "a reply cannot follow a started response");
    }

    @Test
    void aMalformedChunkedResponseBodyCutsTheClientAfterTheHead() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
        start(cfg(origin));
        HttpWire w = wire();
        assertThrows(IOException.class, () -> w.exchange(get("/raw/chunks")));
        awaitCounter("http_rejected_bad_chunk_size", 1);
        awaitCounter("sessions_ended_bad_response", 1);
    }

    @Test
    void aDeadServerPortGets503AndCountsAConnectError() throws Exception {
        start(new Cfg(deadPort()).backend("retries 0"));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/size/1"));
        assertEquals(503, r.status(), r.head());
        assertTrue(r.closes(), r.head());
        assertTrue(w.closedByPeer());
        awaitCounter("http_replies_503", 1);
        awaitCounter("sessions_ended_connect_error", 1);
        assertEquals(1, counter("server_app_s1_connect_errors"));
        assertEquals(0, counter("connect_retries"));
    }

    @Test
    void aDeadServerPortIsTriedAgainAsTheDefaultThreeRetriesSayBefore503() throws Exception {
        // The default is retries 3 on conn-failure; a refused connection waits min(timeout connect, 1s).
        start(new Cfg(deadPort()).backend("timeout connect 100ms"));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/size/1"));
        assertEquals(503, r.status(), r.head());
        awaitCounter("sessions_ended_connect_error", 1);
        assertEquals(4, counter("server_app_s1_connect_errors"), "the first attempt and three retries");
        assertEquals(3, counter("connect_retries"));
        assertEquals(0, counter("connect_redispatches"), "one server: nowhere else to go");
    }

    @Test
    void anErrorAnsweringAHeadRequestCarriesNoBody() throws Exception {
        start(new Cfg(deadPort()));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("HEAD /size/1 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(503, r.status(), r.head());
        assertTrue(r.closes());
        assertTrue(w.closedByPeer(), "a body followed the answer to HEAD");
    }

    @Test
    void aServerSilentPastTimeoutServerGets504() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("timeout server 300ms"));
        HttpWire w = wire();
        long t0 = System.nanoTime();
        HttpWire.Response r = w.exchange(get("/slow/3000"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.status(), r.head());
        assertTrue(ms >= 250 && ms < 2500, "504 after " + ms + " ms");
        assertTrue(r.closes());
        assertTrue(w.closedByPeer());
        awaitCounter("http_replies_504", 1);
        awaitCounter("sessions_ended_server_timeout", 1);
    }

    @Test
    void aServerSlowerThanTimeoutClientIsNotTheClientsSilence() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout client 300ms"));
        HttpWire w = wire();
        assertEquals("slow", w.exchange(get("/slow/900")).text());
        assertEquals("slow", w.exchange(get("/slow/900")).text());
        assertArrayEquals(TestOrigin.pattern(300_000, 300_000), w.exchange(get("/size/300000")).body());
        assertEquals(0, counter("sessions_ended_client_timeout"));
    }

    @Test
    void aRequestQueuedPastTimeoutQueueGets503() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("maxconn 1").backend("timeout queue 300ms"));
        HttpWire holder = wire();
        holder.send(get("/slow/1500"));
        awaitTrue(() -> origin.requestCount() == 1, () -> "the first request never reached the server");
        HttpWire w = wire();
        long t0 = System.nanoTime();
        HttpWire.Response r = w.exchange(get("/size/1"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, r.status(), r.head());
        assertTrue(ms >= 250, "503 after " + ms + " ms, before the queue timeout");
        assertTrue(w.closedByPeer());
        awaitCounter("sessions_ended_queue_timeout", 1);
        assertEquals("slow", holder.read().text());
        assertEquals(1, origin.requestCount(), "the queued request reached the server after its 503");
    }

    @Test
    void aFullServerQueueGets503AtOnce() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("maxconn 1 maxqueue 1"));
        HttpWire holder = wire();
        holder.send(get("/slow/1000"));
        awaitTrue(() -> origin.requestCount() == 1, () -> "the first request never reached the server");
        HttpWire queued = wire();
        queued.send(get("/size/2"));
        awaitTrue(() -> counter("backend_app_queued_current") == 1, () -> "the second request was not queued");
        HttpWire refused = wire();
        HttpWire.Response r = refused.exchange(get("/size/3"));
        assertEquals(503, r.status());
        awaitCounter("sessions_ended_queue_full", 1);
        assertEquals("slow", holder.read().text());
        assertEquals(2, queued.read().body().length);
    }
}
