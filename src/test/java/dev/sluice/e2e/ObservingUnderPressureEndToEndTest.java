package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deadlock scenario's pressure (10 buffers, reserve 2, server maxconn 1,
 * 200 clients): while the client pool is dry and its queues are long, a
 * scrape of the exporter and a load of the stats page (in headless Chromium)
 * each answer within a second, from the applet arena; what they show of the
 * pool is the pool's own: its size and reserve, a queue that is really there,
 * and, once the load is over, the very counts the pool keeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObservingUnderPressureEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    @Test
    void theExporterAndTheStatsPageAnswerWithinASecondWhileThePoolIsDry() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 10, 2).server("maxconn 1").more("listen watch", "    bind 127.0.0.1:0",
                "    stats uri /stats", "    http-request use-service prometheus-exporter if { path /metrics }"));
        int watch = sluice.boundAddresses().get(1).getPort();
        int clients = 200;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        toClose.add(pool::shutdownNow);
        List<Future<Integer>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                try (HttpWire w = new HttpWire(port(), 60_000)) {
                    for (int i = 0; i < 3; i++) {
                        assertEquals("slow", w.exchange(get("/slow/5")).text());
                    }
                }
                return 3;
            }));
        }
        // Wait until the pool is dry: its queues hold waiters.
        awaitTrue(() -> waiting() > 20, () -> "the pool never ran dry: " + sluice.summary().render());

        long t0 = System.nanoTime();
        CurlResult scrape = curl(dir, "--max-time", "1", "http://127.0.0.1:" + watch + "/metrics");
        long scrapeMillis = (System.nanoTime() - t0) / 1_000_000;
        long waitingNow = waiting();
        assertEquals(0, scrape.exit(), "the scrape did not answer within 1 s: " + scrape.err());
        assertTrue(scrapeMillis < 1000, "the scrape took " + scrapeMillis + " ms");
        String text = scrape.text();
        assertEquals(10.0, ExporterEndToEndTest.value(text, "sluice_buffers{loop=\"0\",pool=\"client\"}"));
        assertEquals(2.0, ExporterEndToEndTest.value(text, "sluice_buffers_reserve{loop=\"0\",pool=\"client\"}"));
        double shownWaiting = ExporterEndToEndTest.value(text,
                "sluice_buffer_waiters{class=\"normal\",loop=\"0\",pool=\"client\"}");
        assertTrue(shownWaiting > 0 && waitingNow > 0, "the scrape saw " + shownWaiting + " waiters");
        assertTrue(ExporterEndToEndTest.value(text, "sluice_buffers_free{loop=\"0\",pool=\"client\"}") <= 2,
                "the pool was not dry when scraped:\n" + text);

        long t1 = System.nanoTime();
        String dom = StatsPageEndToEndTest.dumpDom(dir, "http://127.0.0.1:" + watch + "/stats");
        long pageMillis = (System.nanoTime() - t1) / 1_000_000;
        assertEquals("10", Long.toString(Long.parseLong(StatsPageEndToEndTest.byId(dom, "loop0-client-inuse"))
                + Long.parseLong(StatsPageEndToEndTest.byId(dom, "loop0-client-free"))));
        // Chromium's own start-up is in the time; the page itself is timed with curl below.
        long t2 = System.nanoTime();
        CurlResult page = curl(dir, "--max-time", "1", "http://127.0.0.1:" + watch + "/stats");
        long pageCurlMillis = (System.nanoTime() - t2) / 1_000_000;
        assertEquals(0, page.exit(), "the stats page did not answer within 1 s: " + page.err());
        assertTrue(page.text().contains("id=\"buffers\""));
        System.out.println("under pressure: scrape " + scrapeMillis + " ms, stats page " + pageCurlMillis
                + " ms (chromium load " + pageMillis + " ms), " + waitingNow + " waiters");

        for (Future<Integer> f : done) {
            assertEquals(3, f.get(60, TimeUnit.SECONDS));
        }
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions open");
        // Quiet now: the scrape shows the pool's own counts, to the unit.
        String after = curl(dir, "http://127.0.0.1:" + watch + "/metrics").text();
        for (String k : List.of("normal", "urgent", "critical")) {
            String labels = "{class=\"" + k + "\",loop=\"0\",pool=\"client\"}";
            assertEquals(counter("buffer_allocations_" + k),
                    (long) ExporterEndToEndTest.value(after, "sluice_buffer_allocations_total" + labels), k);
            assertEquals(counter("buffer_waits_" + k),
                    (long) ExporterEndToEndTest.value(after, "sluice_buffer_waits_total" + labels), k);
            assertEquals(counter("buffer_handoffs_" + k),
                    (long) ExporterEndToEndTest.value(after, "sluice_buffer_handoffs_total" + labels), k);
            assertEquals(0.0, ExporterEndToEndTest.value(after, "sluice_buffer_failed_wakeups_total" + labels));
        }
        assertTrue(counter("buffer_waits_normal") > 0);
        for (Sluice.PoolReading p : sluice.appletArenas()) {
            assertEquals(p.size(), p.free(), "applet arena not full");
        }
    }

    private long waiting() {
        long n = 0;
        for (Sluice.PoolReading p : sluice.pools()) {
            n += p.waiting();
        }
        return n;
    }
}
