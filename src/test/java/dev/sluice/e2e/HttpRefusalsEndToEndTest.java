package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests Sluice refuses (the table in {@code dev.sluice.http}'s package
 * documentation) get a complete error response with {@code Connection: close},
 * counted per status; the connection then ends, and a request pipelined after
 * the refused one never reaches the server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRefusalsEndToEndTest extends HttpEndToEnd {
    private static final String H = "Host: t\r\n";

    static Stream<Arguments> refusals() {
        return Stream.of(
                row("Content-Length with Transfer-Encoding", 400,
                        "POST /echo HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                row("two different Content-Length lines", 400,
                        "POST /echo HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                row("a Content-Length list that differs", 400,
                        "POST /echo HTTP/1.1\r\n" + H + "Content-Length: 5, 6\r\n\r\nhello!"),
                row("a signed Content-Length", 400, "POST /echo HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
                row("a hexadecimal Content-Length", 400, "POST /echo HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello"),
                row("a final coding other than chunked", 400,
                        "POST /echo HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\nxx"),
                row("chunked followed by another coding", 400,
                        "POST /echo HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                row("a coding before chunked", 501,
                        "POST /echo HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                row("Transfer-Encoding in HTTP/1.0", 400,
                        "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                row("obs-fold", 400, "GET /size/1 HTTP/1.1\r\n" + H + "X-A: b\r\n c\r\n\r\n"),
                row("whitespace before a colon", 400, "GET /size/1 HTTP/1.1\r\nHost : t\r\n\r\n"),
                row("a control character in a value", 400, "GET /size/1 HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n"),
                row("a NUL in a value", 400, "GET /size/1 HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n"),
                row("a bare LF", 400, "GET /size/1 HTTP/1.1\n" + H + "\r\n"),
                row("a header section larger than the limit", 431,
                        "GET /size/1 HTTP/1.1\r\n" + H + "X-Big: " + "b".repeat(16_000) + "\r\n\r\n"),
                row("more fields than tune.http.maxhdr", 431,
                        "GET /size/1 HTTP/1.1\r\n" + H + "X-A: 1\r\n".repeat(101) + "\r\n"),
                row("a request line longer than the limit", 414,
                        "GET /" + "a".repeat(16_000) + " HTTP/1.1\r\n" + H + "\r\n"),
                row("HTTP/1.1 without Host", 400, "GET /size/1 HTTP/1.1\r\n\r\n"),
                row("two Host lines", 400, "GET /size/1 HTTP/1.1\r\n" + H + H + "\r\n"),
                row("a method that is not a token", 400, "G(ET /size/1 HTTP/1.1\r\n" + H + "\r\n"),
                row("two spaces in the request line", 400, "GET  /size/1 HTTP/1.1\r\n" + H + "\r\n"),
                row("a target with a non-ASCII byte", 400, "GET /\u00e9 HTTP/1.1\r\n" + H + "\r\n"),
                row("a malformed version", 400, "GET /size/1 http/1.1\r\n" + H + "\r\n"),
                row("HTTP/2.0", 505, "GET /size/1 HTTP/2.0\r\n" + H + "\r\n"),
                row("CONNECT", 501, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
    }

    private static Arguments row(String what, int status, String request) {
        return Arguments.of(what, status, request);
    }

    @ParameterizedTest(name = "{0} gets {1}")
    @MethodSource("refusals")
    void aRefusedRequestGetsACompleteErrorAndNothingAfterItReachesTheServer(String what, int status, String request)
            throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send(request + get("/size/9"));
        HttpWire.Response r = w.read();
        assertEquals(status, r.status(), what + ": " + r.head());
        assertTrue(r.closes(), "an error ends the connection and must say so: " + r.head());
        assertTrue(r.text().contains(String.valueOf(status)), r.text());
        assertTrue(w.closedByPeer(), "the connection stayed open, or more bytes came, after a " + status);
        awaitCounter("http_replies_" + status, 1);
        awaitCounter("sessions_ended_bad_request", 1);
        assertEquals(0, origin.heads(), what + ": a refused request reached the server");
    }

    /**
     * Connection may name hop-by-hop fields, but the fields that frame the
     * message or name its target are never hop-by-hop: removing Content-Length
     * or Transfer-Encoding while forwarding the body would let the body be read
     * by the server as a request of its own.
     */
    @Test
    void connectionNamingAFramingFieldNeverSmugglesTheBodyAsARequest() throws Exception {
        for (String nominated : new String[] {"content-length", "transfer-encoding", "host"}) {
            try (HttpTestOrigin origin = new HttpTestOrigin()) {
                start(cfg(origin));
                String smuggled = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
                String request = nominated.equals("transfer-encoding")
                        ? "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: " + nominated + "\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n"
                        : "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: " + nominated + "\r\n"
                                + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled;
                try (HttpWire w = new HttpWire(port())) {
                    w.send(request);
                    HttpWire.Response r = w.read("POST");
                    assertEquals(200, r.status(), nominated + ": " + r.head());
                    assertEquals(smuggled, r.text(), nominated + ": the body did not come back as a body");
                }
                assertNoSessionAndEveryBufferBack();
                for (HttpTestOrigin.Request seen : origin.requests()) {
                    assertTrue(!seen.target().equals("/smuggled"), "Connection: " + nominated
                            + " smuggled the body to the server as a request:\n" + seen.head());
                }
                sluice.close();
                sluice = null;
            }
        }
    }

    @Test
    void aMalformedChunkSizeEndsTheRequestWith400AfterItsHeadWentToTheServer() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("POST /echo HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" + get("/size/9"));
        HttpWire.Response r = w.read();
        assertEquals(400, r.status(), r.head());
        assertTrue(r.closes(), r.head());
        assertTrue(w.closedByPeer());
        awaitCounter("http_rejected_bad_chunk_size", 1);
        awaitCounter("http_replies_400", 1);
        assertEquals(0, origin.requestCount(), "the refused body or the request after it reached the server");
    }

    @Test
    void chunkDataNotFollowedByCrlfEndsTheRequestWith400() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("POST /echo HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXY\r\n0\r\n\r\n" + get("/size/9"));
        HttpWire.Response r = w.read();
        assertEquals(400, r.status(), r.head());
        assertTrue(w.closedByPeer());
        awaitCounter("http_rejected_bad_chunk_framing", 1);
        assertEquals(0, origin.requestCount());
    }

    @Test
    void aRefusalAfterGoodRequestsOnTheSameConnectionStillAnswersThemFirst() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send(get("/size/5") + get("/size/6") + "GET /x HTTP/1.1\r\nHost : t\r\n\r\n" + get("/size/7"));
        assertEquals(200, w.read().status());
        assertEquals(200, w.read().status());
        HttpWire.Response refused = w.read();
        assertEquals(400, refused.status());
        assertTrue(w.closedByPeer());
        awaitCounter("http_rejected_whitespace_before_colon", 1);
        assertEquals(2, origin.requestCount(), "the request after the refused one reached the server");
    }

    /**
     * RFC 9112 section 9.6: closing with unread request bytes makes the client's
     * TCP stack discard the response that was sent. The client still sending a
     * huge head must nevertheless read its 431.
     */
    @Test
    void aClientStillSendingAnOversizedHeadReadsIts431() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        for (int attempt = 0; attempt < 5; attempt++) {
            HttpWire w = wire();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    w.send("GET /size/1 HTTP/1.1\r\n" + H);
                    for (int i = 0; i < 64; i++) {
                        w.send("X-Filler-" + i + ": " + "f".repeat(4000) + "\r\n");
                    }
                } catch (java.io.IOException e) {
                    // Sluice closed the connection: expected once the head is refused.
                }
            });
            HttpWire.Response r = w.read();
            assertEquals(431, r.status(), r.head());
            writer.join(10_000);
            w.close();
        }
        awaitCounter("http_replies_431", 5);
        assertEquals(0, origin.heads());
    }

    @Test
    void aClientThatClosesInTheMiddleOfAHeadIsAnsweredWith400() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("GET /size/1 HTTP/1.1\r\nHost: t\r\nX-Half: ");
        w.socket().shutdownOutput();
        HttpWire.Response r = w.read();
        assertEquals(400, r.status());
        assertTrue(w.closedByPeer());
        assertEquals(0, origin.heads());
    }
}
