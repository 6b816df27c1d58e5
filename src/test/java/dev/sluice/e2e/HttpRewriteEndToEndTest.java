package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules that rewrite the request line, as the server receives it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRewriteEndToEndTest extends HttpEndToEnd {
    @Test
    void startLineRulesRewriteWhatTheServerReceivesAndLaterConditionsSeeIt() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin)
                .frontend("http-request set-path /v2/items if { path /items }",
                        "http-request set-query page=1 if { path_beg /v2/ }",
                        "http-request set-uri /whole?x=%%41 if { path /all }",
                        "http-request set-method PUT if { path /m }")
                .backend("http-request set-query \"\" if { path /empty }"));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET /items?old=1 HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(200, w.exchange("GET /all?y HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(200, w.exchange("GET /m HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(200, w.exchange("GET /empty?a=b HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(200, w.exchange("GET http://t/items HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(5, origin.requestCount());
        // set-path kept the query, and set-query saw the new path.
        assertEquals("/v2/items?page=1", origin.requests().get(0).target());
        assertEquals("/whole?x=%41", origin.requests().get(1).target());
        assertEquals("PUT", origin.requests().get(2).method());
        assertEquals("/m", origin.requests().get(2).target());
        assertEquals("/empty?", origin.requests().get(3).target(), "an empty query keeps its question mark");
        assertEquals("http://t/v2/items?page=1", origin.requests().get(4).target(),
                "the authority of an absolute-form target stays");
        assertEquals("t", origin.requests().get(4).header("host"));
    }

    /** A rewrite that does not fit in the room tune.maxrewrite keeps gets the client 500, counted. */
    @Test
    void aRewrittenLineThatNoLongerFitsGets500() throws Exception {
        HttpTestOrigin origin = origin();
        String big = "/" + "p".repeat(700);
        start(cfg(origin).global("tune.bufsize 4096", "tune.maxrewrite 512")
                .frontend("http-request set-path " + big + " if { path /grow }"));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET /grow HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(big, origin.requests().get(0).target());
        HttpWire w2 = wire();
        HttpWire.Response noRoom = w2.exchange("GET /grow HTTP/1.1\r\nHost: t\r\nX-Filler: "
                + "f".repeat(3400) + "\r\n\r\n");
        assertEquals(500, noRoom.status(), noRoom.head());
        assertTrue(w2.closedByPeer());
        assertEquals(1, origin.requestCount());
    }
}
