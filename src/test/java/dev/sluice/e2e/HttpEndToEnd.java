package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import dev.sluice.stats.Summary;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * What every HTTP end-to-end test shares: a configuration builder, a running
 * Sluice, origins that close with the test, and the check after each test that
 * no session is left open and every buffer of every loop is back in its pool.
 */
abstract class HttpEndToEnd {
    /** Closed after the test, after Sluice: origins. */
    final List<AutoCloseable> toClose = new ArrayList<>();
    /** Closed first, before the checks: client connections a test left open. */
    final List<AutoCloseable> clients = new ArrayList<>();
    Sluice sluice;

    @AfterEach
    void noSessionIsLeftAndEveryBufferIsBackInItsPool() throws Exception {
        try {
            for (int i = clients.size() - 1; i >= 0; i--) {
                clients.get(i).close();
            }
            if (sluice != null) {
                assertNoSessionAndEveryBufferBack();
            }
        } finally {
            if (sluice != null) {
                sluice.close();
            }
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
        }
    }

    /** Waits for every session to end, then checks that every pool is full and no wakeup failed. */
    void assertNoSessionAndEveryBufferBack() throws Exception {
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions still open: " + sluice.openSessions());
        for (Sluice.PoolReading p : sluice.pools()) {
            assertEquals(p.size(), p.free(), "loop " + p.loop() + ": buffers not back in the pool");
            assertEquals(0, p.waiting(), "loop " + p.loop() + ": waiters left in the pool's queues");
        }
        Summary s = sluice.summary();
        assertEquals(0, s.get("buffer_failed_wakeups"), s.render());
        assertEquals(0, s.get("task_failures"), s.render());
    }

    /** A configuration in mode http with one frontend, backend {@code app} and its server {@code s1}. */
    static final class Cfg {
        int loops = 1;
        int limit = 64;
        int reserve = 2;
        final List<String> global = new ArrayList<>();
        final List<String> defaults = new ArrayList<>();
        final List<String> frontend = new ArrayList<>();
        final List<String> backend = new ArrayList<>();
        final List<String> more = new ArrayList<>();
        final int serverPort;
        String serverOptions = "";
        boolean httpRequestTimeout = true;

        Cfg(int serverPort) {
            this.serverPort = serverPort;
        }

        Cfg loops(int n, int buffersLimit, int buffersReserve) {
            loops = n;
            limit = buffersLimit;
            reserve = buffersReserve;
            return this;
        }

        Cfg global(String... lines) {
            global.addAll(List.of(lines));
            return this;
        }

        Cfg defaults(String... lines) {
            defaults.addAll(List.of(lines));
            return this;
        }

        Cfg frontend(String... lines) {
            frontend.addAll(List.of(lines));
            return this;
        }

        Cfg backend(String... lines) {
            backend.addAll(List.of(lines));
            return this;
        }

        /** Leaves out the default {@code timeout http-request}. */
        Cfg withoutHttpRequestTimeout() {
            httpRequestTimeout = false;
            return this;
        }

        Cfg server(String options) {
            serverOptions = options;
            return this;
        }

        /** Whole sections after backend {@code app}. */
        Cfg more(String... lines) {
            more.addAll(List.of(lines));
            return this;
        }

        String text() {
            List<String> l = new ArrayList<>();
            l.add("global");
            l.add("    nbthread " + loops);
            l.add("    tune.buffers.limit " + limit);
            l.add("    tune.buffers.reserve " + reserve);
            l.add("    hard-stop-after 5s");
            global.forEach(g -> l.add("    " + g));
            l.add("defaults");
            l.add("    mode http");
            l.add("    timeout connect 5s");
            l.add("    timeout client 30s");
            l.add("    timeout server 30s");
            l.add("    timeout queue 30s");
            if (httpRequestTimeout) {
                l.add("    timeout http-request 10s");
            }
            defaults.forEach(d -> l.add("    " + d));
            l.add("frontend front");
            l.add("    bind 127.0.0.1:0");
            frontend.forEach(f -> l.add("    " + f));
            if (frontend.stream().noneMatch(f -> f.startsWith("default_backend") || f.startsWith("use_backend"))) {
                l.add("    default_backend app");
            }
            l.add("backend app");
            backend.forEach(b -> l.add("    " + b));
            l.add("    server s1 127.0.0.1:" + serverPort + " " + serverOptions);
            l.addAll(more);
            l.add("");
            return String.join("\n", l);
        }
    }

    HttpTestOrigin origin() throws IOException {
        HttpTestOrigin o = new HttpTestOrigin();
        toClose.add(o);
        return o;
    }

    static Cfg cfg(HttpTestOrigin origin) {
        return new Cfg(origin.port());
    }

    void start(Cfg cfg) throws Exception {
        sluice = Sluice.start(ConfigParser.parse("e2e-http.cfg", cfg.text()));
    }

    int port() {
        return sluice.boundAddresses().get(0).getPort();
    }

    HttpWire wire() throws IOException {
        HttpWire w = new HttpWire(port());
        clients.add(w);
        return w;
    }

    long counter(String name) {
        return sluice.summary().get(name);
    }

    /** Waits for a counter to reach {@code expected}: sessions count their ends on their own loop. */
    void awaitCounter(String name, long expected) throws InterruptedException {
        awaitTrue(() -> counter(name) == expected, () -> name + " is " + counter(name) + ", expected " + expected
                + "\n" + sluice.summary().render());
    }

    static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(failure.get());
            }
            Thread.sleep(5);
        }
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    // --- curl ---

    record CurlResult(int exit, byte[] out, String err) {
        String text() {
            return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    static void assumeCurl() {
        boolean present = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            present |= Files.isExecutable(Path.of(dir, "curl"));
        }
        assumeTrue(present, "curl is not installed");
    }

    /** Runs curl with {@code args}, bounded in time; its standard output is returned whole. */
    static CurlResult curl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--noproxy", "*"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "curl", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not end: " + cmd);
        }
        return new CurlResult(p.exitValue(), out, Files.readString(err));
    }
}
