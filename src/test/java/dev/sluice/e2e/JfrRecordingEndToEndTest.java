package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator profiles a running Sluice with a JFR recording ({@code jcmd PID
 * JFR.start}). The recording's sampler suspends the threads it samples with
 * HotSpot's suspend signal, SIGUSR2 by default, which is also Sluice's reload
 * signal: it used to reload Sluice about a hundred times a second and record
 * no sample at all. Started as bin/sluice starts it ({@code _JAVA_SR_SIGNUM}
 * moves the suspend signal), the recording samples the loop and nothing
 * reloads; a SIGUSR2 sent on purpose still does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrRecordingEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aJfrRecordingSamplesTheLoopsAndReloadsNothing() throws Exception {
        int port = Nginx.freePort();
        Path cfg = dir.resolve("sluice.cfg");
        Files.writeString(cfg, """
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend web
                    bind 127.0.0.1:%d
                    http-request return status 200 content-type text/plain string ok
                    default_backend app
                backend app
                    server s 127.0.0.1:9
                """.formatted(port));
        Path recording = dir.resolve("sluice.jfr");
        try (SluiceProcess sluice = new SluiceProcess(dir, cfg)) {
            sluice.awaitListening(port);
            jcmd(sluice.pid(), "JFR.start", "name=probe", "settings=profile");
            long end = System.nanoTime() + 3_000_000_000L;
            int answered = 0;
            while (System.nanoTime() < end) {
                answered += ask(port);
            }
            jcmd(sluice.pid(), "JFR.dump", "name=probe", "filename=" + recording);
            jcmd(sluice.pid(), "JFR.stop", "name=probe");
            String out = sluice.output();
            assertFalse(out.contains("reloaded"), "the recording reloaded Sluice:\n" + out);
            assertFalse(out.contains("warning: SIGUSR2"), out);
            assertTrue(answered > 10, "answered " + answered);
            long samples = executionSamples(recording);
            assertTrue(samples > 0, "no execution sample in the recording");
            System.out.println("JFR: " + samples + " execution samples over " + answered + " requests, no reload");
            // The reload signal itself still reloads.
            sluice.signal("USR2");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!sluice.output().contains("reloaded") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(sluice.output().contains("reloaded"), sluice.output());
        }
    }

    /** One request on a new connection; 1 when it was answered 200. */
    private static int ask(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.startsWith("HTTP/1.1 200") ? 1 : 0;
        }
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        return tool("jcmd", Long.toString(pid), command);
    }

    /** The count of jdk.ExecutionSample events, as {@code jfr summary} gives it. */
    private static long executionSamples(Path recording) throws IOException, InterruptedException {
        String summary = tool("jfr", "summary", recording.toString());
        Matcher m = Pattern.compile("(?m)^\\s*jdk\\.ExecutionSample\\s+(\\d+)").matcher(summary);
        assertTrue(m.find(), summary);
        return Long.parseLong(m.group(1));
    }

    private static String tool(String name, String first, String... rest) throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", name).toString());
        cmd.add(first);
        cmd.addAll(java.util.List.of(rest));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
