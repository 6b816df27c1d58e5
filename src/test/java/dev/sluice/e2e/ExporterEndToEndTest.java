package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http-request use-service prometheus-exporter}: curl scrapes the
 * metrics through the applet arena, in Prometheus text or OpenMetrics as its
 * Accept asks, chunked, on a keep-alive connection; the figures are the pool's
 * and the counters' own; every arena buffer is back after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExporterEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private void startExporter() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("http-request use-service prometheus-exporter if { path /metrics }"));
    }

    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), "no series " + series + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aScrapeGetsTheFamiliesInPrometheusTextWithTheCountersValues() throws Exception {
        startExporter();
        for (int i = 0; i < 3; i++) {
            assertEquals(0, curl(dir, "-o", "/dev/null", "http://127.0.0.1:" + port() + "/x").exit());
        }
        CurlResult r = curl(dir, "-i", "http://127.0.0.1:" + port() + "/metrics");
        String text = r.text();
        assertEquals(0, r.exit(), r.err());
        assertTrue(text.startsWith("HTTP/1.1 200 OK"), text);
        assertTrue(text.toLowerCase().contains("transfer-encoding: chunked"), text);
        assertTrue(text.toLowerCase().contains("content-type: text/plain; version=0.0.4"), text);
        // The scrape itself is the fourth request.
        assertEquals(4.0, value(text, "sluice_process_http_requests_total"));
        assertEquals(4.0, value(text, "sluice_frontend_http_requests_total{proxy=\"front\"}"));
        assertEquals(64.0, value(text, "sluice_buffers{loop=\"0\",pool=\"client\"}"));
        assertEquals(2.0, value(text, "sluice_buffers_reserve{loop=\"0\",pool=\"client\"}"));
        assertEquals(3.0, value(text, "sluice_server_sessions_total{proxy=\"app\",server=\"s1\"}"));
        assertEquals(1.0, value(text, "sluice_server_status{proxy=\"app\",server=\"s1\",state=\"UP\"}"));
        // The text is made before its first part takes an arena buffer.
        assertEquals(0.0, value(text, "sluice_buffers_in_use{loop=\"0\",pool=\"applet\"}"));
        assertEquals(4.0, value(text, "sluice_buffers{loop=\"0\",pool=\"applet\"}"));
        assertTrue(text.contains("# TYPE sluice_buffer_wait_seconds histogram"), text);
        assertTrue(text.contains("sluice_buffer_wait_seconds_bucket{class=\"normal\",loop=\"0\",pool=\"client\",le=\"+Inf\"} 0"), text);
        assertTrue(text.contains("sluice_backend_queue_wait_seconds_total{proxy=\"app\"}"), text);
        assertTrue(text.contains("sluice_session_task_runs_total{loop=\"0\"}"), text);
        assertEquals(0, counter("buffer_failed_wakeups"));
        assertArenasFull();
    }

    @Test
    void openMetricsIsServedWhenAsked() throws Exception {
        startExporter();
        CurlResult r = curl(dir, "-i", "-H", "Accept: application/openmetrics-text; version=1.0.0",
                "http://127.0.0.1:" + port() + "/metrics");
        String text = r.text();
        assertTrue(text.toLowerCase().contains("content-type: application/openmetrics-text; version=1.0.0"), text);
        assertTrue(text.trim().endsWith("# EOF"), text);
    }

    @Test
    void aPageLargerThanABufferGoesOutInPartsThroughOneArenaBuffer() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        // 1 KB buffers: the page is many times larger and leaves one buffer at a time.
        start(cfg(origin).global("tune.bufsize 1024", "tune.maxrewrite 256")
                .frontend("http-request use-service prometheus-exporter"));
        CurlResult r = curl(dir, "-i", "http://127.0.0.1:" + port() + "/");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().length > 10 * 1024, "the page is only " + r.out().length + " bytes");
        assertTrue(r.text().contains("sluice_process_nbthread 1"), r.text());
        assertArenasFull();
        for (Sluice.PoolReading p : sluice.appletArenas()) {
            assertEquals(1, p.peakInUse(), "the answer took more than one arena buffer at a time");
        }
    }

    @Test
    void keepAliveRequestsAfterAScrapeStillReachTheServer() throws Exception {
        startExporter();
        Path out = dir.resolve("out");
        CurlResult r = curl(dir, "-o", out.toString(), "http://127.0.0.1:" + port() + "/metrics",
                "-o", dir.resolve("o2").toString(), "http://127.0.0.1:" + port() + "/x", "-w", "%{num_connects}\n");
        assertEquals(0, r.exit(), r.err());
        // The second transfer made no connection of its own: it reused the scrape's.
        assertEquals("0", r.text().trim().split("\n")[1], "curl opened a second connection: " + r.text());
        assertTrue(Files.readString(out).contains("sluice_process_http_requests_total"));
    }

    void assertArenasFull() throws Exception {
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions open");
        for (Sluice.PoolReading p : sluice.appletArenas()) {
            assertEquals(p.size(), p.free(), "applet arena " + p.loop() + " not full");
            assertEquals(0, p.waiting());
        }
    }
}
