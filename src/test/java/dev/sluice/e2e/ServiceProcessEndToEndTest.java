package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice as a service, for real: the tests run as root, so a child JVM can
 * drop to {@code nobody} in an empty {@code chroot} after binding, go to the
 * background as a {@code daemon}, and set its descriptor limit; the test reads
 * what the kernel says of the process in {@code /proc/PID}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceProcessEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void afterBindingItRunsAsNobodyInAnEmptyChrootAndStillRelaysAndStopsCleanly() throws Exception {
        assertEquals(0L, new com.sun.security.auth.module.UnixSystem().getUid(), "this test must run as root");
        try (TestOrigin origin = new TestOrigin(TestOrigin.Mode.ECHO)) {
            int port = Nginx.freePort();
            Path jail = Files.createDirectories(dir.resolve("jail"));
            Path pidfile = dir.resolve("sluice.pid");
            Path cfg = write(tcpConfig(port, origin.port(), "user nobody", "group nogroup", "chroot " + jail,
                    "pidfile " + pidfile));
            try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
                sluice.awaitOutput(" running ", 30);
                sluice.awaitListening(port);
                long pid = sluice.pid();
                assertEquals(pid + "\n", Files.readString(pidfile));
                String status = Files.readString(Path.of("/proc/" + pid + "/status"));
                assertEquals(List.of("65534", "65534", "65534", "65534"), field(status, "Uid"), status);
                assertEquals(List.of("65534", "65534", "65534", "65534"), field(status, "Gid"), status);
                assertEquals(List.of("65534"), field(status, "Groups"), status);
                assertEquals(jail.toRealPath(), Path.of("/proc/" + pid + "/root").toRealPath());
                assertEquals("ping", echo(port, "ping"));
                sluice.signal("TERM");
                assertEquals(0, sluice.awaitExit(30), sluice.output());
                String out = sluice.output();
                assertTrue(out.contains("\nsessions_ended_done 2\n"), out);
                // Nothing failed after the root changed: no class or file went missing.
                assertFalse(out.contains("NoClassDefFoundError") || out.contains("failed:")
                        || out.contains("Exception in"), out);
            }
        }
    }

    @Test
    void daemonReturnsOnceTheBackgroundProcessListensInASessionOfItsOwnNamedByThePidfile() throws Exception {
        int port = Nginx.freePort();
        Path pidfile = dir.resolve("bg.pid");
        Path cfg = write(tcpConfig(port, 9, "daemon", "pidfile " + pidfile));
        long backgroundPid = 0;
        try (SluiceProcess starter = new SluiceProcess(dir, cfg)) {
            assertEquals(0, starter.awaitExit(60), starter.output());
            String said = starter.output();
            Matcher m = Pattern.compile("running in the background as pid (\\d+)").matcher(said);
            assertTrue(m.find(), said);
            backgroundPid = Long.parseLong(m.group(1));
            assertNotEquals(starter.pid(), backgroundPid);
            assertEquals(backgroundPid + "\n", Files.readString(pidfile));
            assertTrue(accepts(port), "the background process does not listen");
            // setsid: the process leads a session of its own (field 6 of /proc/PID/stat).
            String stat = Files.readString(Path.of("/proc/" + backgroundPid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals(Long.toString(backgroundPid), fields[3], stat);
            assertEquals("/dev/null", Path.of("/proc/" + backgroundPid + "/fd/1").toRealPath().toString());
            assertTrue(ProcessHandle.of(backgroundPid).orElseThrow().destroy());
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ProcessHandle.of(backgroundPid).map(ProcessHandle::isAlive).orElse(false)) {
                assertTrue(System.nanoTime() - gone < 0, "the background process did not stop on SIGTERM");
                Thread.sleep(50);
            }
            assertFalse(Files.exists(pidfile), "the pidfile outlived the process");
            backgroundPid = 0;
        } finally {
            if (backgroundPid != 0) {
                ProcessHandle.of(backgroundPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void ulimitNSetsTheDescriptorLimitOfTheProcess() throws Exception {
        int port = Nginx.freePort();
        Path cfg = write(tcpConfig(port, 9, "ulimit-n 3000"));
        try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
            sluice.awaitListening(port);
            String limits = Files.readString(Path.of("/proc/" + sluice.pid() + "/limits"));
            // The soft limit is what ulimit-n says; the hard one stays, so that it could be raised again.
            assertTrue(limits.lines().anyMatch(l -> l.matches("Max open files\\s+3000\\s+\\d+\\s+files\\s*")), limits);
        }
    }

    @Test
    void aMaxconnTheDescriptorLimitCannotHoldIsRefusedWithTheNumbers() throws Exception {
        Path cfg = write(tcpConfig(Nginx.freePort(), 9, "ulimit-n 500", "maxconn 1000"));
        try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
            assertEquals(1, sluice.awaitExit(30));
            String out = sluice.output();
            assertTrue(out.matches("(?s).*maxconn 1000 needs \\d+ descriptors .* but the limit is 500; raise the limit"
                    + " .* or lower maxconn to \\d+.*"), out);
        }
    }

    @Test
    void theDefaultMaxconnIsLoweredToWhatTheDescriptorLimitHoldsWithAWarning() throws Exception {
        int port = Nginx.freePort();
        Path cfg = write(tcpConfig(port, 9, "ulimit-n 500"));
        try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
            sluice.awaitListening(port);
            sluice.awaitOutput("maxconn lowered to", 10);
            Matcher m = Pattern.compile("maxconn 2000 needs (\\d+) descriptors .* maxconn lowered to (\\d+)")
                    .matcher(sluice.output());
            assertTrue(m.find(), sluice.output());
            int lowered = Integer.parseInt(m.group(2));
            assertTrue(lowered > 100 && lowered < 250, sluice.output());
        }
    }

    private Path write(String text) throws IOException {
        Path p = Files.createTempFile(dir, "sluice", ".cfg");
        Files.writeString(p, text);
        return p;
    }

    private static String tcpConfig(int port, int serverPort, String... global) {
        return "global\n    nbthread 1\n    tune.buffers.limit 16\n" + String.join("", global.length == 0 ? new String[0]
                : java.util.Arrays.stream(global).map(g -> "    " + g + "\n").toArray(String[]::new))
                + "defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
                + "frontend front\n    bind 127.0.0.1:" + port + "\n    default_backend app\n"
                + "backend app\n    server s1 127.0.0.1:" + serverPort + "\n";
    }

    private static List<String> field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .map(l -> List.of(l.substring(name.length() + 1).trim().split("\\s+"))).orElseThrow();
    }

    private static String echo(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
