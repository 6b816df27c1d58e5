package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scrapes Sluice's
 * exporter on 127.0.0.1: the target is up, and PromQL queries through its
 * HTTP API on a request counter and on buffer metrics return the values
 * Sluice served (and counts itself). The exporter is on a listen section of
 * its own, which serves itself from the applet arena, so scrapes leave the
 * client pool's counters alone while the test compares them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusScrapeEndToEndTest extends HttpEndToEnd {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheExporterAndItsQueriesReturnWhatSluiceServed() throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), "prometheus is not installed (.ci/run installs it)");
        HttpTestOrigin origin = origin();
        start(cfg(origin).more("listen metrics", "    bind 127.0.0.1:0",
                "    http-request use-service prometheus-exporter"));
        int metricsPort = sluice.boundAddresses().get(1).getPort();
        int requests = 7;
        try (HttpWire w = wire()) {
            for (int i = 0; i < requests; i++) {
                w.exchange(get("/hello"));
            }
        }
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions open");

        int apiPort = FreePorts.next();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n", List.of(
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: sluice",
                "    metrics_path: /metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + metricsPort + "']",
                "")));
        Path log = dir.resolve("prometheus.log");
        Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + apiPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Stopped before the after-test checks: its keep-alive scrape connection is a session until then.
        clients.add(() -> {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
                prometheus.waitFor(10, TimeUnit.SECONDS);
            }
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String api = "http://127.0.0.1:" + apiPort;

        String targets = awaitBody(http, api + "/api/v1/targets", b -> b.contains("\"health\":\"up\""), log);
        assertTrue(targets.contains("127.0.0.1:" + metricsPort), targets);

        String served = "sluice_server_sessions_total{proxy=\"app\",server=\"s1\"}";
        assertEquals(requests, queryUntil(http, api, served, requests, log));
        assertEquals(requests, counter("server_app_s1_sessions"));
        // The frontend's request counter: the client's requests, none of the scrapes (they reach 'metrics').
        assertEquals(requests, queryUntil(http, api, "sluice_frontend_http_requests_total{proxy=\"front\"}",
                requests, log));
        assertTrue(queryValue(http, api, "sluice_frontend_http_requests_total{proxy=\"metrics\"}") >= 1.0);

        // The client pool's figures, which scrapes on the self-serving listen section do not touch.
        long normal = counter("buffer_allocations_normal");
        assertTrue(normal >= requests, "allocations " + normal);
        assertEquals(normal, queryUntil(http, api,
                "sum(sluice_buffer_allocations_total{pool=\"client\",class=\"normal\"})", normal, log));
        assertEquals(64, queryUntil(http, api, "sum(sluice_buffers{pool=\"client\"})", 64, log));
        // Prometheus's own count of its scrapes reached Sluice: the arena served them all.
        assertTrue(queryValue(http, api, "up{job=\"sluice\"}") == 1.0);
    }

    private static long queryUntil(HttpClient http, String api, String promql, long expected, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double last = Double.NaN;
        while (System.nanoTime() - deadline < 0) {
            last = queryValue(http, api, promql);
            if (last == expected) {
                return (long) last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(promql + " is " + last + ", expected " + expected + "; prometheus said:\n"
                + Files.readString(log));
    }

    /** The value of an instant query's first sample, or NaN when it has none. */
    static double queryValue(HttpClient http, String api, String promql) throws IOException, InterruptedException {
        String body = fetch(http, api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String fetch(HttpClient http, String url) throws IOException, InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (java.net.ConnectException e) {
            return "";
        }
    }

    private static String awaitBody(HttpClient http, String url, java.util.function.Predicate<String> ok, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            last = fetch(http, url);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " never answered as expected: " + last + "\nprometheus said:\n"
                + Files.readString(log));
    }
}
