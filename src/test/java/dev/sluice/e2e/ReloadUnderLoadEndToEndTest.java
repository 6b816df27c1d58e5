package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reload's acceptance: 20 reloads (SIGHUP) while {@code wrk -c50} runs
 * through Sluice to Debian's nginx, in HTTP and TCP mode, with keep-alive
 * connections and with one connection per request. Not one request may fail,
 * and no connection may be refused: the listeners keep their sockets, and the
 * sessions of each replaced configuration finish. Then the memory: the
 * process's resident set after 20 reloads stays within 5% of what it was.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReloadUnderLoadEndToEndTest {
    private static final int RELOADS = 20;
    private static final int SECONDS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"http, keep-alive", "http, close", "tcp, keep-alive", "tcp, close"})
    void twentyReloadsUnderWrkFailNoRequest(String mode, String connections) throws Exception {
        try (Nginx nginx = new Nginx(dir.resolve("nginx"), "location / { return 200 \"ok\\n\"; }")) {
            int port = Nginx.freePort();
            Path cfg = config(mode, port, nginx.port());
            try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
                sluice.awaitListening(port);
                String[] headers = connections.equals("close") ? new String[] {"Connection: close"} : new String[0];
                try (Wrk wrk = new Wrk(dir, "http://127.0.0.1:" + port + "/", 2, 50, SECONDS, headers)) {
                    reloadTwenty(sluice);
                    Wrk.Result r = wrk.await(SECONDS + 20);
                    String out = sluice.output();
                    assertTrue(r.requests() > 1_000, r.text());
                    // Sluice listens throughout: a write or connect error here is a failed request or a refused one.
                    assertEquals(0, r.failed() + r.writeErrors() + r.connectErrors(),
                            mode + " " + connections + ":\n" + r.text() + "\n" + out);
                    assertEquals(RELOADS, count(out, "sluice: reloaded "), out);
                    assertEquals(0, count(out, "refused"), out);
                }
                sluice.signal("TERM");
                assertEquals(0, sluice.awaitExit(60));
                String out = sluice.output();
                assertTrue(out.contains("\nsessions_ended_hard_stop 0\n"), out);
                assertTrue(out.contains("\nbuffers_in_use 0\n"), out);
            }
        }
    }

    @Test
    void theResidentSetAfterTwentyReloadsStaysWithinFivePercent() throws Exception {
        try (Nginx nginx = new Nginx(dir.resolve("nginx"), "location / { return 200 \"ok\\n\"; }")) {
            int port = Nginx.freePort();
            Path cfg = config("http", port, nginx.port());
            // A heap of fixed size, touched at start: what could grow is everything else.
            try (SluiceProcess sluice = new SluiceProcess(dir, cfg, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch")) {
                sluice.awaitListening(port);
                try (Wrk warm = new Wrk(dir, "http://127.0.0.1:" + port + "/", 2, 50, 3)) {
                    warm.await(30);
                }
                long before = rss(sluice.pid());
                try (Wrk wrk = new Wrk(dir, "http://127.0.0.1:" + port + "/", 2, 50, SECONDS)) {
                    reloadTwenty(sluice);
                    assertEquals(0, wrk.await(SECONDS + 20).failed());
                }
                Thread.sleep(1_500);
                long after = rss(sluice.pid());
                assertTrue(after <= before * 1.05, "RSS " + before / 1024 + " KiB before 20 reloads, " + after / 1024
                        + " KiB after");
                System.out.println("reload RSS: " + before / 1024 + " KiB before, " + after / 1024 + " KiB after "
                        + RELOADS + " reloads");
            }
        }
    }

    private Path config(String mode, int port, int serverPort) throws Exception {
        Path cfg = dir.resolve("sluice-" + mode + ".cfg");
        Files.writeString(cfg, """
                global
                    nbthread 2
                    hard-stop-after 60s
                defaults
                    mode %s
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server nginx 127.0.0.1:%d
                """.formatted(mode, port, serverPort));
        return cfg;
    }

    /** Twenty SIGHUPs, 200 ms apart, starting 1 s into the load; each reload confirmed before the next. */
    private static void reloadTwenty(SluiceProcess sluice) throws Exception {
        Thread.sleep(1_000);
        for (int i = 1; i <= RELOADS; i++) {
            sluice.signal("HUP");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count(sluice.output(), "sluice: reloaded ") < i) {
                assertTrue(System.nanoTime() - deadline < 0, "reload " + i + " not done: " + sluice.output());
                Thread.sleep(10);
            }
            Thread.sleep(200);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The process's resident set, in bytes, from {@code /proc/PID/status}. */
    static long rss(long pid) throws Exception {
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        assertTrue(m.find());
        return Long.parseLong(m.group(1)) * 1024;
    }
}
