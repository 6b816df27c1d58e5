package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop signals under load, as a service manager sends them: SIGTERM (and
 * SIGUSR1, the soft stop) arrive while {@code wrk -c50} keeps 50 keep-alive
 * connections busy through Sluice to a real nginx. Not one request may fail:
 * each response in flight says {@code Connection: close}, a request already
 * on its way to an idle-looking connection is still answered, and the clients
 * that then reconnect are refused, not reset.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoftStopUnderLoadEndToEndTest {
    private static final int SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void sigtermDuringKeepAliveLoadFailsNoRequest() throws Exception {
        stopUnderLoad("TERM");
    }

    @Test
    void sigusr1DuringKeepAliveLoadFailsNoRequest() throws Exception {
        stopUnderLoad("USR1");
    }

    private void stopUnderLoad(String signal) throws Exception {
        try (Nginx nginx = new Nginx(dir.resolve("nginx"), "location / { return 200 \"ok\\n\"; }")) {
            int port = Nginx.freePort();
            Path cfg = dir.resolve("sluice.cfg");
            Files.writeString(cfg, """
                    global
                        nbthread 2
                    defaults
                        mode http
                        timeout connect 5s
                        timeout client 30s
                        timeout server 30s
                    frontend web
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        server nginx 127.0.0.1:%d
                    """.formatted(port, nginx.port()));
            try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
                sluice.awaitListening(port);
                try (Wrk wrk = new Wrk(dir, "http://127.0.0.1:" + port + "/", 2, 50, SECONDS)) {
                    Thread.sleep(2_000);
                    assertTrue(sluice.isAlive(), sluice.output());
                    sluice.signal(signal);
                    assertEquals(0, sluice.awaitExit(30), sluice.output());
                    Wrk.Result r = wrk.await(SECONDS + 20);
                    String out = sluice.output();
                    assertTrue(r.requests() > 1_000, "the load must have run before the stop: " + r.text());
                    assertEquals(0, r.failed(), "requests failed around the stop:\n" + r.text() + "\n" + out);
                    // wrk counts a refused reconnect as a write error (its non-blocking connect fails at the
                    // first write), so write errors alone do not tell a failed request. These do: every
                    // request that Sluice read was answered and counted by wrk, no session of Sluice's was cut,
                    // and a request cut before Sluice read it shows up at wrk as a read error, counted above.
                    assertEquals(r.requests(), counter(out, "http_requests"), r.text() + "\n" + out);
                    assertEquals(counter(out, "sessions_closed"), counter(out, "sessions_ended_done"), out);
                    assertTrue(r.connectErrors() + r.writeErrors() > 0, "the clients found Sluice gone: " + r.text());
                    assertEquals(0, counter(out, "buffers_in_use"), out);
                    assertTrue(!out.contains("aborting"), "every session must have ended by itself: " + out);
                }
            }
        }
    }

    /** A counter of the summary Sluice prints when it stops. */
    private static long counter(String output, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(output);
        assertTrue(m.find(), name + " missing from the summary: " + output);
        return Long.parseLong(m.group(1));
    }
}
