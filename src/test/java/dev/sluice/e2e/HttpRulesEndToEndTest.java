package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration's HTTP keywords as a server and a client see them: header
 * rules and X-Forwarded-For in what reaches the server, answers Sluice gives
 * itself, routing, the HTTP timeouts and the rewrite room.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRulesEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    @Test
    void forwardforTellsTheServerTheClientAddress() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("option forwardfor"));
        HttpWire w = wire();
        w.exchange("GET /headers HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n");
        assertEquals(List.of("10.0.0.1", "127.0.0.1"), origin.requests().get(0).headers("x-forwarded-for"));
    }

    @Test
    void forwardforHeaderNamesTheFieldAndTheBackendsNameWins() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("option forwardfor header X-Front").backend("option forwardfor header X-Client"));
        HttpWire w = wire();
        w.exchange(get("/headers"));
        w.exchange(get("/headers"));
        for (HttpTestOrigin.Request q : origin.requests()) {
            assertEquals("127.0.0.1", q.header("x-client"));
            assertNull(q.header("x-front"));
            assertNull(q.header("x-forwarded-for"));
        }
    }

    @Test
    void forwardforExceptAddsNothingForClientsInItsNetwork() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("option forwardfor except 127.0.0.0/8"));
        wire().exchange(get("/headers"));
        assertNull(origin.requests().get(0).header("x-forwarded-for"), "127.0.0.1 is in the except network");
        HttpTestOrigin other = origin();
        sluice.close();
        start(cfg(other).frontend("option forwardfor except 10.0.0.0/8"));
        wire().exchange(get("/headers"));
        assertEquals("127.0.0.1", other.requests().get(0).header("x-forwarded-for"));
    }

    @Test
    void forwardforIfNoneLeavesARequestThatBringsTheFieldAlone() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("option forwardfor if-none"));
        HttpWire w = wire();
        w.exchange("GET /headers HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n");
        w.exchange(get("/headers"));
        assertEquals(List.of("10.0.0.1"), origin.requests().get(0).headers("x-forwarded-for"));
        assertEquals(List.of("127.0.0.1"), origin.requests().get(1).headers("x-forwarded-for"));
    }

    /**
     * http-response header rules edit every server response: the backend's
     * run first, then the frontend's, so the frontend's set-header has the
     * last word; Sluice's own answers are left alone.
     */
    @Test
    void httpResponseRulesEditEveryServerResponseBackendFirst() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("http-response set-header X-Frame-Options DENY",
                        "http-response set-header X-Who frontend", "http-request deny if { path /no }")
                .backend("http-response del-header Content-Type", "http-response add-header X-Who backend",
                        "http-response add-header Strict-Transport-Security \"max-age=63072000\""));
        HttpWire w = wire();
        for (int i = 0; i < 2; i++) {
            HttpWire.Response r = w.exchange(get("/size/7"));
            assertArrayEquals(TestOrigin.pattern(7, 7), r.body());
            assertEquals(List.of("DENY"), r.headers("x-frame-options"));
            assertEquals(List.of("frontend"), r.headers("x-who"), "the frontend's set-header runs last: " + r.head());
            assertEquals(List.of("max-age=63072000"), r.headers("strict-transport-security"));
            assertNull(r.header("content-type"), r.head());
            assertEquals("7", r.header("content-length"));
        }
        HttpWire.Response denied = w.exchange(get("/no"));
        assertEquals(403, denied.status());
        assertNull(denied.header("x-who"), "Sluice's own answer is not a server response: " + denied.head());
    }

    @Test
    void forwardforGivesAnIpv6ClientItsAddress() throws Exception {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("bind [::1]:0", "option forwardfor"));
        int v6 = sluice.boundAddresses().get(1).getPort();
        try (Socket s = new Socket("::1", v6)) {
            s.getOutputStream().write(get("/headers").getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            s.getInputStream().readNBytes(12);
        }
        awaitTrue(() -> origin.requestCount() == 1, () -> "no request reached the server");
        assertEquals("::1", origin.requests().get(0).header("x-forwarded-for"));
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void forwardforInTheBackendIsEnoughToo() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("option forwardfor"));
        wire().exchange(get("/headers"));
        assertEquals("127.0.0.1", origin.requests().get(0).header("x-forwarded-for"));
    }

    @Test
    void headerRulesEditWhatTheServerReceives() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin)
                .frontend("http-request set-header X-Set one",
                        "http-request add-header X-Add two",
                        "http-request del-header Cookie",
                        "http-request add-header X-Api yes if { path_beg /api/ }")
                .backend("http-request set-header X-Backend app"));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("GET /headers HTTP/1.1\r\nHost: t\r\nX-Set: old1\r\nX-Set: old2\r\n"
                + "X-Add: mine\r\nCookie: secret=1\r\nX-Backend: forged\r\n\r\n");
        HttpTestOrigin.Request seen = origin.requests().get(0);
        assertEquals(List.of("one"), seen.headers("x-set"));
        assertEquals(List.of("mine", "two"), seen.headers("x-add"));
        assertEquals(List.of(), seen.headers("cookie"));
        assertEquals(List.of("app"), seen.headers("x-backend"));
        assertNull(seen.header("x-api"));
        assertTrue(seen.head().endsWith("\r\n\r\n"), "the rewritten head must still end the head");
        assertEquals(seen.head(), r.text());
        w.exchange("GET /api/v1 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("yes", origin.requests().get(1).header("x-api"));
    }

    @Test
    void returnAndDenyAnswerWithoutAServerAndKeepTheConnection() throws Exception {
        HttpTestOrigin origin = origin();
        Path page = dir.resolve("page.html");
        Files.writeString(page, "<p>from a file</p>\n");
        start(cfg(origin).frontend(
                "http-request return status 200 content-type text/plain string ok if { path /health }",
                "http-request return status 503 content-type text/html file " + page + " if { path /maintenance }",
                "http-request deny deny_status 403 if { method DELETE }"));
        HttpWire w = wire();
        HttpWire.Response health = w.exchange(get("/health"));
        assertEquals(200, health.status());
        assertEquals("text/plain", health.header("content-type"));
        assertEquals("ok", health.text());
        assertFalse(health.closes(), health.head());
        HttpWire.Response head = w.exchange("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("2", head.header("content-length"));
        HttpWire.Response file = w.exchange(get("/maintenance"));
        assertEquals(503, file.status());
        assertEquals("<p>from a file</p>\n", file.text());
        HttpWire.Response denied = w.exchange("DELETE /x HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(403, denied.status());
        assertEquals(200, w.exchange(get("/size/4")).status(), "the connection must go on after the answers");
        assertEquals(1, origin.requestCount(), "an answered request reached the server");
        assertEquals(2, counter("http_replies_200"));
        assertEquals(1, counter("http_replies_503"));
        assertEquals(1, counter("http_replies_403"));
    }

    @Test
    void anAnsweredRequestWithABodyClosesTheConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("http-request deny if { path /no }"));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("POST /no HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + get("/size/1"));
        assertEquals(403, r.status());
        assertTrue(r.closes(), r.head());
        assertTrue(w.closedByPeer());
        assertEquals(0, origin.heads());
    }

    @Test
    void useBackendRoutesByPathPrefixHostMethodAndNamedAcls() throws Exception {
        HttpTestOrigin app = origin();
        HttpTestOrigin api = origin();
        HttpTestOrigin exact = origin();
        HttpTestOrigin statics = origin();
        HttpTestOrigin posts = origin();
        HttpTestOrigin blue = origin();
        start(cfg(app).frontend(
                        "acl is_blue hdr_beg(x-route) -i blue",
                        "use_backend exact if { path /exact }",
                        "use_backend api if { path_beg /api/ }",
                        "use_backend statics if { hdr(host) -i static.test }",
                        "use_backend posts if METH_POST",
                        "use_backend blue if is_blue",
                        "default_backend app")
                .more(backend("api", api), backend("exact", exact), backend("statics", statics),
                        backend("posts", posts), backend("blue", blue)));
        HttpWire w = wire();
        w.exchange(get("/exact"));
        w.exchange(get("/exact/not"));
        w.exchange(get("/api/users?x=1"));
        w.exchange("GET /page HTTP/1.1\r\nHost: STATIC.test\r\n\r\n");
        w.exchange("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        w.exchange("GET /b HTTP/1.1\r\nHost: t\r\nX-Route: BLUE-2\r\n\r\n");
        w.exchange(get("/other"));
        assertEquals(List.of("/exact"), targets(exact));
        assertEquals(List.of("/api/users?x=1"), targets(api));
        assertEquals(List.of("/page"), targets(statics));
        assertEquals(List.of("/form"), targets(posts));
        assertEquals(List.of("/b"), targets(blue));
        assertEquals(List.of("/exact/not", "/other"), targets(app));
    }

    @Test
    void roundrobinBalancesEachRequestOfAKeepAliveConnection() throws Exception {
        HttpTestOrigin one = origin();
        HttpTestOrigin two = origin();
        start(cfg(one).backend("server s2 127.0.0.1:" + two.port()));
        HttpWire w = wire();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, w.exchange(get("/size/3")).status());
        }
        assertEquals(5, one.requestCount());
        assertEquals(5, two.requestCount());
        assertEquals(2, one.accepted() + two.accepted(), "each server connection should be reused");
    }

    @Test
    void aRequestNoRuleTakesGets503WithoutDefaultBackend() throws Exception {
        HttpTestOrigin app = origin();
        start(cfg(app).frontend("use_backend app if { path_beg /app }"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/app/x")).status());
        HttpWire.Response r = w.exchange(get("/elsewhere"));
        assertEquals(503, r.status());
        assertTrue(w.closedByPeer());
        awaitCounter("sessions_ended_no_backend", 1);
    }

    @Test
    void httpcloseInTheFrontendClosesBothConnectionsAfterEachResponse() throws Exception {
        httpcloseClosesBothConnections(true);
    }

    @Test
    void httpcloseInTheBackendClosesBothConnectionsAfterEachResponse() throws Exception {
        httpcloseClosesBothConnections(false);
    }

    private void httpcloseClosesBothConnections(boolean inFrontend) throws Exception {
        HttpTestOrigin origin = origin();
        Cfg cfg = cfg(origin);
        start(inFrontend ? cfg.frontend("option httpclose") : cfg.backend("option httpclose"));
        for (int i = 0; i < 3; i++) {
            HttpWire w = wire();
            w.send(get("/size/5") + get("/size/6"));
            HttpWire.Response r = w.read();
            assertArrayEquals(TestOrigin.pattern(5, 5), r.body());
            assertTrue(r.closes(), r.head());
            assertTrue(w.closedByPeer(), "the pipelined request was answered despite httpclose");
        }
        assertEquals(3, origin.requestCount());
        assertEquals(3, origin.accepted());
        assertTrue(origin.requests().stream().allMatch(q -> "close".equals(q.header("connection"))),
                "the server was not told that the connection closes");
        awaitTrue(() -> origin.openConnections() == 0, () -> origin.openConnections()
                + " server connections kept open although httpclose closes them");
    }

    @Test
    void httpServerCloseInTheFrontendClosesOnlyTheServerConnectionAfterEachResponse() throws Exception {
        httpServerCloseKeepsTheClient(true);
    }

    @Test
    void httpServerCloseInTheBackendClosesOnlyTheServerConnectionAfterEachResponse() throws Exception {
        httpServerCloseKeepsTheClient(false);
    }

    private void httpServerCloseKeepsTheClient(boolean inFrontend) throws Exception {
        HttpTestOrigin origin = origin();
        Cfg cfg = cfg(origin);
        start(inFrontend ? cfg.frontend("option http-server-close") : cfg.backend("option http-server-close"));
        HttpWire w = wire();
        for (int i = 0; i < 3; i++) {
            HttpWire.Response r = w.exchange(get("/size/" + (5 + i)));
            assertArrayEquals(TestOrigin.pattern(5 + i, 5 + i), r.body());
            assertFalse(r.closes(), "the client connection is kept: " + r.head());
        }
        // The three exchanges went over the one client connection: it was kept.
        assertEquals(3, origin.requestCount());
        assertEquals(3, origin.accepted(), "each request had a server connection of its own");
        assertTrue(origin.requests().stream().allMatch(q -> "close".equals(q.header("connection"))),
                "the server was not told that the connection closes");
        awaitTrue(() -> origin.openConnections() == 0, () -> origin.openConnections()
                + " server connections kept open although http-server-close closes them");
    }

    @Test
    void httpKeepAliveUndoesTheDefaultsHttpServerClose() throws Exception {
        HttpTestOrigin origin = origin();
        // The most closing mode of the frontend and the backend applies: both say keep-alive here.
        start(cfg(origin).defaults("option http-server-close").frontend("option http-keep-alive")
                .backend("option http-keep-alive"));
        HttpWire w = wire();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(TestOrigin.pattern(5, 5), w.exchange(get("/size/5")).body());
        }
        assertEquals(1, origin.accepted(), "the server connection was not kept");
    }

    /**
     * errorfile pages answer Sluice's own errors and the denies of their
     * status, byte for byte, with connection: close added where the page does
     * not say it; the backend's page serves the requests routed to it, the
     * frontend's (here the defaults') the rest.
     */
    @Test
    void errorfilePagesAnswerSluicesOwnErrorsAndDenies() throws Exception {
        HttpTestOrigin origin = origin();
        String page403 = "HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache\r\nContent-Type: text/html\r\n\r\n"
                + "<h1>403 by the operator</h1>\n";
        String page503 = "HTTP/1.0 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/html\r\n"
                + "content-length: 14\r\n\r\n<h1>down</h1>\n";
        Path f403 = Files.writeString(dir.resolve("403.http"), page403);
        Path f503 = Files.writeString(dir.resolve("503.http"), page503);
        int closed = FreePorts.next();
        start(cfg(origin).defaults("errorfile 403 " + f403)
                .frontend("http-request deny if { path /secret }", "use_backend dead if { path_beg /dead }",
                        "default_backend app")
                .more("backend dead", "    errorfile 503 " + f503, "    server d1 127.0.0.1:" + closed));
        try (HttpWire w = wire()) {
            HttpWire.Response r = w.exchange(get("/secret"));
            assertEquals(403, r.status());
            assertEquals("<h1>403 by the operator</h1>\n", r.text());
            assertTrue(r.head().startsWith("HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache\r\n"), r.head());
            assertTrue(r.closes(), "Sluice adds connection: close to a page without it: " + r.head());
            assertTrue(w.closedByPeer());
        }
        try (HttpWire w = wire()) {
            HttpWire.Response r = w.exchange(get("/dead/x"));
            assertEquals(503, r.status());
            assertEquals(page503.substring(0, page503.indexOf("\r\n\r\n") + 4), r.head(), "the page as written");
            assertEquals("<h1>down</h1>\n", r.text());
        }
        try (HttpWire w = wire()) {
            w.send("HEAD /dead/x HTTP/1.1\r\nHost: t\r\n\r\n");
            HttpWire.Response r = w.read("HEAD");
            assertEquals(503, r.status());
            assertEquals(0, r.body().length, "a HEAD request gets the page's head only");
        }
        try (HttpWire w = wire()) {
            // Sluice's own 400 has no page here: its built-in one answers.
            HttpWire.Response r = w.exchange("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("400 Bad Request"), r.text());
        }
        assertEquals(0, origin.requestCount());
    }

    /**
     * A slowloris client trickles its head: it gets 408 once timeout
     * http-request runs out, while another client on the same loop is served
     * all along.
     */
    @Test
    void aSlowlorisClientGets408WhileOthersAreServed() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-request 600ms"));
        HttpWire slow = wire();
        long t0 = System.nanoTime();
        Thread trickle = Thread.ofVirtual().start(() -> {
            try {
                slow.send("GET /size/1 HTTP/1.1\r\n");
                for (int i = 0; i < 40; i++) {
                    Thread.sleep(50);
                    slow.send("X-" + i + ": y\r\n");
                }
            } catch (Exception e) {
                // Sluice answered and closed: the trickle ends.
            }
        });
        HttpWire fast = wire();
        int served = 0;
        while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(400)) {
            long s = System.nanoTime();
            assertEquals(200, fast.exchange(get("/size/100")).status());
            long ms = (System.nanoTime() - s) / 1_000_000;
            assertTrue(ms < 200, "a request took " + ms + " ms beside the slowloris");
            served++;
        }
        HttpWire.Response r = slow.read();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, r.status(), r.head());
        assertTrue(ms >= 550 && ms < 2000, "408 after " + ms + " ms");
        assertTrue(r.closes());
        trickle.join(5000);
        assertTrue(served >= 5, "only " + served + " requests served meanwhile");
        awaitCounter("http_replies_408", 1);
        awaitCounter("sessions_ended_request_timeout", 1);
        assertEquals(served, origin.requestCount());
    }

    @Test
    void aRequestAfterAnIdlePeriodLongerThanTimeoutHttpRequestIsServed() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-request 300ms", "timeout http-keep-alive 5s"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/size/1")).status());
        Thread.sleep(500);
        HttpWire.Response r = w.exchange(get("/size/2"));
        assertEquals(200, r.status(), "idle within http-keep-alive, then a whole request at once: " + r.head());
        assertEquals(0, counter("http_replies_408"));
    }

    @Test
    void aSlowSecondRequestOnAKeepAliveConnectionGets408Too() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-request 400ms", "timeout http-keep-alive 5s"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/size/1")).status());
        // Idle longer than http-request but within http-keep-alive: not a slow request yet.
        Thread.sleep(600);
        w.send("GET /size/2 HTTP/1.1\r\n");
        long t0 = System.nanoTime();
        HttpWire.Response r = w.read();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, r.status());
        assertTrue(ms >= 300 && ms < 2000, "408 after " + ms + " ms");
        assertEquals(1, origin.requestCount());
    }

    /** Without timeout http-request and http-keep-alive, timeout client bounds the wait for a request, as in HAProxy. */
    @Test
    void withoutHttpTimeoutsTimeoutClientBoundsTheWaitForARequest() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).withoutHttpRequestTimeout().frontend("timeout client 300ms"));
        HttpWire silent = wire();
        HttpWire idle = wire();
        assertEquals(200, idle.exchange(get("/size/1")).status());
        HttpWire slow = wire();
        slow.send("GET /size/1 HTTP/1.1\r\n");
        assertTrue(silent.closedByPeer(), "a connection that never sent stayed open");
        assertTrue(idle.closedByPeer(), "an idle keep-alive connection stayed open");
        assertEquals(408, slow.read().status());
    }

    @Test
    void aConnectionThatNeverSendsIsClosedQuietlyAfterTimeoutHttpRequest() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-request 300ms"));
        HttpWire w = wire();
        assertTrue(w.closedByPeer(), "an idle new connection was not closed");
        awaitCounter("sessions_ended_request_timeout", 1);
        assertEquals(0, counter("http_replies_408"));
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTimeoutHttpKeepAlive() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-keep-alive 300ms"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/size/1")).status());
        long t0 = System.nanoTime();
        assertTrue(w.closedByPeer(), "the idle keep-alive connection stayed open");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 250 && ms < 5000, "closed after " + ms + " ms");
        awaitCounter("sessions_ended_done", 1);
    }

    @Test
    void aKeepAliveConnectionBusierThanItsTimeoutStaysOpen() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("timeout http-keep-alive 300ms"));
        HttpWire w = wire();
        for (int i = 0; i < 8; i++) {
            assertEquals(200, w.exchange(get("/size/1")).status());
            Thread.sleep(100);
        }
        assertEquals(1, counter("sessions_opened"));
    }

    /**
     * Rules run in order on the head as the earlier rules left it, as in
     * HAProxy: a condition, use_backend and the backend's rules see what an
     * earlier rule set, added or deleted, and the server gets each edit once.
     */
    @Test
    void aLaterConditionSeesWhatAnEarlierRuleWrote() throws Exception {
        HttpTestOrigin app = origin();
        HttpTestOrigin gold = origin();
        start(cfg(app).frontend(
                        "http-request set-header X-Tier gold if { path_beg /vip/ }",
                        "http-request del-header X-Tier if { path_beg /forged/ }",
                        "http-request deny deny_status 429 if { hdr(x-tier) -m str gold } { path /vip/blocked }",
                        "http-request add-header X-Seen tier-gold if { hdr(x-tier) -m str gold }",
                        "use_backend gold if { hdr(x-tier) -m str gold }",
                        "default_backend app")
                .more(backend("gold", gold) + "\n    http-request add-header X-Backend-Saw yes if { hdr(x-seen) -m found }"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/vip/page")).status());
        assertEquals(429, wire().exchange(get("/vip/blocked")).status());
        HttpWire forged = wire();
        assertEquals(200, forged.exchange("GET /forged/x HTTP/1.1\r\nHost: t\r\nX-Tier: gold\r\n\r\n").status());

        assertEquals(List.of("/vip/page"), targets(gold));
        HttpTestOrigin.Request vip = gold.requests().get(0);
        assertEquals(List.of("gold"), vip.headers("x-tier"));
        assertEquals(List.of("tier-gold"), vip.headers("x-seen"));
        assertEquals(List.of("yes"), vip.headers("x-backend-saw"));
        assertEquals(List.of("/forged/x"), targets(app));
        assertEquals(List.of(), app.requests().get(0).headers("x-tier"));
    }

    /** Fields added by rules count against tune.http.maxhdr like the client's own: past it, 500. */
    @Test
    void rulesThatAddFieldsPastMaxhdrGet500() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).global("tune.http.maxhdr 4")
                .frontend("http-request add-header X-A 1", "http-request add-header X-B 2"));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\nX-C: 3\r\n\r\n").status());
        assertEquals(List.of("1"), origin.requests().get(0).headers("x-a"));
        HttpWire w2 = wire();
        HttpWire.Response refused = w2.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\nX-C: 3\r\nX-D: 4\r\n\r\n");
        assertEquals(500, refused.status(), refused.head());
        assertEquals(1, origin.requestCount());
    }

    /**
     * tune.maxrewrite is the room kept for added fields: a head of up to
     * bufsize - maxrewrite is accepted, and what the rules add must fit in the
     * buffer, or the request gets 500 rather than a truncated head.
     */
    @Test
    void maxrewriteBoundsTheHeadAndTheRoomForAddedFields() throws Exception {
        HttpTestOrigin origin = origin();
        // 709 bytes with its name and CRLF: more than the 512 kept, less than a short head leaves.
        String big = "v".repeat(700);
        start(cfg(origin).global("tune.bufsize 4096", "tune.maxrewrite 512")
                .frontend("http-request add-header X-Big " + big + " if { path /grow }"));
        HttpWire w = wire();
        HttpWire.Response ok = w.exchange("GET /grow HTTP/1.1\r\nHost: t\r\n" + filler(3000) + "\r\n");
        assertEquals(200, ok.status());
        assertEquals(big, origin.requests().get(0).header("x-big"));
        // 3584 = 4096 - 512 is the largest head; one more byte is refused.
        HttpWire w2 = wire();
        HttpWire.Response fits = w2.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\n" + filler(3584 - 33) + "\r\n");
        assertEquals(200, fits.status());
        HttpWire w3 = wire();
        assertEquals(431, w3.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\n" + filler(3585 - 33) + "\r\n").status());
        HttpWire w4 = wire();
        HttpWire.Response noRoom = w4.exchange("GET /grow HTTP/1.1\r\nHost: t\r\n" + filler(3500) + "\r\n");
        assertEquals(500, noRoom.status(), noRoom.head());
        assertTrue(noRoom.closes());
        assertTrue(w4.closedByPeer());
        assertEquals(2, origin.requestCount());
    }

    @Test
    void maxhdrBoundsTheFieldsOfRequestsAndResponses() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("many", "HTTP/1.1 200 OK\r\n" + "X-R: 1\r\n".repeat(10) + "Content-Length: 0\r\n\r\n");
        origin.raw("ten", "HTTP/1.1 200 OK\r\n" + "X-R: 1\r\n".repeat(9) + "Content-Length: 0\r\n\r\n");
        start(cfg(origin).global("tune.http.maxhdr 10"));
        HttpWire w = wire();
        assertEquals(200, w.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\n" + "X-A: 1\r\n".repeat(9) + "\r\n").status());
        assertEquals(200, w.exchange(get("/dribble/ten")).status());
        assertEquals(502, w.exchange(get("/dribble/many")).status());
        HttpWire w2 = wire();
        assertEquals(431, w2.exchange("GET /size/1 HTTP/1.1\r\nHost: t\r\n" + "X-A: 1\r\n".repeat(10) + "\r\n").status());
        awaitCounter("http_rejected_too_many_headers", 2);
    }

    /** A field line of exactly {@code length} bytes, CRLF included. */
    private static String filler(int length) {
        return "X-Filler: " + "f".repeat(length - 12) + "\r\n";
    }

    private static List<String> targets(HttpTestOrigin o) {
        return o.requests().stream().map(HttpTestOrigin.Request::target).toList();
    }

    private static String backend(String name, HttpTestOrigin o) {
        return "backend " + name + "\n    server " + name + "1 127.0.0.1:" + o.port();
    }
}
