package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replace-* rules, as the server receives the request and the client the
 * response; the same rules run through a real HAProxy 2.6 must give the same.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpReplaceEndToEndTest extends HttpEndToEnd {
    private static final String[] RULES = {
        "http-request replace-path ^/old(/.*)$ /new\\1",
        "http-request replace-uri ^/u/(.*)$ /uri/\\1",
        "http-request replace-pathq ^/pq\\?(.*)$ /pathq?was=\\1",
        "http-request replace-header X-A a(b+) z\\1",
        "http-request replace-value X-B ^a(b+)$ z\\1 if { path_beg /new }",
        "http-response replace-header Content-Type ^text/(.*)$ application/\\1",
        "http-response replace-value X-Origin ^y(.*)$ n\\1",
    };

    private static final String[] REQUESTS = {
        "GET /old/x?q=/old/y HTTP/1.1\r\nHost: t\r\nX-A: xabby\r\nX-B: abb, ab ,c\r\n\r\n",
        "GET /u/v?w HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /pq?a=1 HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /oldx HTTP/1.1\r\nHost: t\r\nX-A: q\r\nX-B: abb\r\n\r\n",
        "GET /headers HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /status/204 HTTP/1.1\r\nHost: t\r\n\r\n",
    };

    @TempDir
    Path dir;

    /** What the origin received and the client got for each of {@link #REQUESTS}, through the proxy at port. */
    private static List<String> run(HttpTestOrigin origin, int port) throws Exception {
        int before = origin.requestCount();
        List<String> seen = new ArrayList<>();
        try (HttpWire w = new HttpWire(port)) {
            for (String request : REQUESTS) {
                HttpWire.Response r = w.exchange(request);
                seen.add("client: " + r.status() + " content-type=" + r.header("content-type") + " x-origin="
                        + r.header("x-origin"));
            }
        }
        for (HttpTestOrigin.Request r : origin.requests().subList(before, origin.requestCount())) {
            seen.add("origin: " + r.target() + " x-a=" + r.headers("x-a") + " x-b=" + r.headers("x-b"));
        }
        return seen;
    }

    @Test
    void replaceRulesRewriteTheRequestAndTheResponseAsHaproxyDoes() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(RULES));
        List<String> sluice = run(origin, port());
        assertEquals(List.of(
                "client: 200 content-type=null x-origin=null",
                "client: 200 content-type=null x-origin=null",
                "client: 200 content-type=null x-origin=null",
                "client: 200 content-type=null x-origin=null",
                "client: 200 content-type=application/plain x-origin=null",
                "client: 204 content-type=null x-origin=nes",
                "origin: /new/x?q=/old/y x-a=[zbb] x-b=[zbb,zb,c]",
                "origin: /uri/v?w x-a=[] x-b=[]",
                "origin: /pathq?was=a=1 x-a=[] x-b=[]",
                "origin: /oldx x-a=[q] x-b=[abb]",
                "origin: /headers x-a=[] x-b=[]",
                "origin: /status/204 x-a=[] x-b=[]"), sluice);

        int port = FreePorts.next();
        String config = String.join("\n", "defaults", "  mode http", "  timeout client 10s", "  timeout server 10s",
                "  timeout connect 5s", "frontend f", "  bind 127.0.0.1:" + port, "  " + String.join("\n  ", RULES),
                "  default_backend b", "backend b", "  server s 127.0.0.1:" + origin.port(), "");
        try (Haproxy haproxy = new Haproxy(dir.resolve("haproxy"), config, port)) {
            assertEquals(sluice, run(origin, port), "the same rules through HAProxy 2.6");
            assertTrue(haproxy.pid() > 0);
        }
    }

    /** A replacement that does not fit the room tune.maxrewrite keeps gets the client 500, as set-header's does. */
    @Test
    void aReplacedValueThatNoLongerFitsGets500() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).global("tune.bufsize 4096", "tune.maxrewrite 512")
                .frontend("http-request replace-header X-Grow ^(.*)$ \\1\\1\\1\\1"));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Grow: " + "g".repeat(100) + "\r\n\r\n")
                .status());
        assertEquals(List.of("g".repeat(400)), origin.requests().get(0).headers("x-grow"));
        HttpWire w2 = wire();
        HttpWire.Response noRoom = w2.exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Grow: " + "g".repeat(1500)
                + "\r\n\r\n");
        assertEquals(500, noRoom.status(), noRoom.head());
        assertTrue(w2.closedByPeer());
        assertEquals(1, origin.requestCount());
    }
}
