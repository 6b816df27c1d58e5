package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.config.Global;
import dev.sluice.stats.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's {@code maxconn} in HTTP mode counts requests in flight: a request
 * holds a slot from the moment it is sent until its response has arrived, the
 * freed slot goes to the oldest queued request, and the smallest pool the
 * configuration accepts carries hundreds of keep-alive clients through one slot
 * without deadlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpMaxconnEndToEndTest extends HttpEndToEnd {

    @Test
    void maxconnBoundsRequestsInFlightWhileManyKeepAliveClientsSend() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(2, 64, 2).server("maxconn 2"));
        int clients = 30;
        int perClient = 8;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        toClose.add(pool::shutdownNow);
        List<Future<Integer>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                try (HttpWire w = new HttpWire(port())) {
                    for (int i = 0; i < perClient; i++) {
                        assertEquals("slow", w.exchange(get("/slow/3")).text());
                    }
                }
                return perClient;
            }));
        }
        for (Future<Integer> f : done) {
            assertEquals(perClient, f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(clients * perClient, origin.requestCount());
        assertTrue(origin.peakInFlight() <= 2, "the server had " + origin.peakInFlight() + " requests in flight");
        assertEquals(2, origin.peakInFlight(), "the test never filled both slots, so it proves nothing");
        assertTrue(counter("sessions_queued") > 0, "no request ever queued");
        assertEquals(2, counter("server_app_s1_slots_peak"));
        assertEquals(0, counter("server_app_s1_slots_in_use"));
        assertTrue(counter("server_connections_reused") > 0);
    }

    @Test
    void aFreedSlotGoesToTheOldestQueuedRequestOnceTheResponseHasEnded() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("maxconn 1"));
        HttpWire holder = wire();
        holder.send(get("/slow/300"));
        awaitTrue(() -> origin.requestCount() == 1, () -> "the first request never reached the server");
        List<HttpWire> queued = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            HttpWire w = wire();
            w.send(get("/queued-" + i));
            int expected = i;
            awaitTrue(() -> counter("backend_app_queued_current") == expected, () -> "request " + expected + " not queued");
            queued.add(w);
        }
        assertEquals(1, origin.requestCount(), "a queued request reached the server while the slot was held");
        assertEquals("slow", holder.read().text());
        for (int i = 1; i <= 4; i++) {
            assertEquals("/queued-" + i, queued.get(i - 1).read().text());
        }
        List<String> order = origin.requests().stream().map(HttpTestOrigin.Request::target).toList();
        assertEquals(List.of("/slow/300", "/queued-1", "/queued-2", "/queued-3", "/queued-4"), order);
        assertEquals(1, origin.peakInFlight());
    }

    /**
     * A client that stops reading its response keeps the server's only slot
     * until timeout client ends it; the queued request is then served.
     */
    @Test
    void aClientThatStopsReadingLosesTheSlotAtTimeoutClient() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("maxconn 1").frontend("timeout client 500ms"));
        HttpWire stuck = wire();
        stuck.socket().setReceiveBufferSize(4096);
        stuck.send(get("/size/" + (64 << 20)));
        awaitTrue(() -> origin.requestCount() == 1, () -> "the first request never reached the server");
        HttpWire queued = wire();
        long t0 = System.nanoTime();
        HttpWire.Response r = queued.exchange(get("/size/100"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertArrayEquals(TestOrigin.pattern(100, 100), r.body());
        assertTrue(ms >= 300, "served after " + ms + " ms, before the stuck client timed out");
        awaitCounter("sessions_ended_client_timeout", 1);
    }

    /**
     * Waiting in the queue is not client inactivity: a request queued longer
     * than timeout client is served, and its client, which waits for
     * 100 Continue before sending the body, gets the time to send it.
     */
    @Test
    void aRequestQueuedLongerThanTimeoutClientIsServed() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("maxconn 1").frontend("timeout client 300ms"));
        HttpWire holder = wire();
        holder.send(get("/slow/800"));
        awaitTrue(() -> origin.requestCount() == 1, () -> "the first request never reached the server");
        HttpWire queuedGet = wire();
        queuedGet.send(get("/size/10"));
        HttpWire queuedPost = wire();
        queuedPost.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        assertEquals("slow", holder.read().text());
        assertArrayEquals(TestOrigin.pattern(10, 10), queuedGet.read().body());
        assertEquals(100, queuedPost.read("POST").status());
        queuedPost.send("hello");
        assertEquals("hello", queuedPost.read("POST").text());
        assertEquals(0, counter("sessions_ended_client_timeout"));
    }

    /**
     * The deadlock scenario in HTTP mode: 20 KB responses and uploads larger
     * than a buffer, server maxconn 1, the smallest pool the configuration
     * accepts, and 500 concurrent keep-alive clients of three requests each.
     */
    @Test
    void fiveHundredKeepAliveClientsThroughMaxconnOneWithTheSmallestPoolAllComplete() throws Exception {
        HttpTestOrigin origin = origin();
        int loops = 2;
        int reserve = 2;
        start(cfg(origin).loops(loops, Global.minimumBuffersLimit(loops, reserve), reserve)
                .server("maxconn 1").backend("timeout queue 60s"));
        int clients = 500;
        int response = 20 * 1024;
        int upload = Global.DEFAULT_BUFSIZE + 3000;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        toClose.add(pool::shutdownNow);
        List<Future<String>> done = new ArrayList<>();
        byte[] expectedDownload = TestOrigin.pattern(response, response);
        for (int c = 0; c < clients; c++) {
            int id = c;
            done.add(pool.submit(() -> {
                byte[] body = TestOrigin.pattern(id, upload + id);
                try (HttpWire w = new HttpWire(port(), 50_000)) {
                    assertArrayEquals(expectedDownload, w.exchange(get("/size/" + response)).body(), "client " + id);
                    w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
                    HttpWire.Response echoed = w.read("POST");
                    assertEquals(200, echoed.status());
                    assertArrayEquals(body, echoed.body(), "client " + id);
                    assertArrayEquals(expectedDownload, w.exchange(get("/size/" + response)).body(), "client " + id);
                }
                return "ok";
            }));
        }
        for (Future<String> f : done) {
            assertEquals("ok", f.get(55, TimeUnit.SECONDS));
        }
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions still open: " + sluice.openSessions());
        Summary s = sluice.summary();
        assertEquals(3L * clients, origin.requestCount());
        assertEquals(1, origin.peakInFlight(), "maxconn 1 let more requests reach the server at once");
        assertEquals(3L * clients, s.get("http_server_responses_2xx"), s.render());
        assertEquals(clients, s.get("sessions_ended_done"), s.render());
        assertTrue(s.get("sessions_queued") > 0, "no request ever queued, so the test proves nothing");
        long waits = s.get("buffer_waits_normal") + s.get("buffer_waits_urgent") + s.get("buffer_waits_critical");
        assertTrue(waits > 0, "the pool never ran short, so the test proves nothing: " + s.render());
        assertEquals(0, s.get("buffer_failed_wakeups"));
        System.out.println("[http deadlock scenario] " + s.render().replace('\n', ' '));
    }
}
