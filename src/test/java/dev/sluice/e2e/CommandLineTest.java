package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user runs it: a separate JVM, checked configurations,
 * and a graceful stop on SIGTERM that prints the counters and exits 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void checkAcceptsAValidFileAndExitsZero() throws Exception {
        Path cfg = write("ok.cfg", tcpConfig(freePort(), 9));
        Result r = runToEnd("-c", "-f", cfg.toString());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("valid"), r.output);
    }

    @Test
    void checkRefusesABadLineNamingFileAndLineAndExitsOne() throws Exception {
        Path cfg = write("bad.cfg", "global\n    nbthread 1\n    frobnicate on\n");
        Result r = runToEnd("-c", "-f", cfg.toString());
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("bad.cfg:3"), "the error must name the file and line: " + r.output);
    }

    @Test
    void checkPrintsEveryErrorInLineOrderThenCountsThoseBeyondTheCap() throws Exception {
        StringBuilder text = new StringBuilder("global\n    cpu-map 1 0\nfrontend f\n    bind :80\n    default_backend b\n"
                + "    stats http-request deny\nbackend b\n    server s 127.0.0.1:1 slowstart 1s\n");
        for (int i = 0; i < 120; i++) {
            text.append("    bogus").append(i).append('\n');
        }
        Path cfg = write("many.cfg", text.toString());
        Result r = runToEnd("-c", "-f", cfg.toString());
        assertEquals(1, r.exit, r.output);
        List<String> lines = r.output.lines().toList();
        assertTrue(lines.get(0).startsWith(cfg + ":2: 'cpu-map' is not supported by Sluice"), r.output);
        assertTrue(lines.get(1).startsWith(cfg + ":6: 'stats http-request' is not supported by Sluice"), r.output);
        assertTrue(lines.get(2).startsWith(cfg + ":8: server s: 'slowstart' is not supported by Sluice"), r.output);
        assertTrue(lines.get(3).startsWith(cfg + ":9: 'bogus0' is not supported by Sluice"), r.output);
        assertEquals(101, lines.size(), r.output);
        assertEquals("sluice: 23 more errors in " + cfg + " not shown", lines.get(100));
    }

    @Test
    void checkOfAValidFileWithoutAnyListenerSaysItWillNotStartAndExitsTwoAsHaproxyDoes() throws Exception {
        Path cfg = write("nolistener.cfg", "backend b\n    server s 127.0.0.1:1\nfrontend f\n    default_backend b\n");
        Result r = runToEnd("-c", "-f", cfg.toString());
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains(cfg + ":3: warning: frontend 'f' has no bind line"), r.output);
        assertTrue(r.output.contains("Configuration file has no error but will not start (no listener)"), r.output);
        Result run = runToEnd("-f", cfg.toString());
        assertEquals(1, run.exit, run.output);
        assertTrue(run.output.contains("no enabled listener found"), run.output);
    }

    @Test
    void heapOptionsAreSizedFromMaxconnAndTheDirectMemoryFromTheArena() throws Exception {
        Path small = write("small.cfg", tcpConfig(freePort(), 9));
        Result r = runToEnd("--heap", "-f", small.toString());
        assertEquals(0, r.exit, r.output);
        // maxconn 2000: 24 MiB + 2000 x 8 KiB; 16 buffers of 16 KB and 64 MiB of room.
        assertTrue(r.output.trim().endsWith("-Xms16m -Xmx40m -XX:MaxDirectMemorySize=64m"), r.output);
        Path large = write("large.cfg", tcpConfig(freePort(), 9).replace("nbthread 1\n", "nbthread 1\n    maxconn 20000\n"));
        r = runToEnd("--heap", "-f", large.toString());
        assertTrue(r.output.trim().endsWith("-Xms16m -Xmx181m -XX:MaxDirectMemorySize=64m"), r.output);
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        Result r = runToEnd("--version");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.startsWith("sluice "), r.output);
    }

    @Test
    void sigtermStopsAcceptingLetsSessionsFinishPrintsCountersAndExitsZero() throws Exception {
        try (TestOrigin origin = new TestOrigin(TestOrigin.Mode.ECHO)) {
            int port = freePort();
            Path cfg = write("run.cfg", tcpConfig(port, origin.port()));
            Process p = start("-f", cfg.toString());
            try {
                awaitListening(port);
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertEquals("ping", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                }
                p.toHandle().destroy(); // SIGTERM, leaving our end of its output open
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sluice did not stop after SIGTERM");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), out);
                // Two sessions: the readiness probe's and the ping's.
                assertTrue(out.contains("\nsessions_opened 2\n"), "summary missing or wrong: " + out);
                assertTrue(out.contains("\nsessions_closed 2\n"), out);
                assertTrue(out.contains("\nbuffers_in_use 0\n"), out);
                assertTrue(out.contains("buffer_failed_wakeups 0"), out);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private Result runToEnd(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx64m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.sluice.cli.Main");
        cmd.addAll(List.of(args));
        return SluiceProcess.asBinSluiceDoes(new ProcessBuilder(cmd).redirectErrorStream(true)).start();
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("sluice never listened on " + port);
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String tcpConfig(int port, int serverPort) {
        return "global\n    nbthread 1\n    tune.buffers.limit 16\n"
                + "defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
                + "frontend front\n    bind 127.0.0.1:" + port + "\n    default_backend app\n"
                + "backend app\n    server s1 127.0.0.1:" + serverPort + " maxconn 4\n";
    }

    private static int freePort() throws IOException {
        return FreePorts.next();
    }
}
