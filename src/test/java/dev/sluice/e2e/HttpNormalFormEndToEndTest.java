package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fields and framing that decide what a message means reach the next hop
 * in the one form every recipient reads alike, so that Sluice, its rules and
 * the origin never disagree: the Host of an absolute-form target is its
 * authority, a Content-Length list is one number, a request's chunk-size
 * lines are canonical. And a slow origin cannot hold a request past
 * {@code timeout server} by trickling its response head.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpNormalFormEndToEndTest extends HttpEndToEnd {
    /**
     * RFC 9112 section 3.2.2: the authority of an absolute-form target wins over
     * Host. A rule on {@code hdr(host)} must see the host the origin will serve.
     */
    @Test
    void aHostRuleSeesTheAuthorityOfAnAbsoluteFormTargetNotTheHostField() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("http-request deny deny_status 403 if { hdr(host) -i secret.example }"));
        HttpWire w = wire();
        HttpWire.Response denied = w.exchange("GET http://secret.example/ HTTP/1.1\r\nHost: public.example\r\n\r\n");
        assertEquals(403, denied.status(), denied.head());
        assertTrue(origin.requests().isEmpty(), "the request reached the origin: " + origin.requests());
    }

    @Test
    void theOriginGetsTheAuthorityAsHostWhetherTheFieldDifferedOrWasMissing() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET http://public.example:8080/a HTTP/1.1\r\nHost: other.example\r\n\r\n")
                .status());
        assertEquals(200, w.exchange("GET http://Public.Example/b HTTP/1.1\r\nHost: public.example\r\n\r\n")
                .status());
        HttpWire w10 = wire();
        assertEquals(200, w10.exchange("GET http://ten.example/c HTTP/1.0\r\n\r\n").status());
        List<HttpTestOrigin.Request> seen = List.copyOf(origin.requests());
        assertEquals(List.of("public.example:8080"), seen.get(0).headers("host"));
        // A Host equal to the authority but for case is left as the client wrote it.
        assertEquals(List.of("public.example"), seen.get(1).headers("host"));
        assertEquals(List.of("ten.example"), seen.get(2).headers("host"));
    }

    @Test
    void anAbsoluteFormTargetWithUserInfoOrNoHostIsRefused() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        assertEquals(400, wire().exchange("GET http://user@public.example/ HTTP/1.1\r\nHost: public.example\r\n\r\n")
                .status());
        assertEquals(400, wire().exchange("GET http:///x HTTP/1.1\r\nHost: public.example\r\n\r\n").status());
        assertTrue(origin.requests().isEmpty());
    }

    @Test
    void aContentLengthListReachesTheOriginAsOneNumber() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n"
                + "X-A: b\r\nContent-Length: 005\r\n\r\nhello");
        assertEquals(200, r.status());
        assertEquals("hello", r.text());
        HttpTestOrigin.Request seen = origin.requests().get(0);
        assertEquals(List.of("5"), seen.headers("content-length"), seen.head());
        assertEquals(List.of("b"), seen.headers("x-a"));
    }

    @Test
    void aContentLengthListReachesTheClientAsOneNumber() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("listed", "HTTP/1.1 200 OK\r\nContent-Length: 6,6\r\nContent-Length: 6\r\n\r\nlisted");
        start(cfg(origin));
        HttpWire.Response r = wire().exchange(get("/raw/listed"));
        assertEquals(List.of("6"), r.headers("content-length"), r.head());
        assertEquals("listed", r.text());
    }

    /**
     * Chunk-size lines an origin could read differently from Sluice (an
     * unclosed quote in an extension, leading zeros, whitespace before the
     * extension) reach it canonical: the size in hex, CRLF. The body is the same.
     */
    @Test
    void aRequestsChunkSizeLinesReachTheOriginCanonical() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;a=\"x\r\nhello\r\n0005\r\nworld\r\n1 ;x=y\r\n!\r\nA\r\n0123456789\r\n000;end\r\nX-T: t\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("helloworld!0123456789", r.text());
        assertEquals(List.of("5", "5", "1", "a", "0"), origin.chunkSizeLines());
    }

    @Test
    void chunkSizeLinesSplitAcrossReadsStillReachTheOriginCanonical() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        String request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0003;long-extension=value\r\nabc\r\n02\r\nde\r\n0\r\n\r\n";
        for (byte b : request.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
            w.send(new byte[] {b});
        }
        HttpWire.Response r = w.read("POST");
        assertEquals("abcde", r.text());
        assertEquals(List.of("3", "2", "0"), origin.chunkSizeLines());
    }

    /**
     * An origin that sends its response head one byte at a time must not hold
     * the request past timeout server, counted from the request's being sent:
     * the client gets 504 when it runs out.
     */
    @Test
    void anOriginTricklingItsHeadGets504WithinTimeoutServer() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("slow-head", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Padding: " + "p".repeat(40) + "\r\n\r\nok");
        start(cfg(origin).backend("timeout server 1s"));
        HttpWire w = new HttpWire(port(), 20_000);
        clients.add(w);
        long started = System.nanoTime();
        HttpWire.Response r = w.exchange(get("/trickle/100/slow-head"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(504, r.status(), r.head());
        // The trickle alone would take over 7 s; each byte restarting the timer would let it.
        assertTrue(millis >= 900 && millis < 3_000, "504 after " + millis + " ms");
    }
}
