package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redirect} and {@code http-request redirect} as a client sees them:
 * the exact reply on a raw socket, the order they run in, keep-alive and
 * pipelining after a redirect, and curl following one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRedirectEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    @Test
    void eachKindOfRedirectAnswersWithoutAServerAndKeepsTheConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(
                "redirect scheme https code 301 if { path_beg /secure/ }",
                "redirect code 301 prefix / drop-query append-slash if { path_reg ^/article/[^/]*$ }",
                "redirect prefix http://new.test code 308 if { hdr(host) -i old.test }",
                "redirect location /login keep-query code 303 set-cookie SEEN=1 if { path /signin }"));
        HttpWire w = wire();
        HttpWire.Response secure = w.exchange("GET /secure/page?a=1 HTTP/1.1\r\nHost: www.test:8080\r\n\r\n");
        assertEquals("HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\n"
                + "location: https://www.test:8080/secure/page?a=1\r\n\r\n", secure.head());
        HttpWire.Response article = w.exchange(get("/article/x?utm=1"));
        assertEquals(301, article.status());
        assertEquals("/article/x/", article.header("location"));
        HttpWire.Response moved = w.exchange("POST /form?q HTTP/1.1\r\nHost: OLD.test\r\nContent-Length: 0\r\n\r\n");
        assertEquals(308, moved.status());
        assertEquals("http://new.test/form?q", moved.header("location"));
        assertNull(moved.header("cache-control"), "a permanent redirect may be cached");
        HttpWire.Response login = w.exchange(get("/signin?next=%2Fhome"));
        assertEquals("HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: /login?next=%2Fhome\r\n"
                + "cache-control: no-cache\r\nset-cookie: SEEN=1; path=/;\r\n\r\n", login.head());
        // The article's own path with its slash is not redirected again.
        assertEquals(200, w.exchange(get("/article/x/")).status());
        assertEquals(1, origin.requestCount(), "a redirected request reached the server");
        assertEquals(2, counter("http_replies_301"));
    }

    @Test
    void aRedirectLineRunsAfterTheHttpRequestRulesAndHttpRequestRedirectInTheirOrder() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(
                "redirect location /late if { path_beg /both }",
                "http-request return status 200 content-type text/plain string first if { path /both/return }",
                "http-request redirect location /early if { path /both/early }",
                "http-request return status 200 content-type text/plain string second if { path /both/early }",
                "http-request redirect location /unless-get unless METH_GET")
                .backend("redirect location /from-backend if { path /b }"));
        HttpWire w = wire();
        assertEquals("first", w.exchange(get("/both/return")).text());
        assertEquals("/early", w.exchange(get("/both/early")).header("location"));
        assertEquals("/late", w.exchange(get("/both/other")).header("location"));
        assertEquals("/unless-get", w.exchange("DELETE /x HTTP/1.1\r\nHost: t\r\n\r\n").header("location"));
        assertEquals("/from-backend", w.exchange(get("/b")).header("location"));
        assertEquals(200, w.exchange(get("/size/2")).status());
        assertEquals(1, origin.requestCount());
    }

    @Test
    void pipelinedRequestsAfterARedirectAreServedInOrder() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("redirect prefix https://x.test if { path_beg /r }"));
        HttpWire w = wire();
        w.send(get("/r1") + get("/size/3") + get("/r2?b") + get("/size/1"));
        assertEquals("https://x.test/r1", w.read().header("location"));
        assertEquals(3, w.read().body().length);
        assertEquals("https://x.test/r2?b", w.read().header("location"));
        HttpWire.Response last = w.read();
        assertEquals(200, last.status());
        assertFalse(last.closes());
        assertEquals(2, origin.requestCount());
    }

    @Test
    void aRedirectedRequestWithABodyClosesTheConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("redirect location /elsewhere"));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(302, r.status());
        assertEquals("/elsewhere", r.header("location"));
        assertTrue(r.closes(), r.head());
        assertTrue(w.closedByPeer());
        assertEquals(0, origin.heads());
    }

    @Test
    void aLocationLargerThanABufferGets500() throws Exception {
        HttpTestOrigin origin = origin();
        String prefix = "https://" + "p".repeat(1500) + ".test";
        start(cfg(origin).global("tune.bufsize 4096", "tune.maxrewrite 1024")
                .frontend("redirect prefix " + prefix));
        HttpWire w = wire();
        assertEquals(prefix + "/short", w.exchange(get("/short")).header("location"));
        HttpWire.Response big = w.exchange(get("/" + "a".repeat(2700)));
        assertEquals(500, big.status());
        assertTrue(w.closedByPeer());
    }

    @Test
    void curlFollowsARedirectToTheServer() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("redirect location /size/5 code 307 if { path /old }"));
        CurlResult r = curl(dir, "-L", "-w", "\n%{num_redirects} %{http_code}",
                "http://127.0.0.1:" + port() + "/old");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.text().split("\n");
        assertEquals("1 200", lines[lines.length - 1]);
        assertEquals(1, origin.requestCount());
        assertEquals("/size/5", origin.requests().get(0).target());
    }
}
