package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs that run: requests through Sluice to a real origin, the lines
 * received on a UDP socket of this test, on a UNIX datagram socket that
 * {@code socat} reads, and on Sluice's standard output. Every line is checked
 * field by field: the request line, status, bytes, names, timers and the
 * termination state of each way an exchange can end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpAccessLogEndToEndTest extends HttpEndToEnd {
    /** HAProxy's httplog body, as Sluice writes it (format raw: no syslog header). */
    private static final Pattern HTTPLOG = Pattern.compile("127\\.0\\.0\\.1:(\\d+) \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d"
            + ":\\d\\d\\.\\d{3}\\] (\\S+) (\\S+)/(\\S+) (-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+) (-?\\d+) (\\d+) - - (\\S{4})"
            + " (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\d+)/(\\d+) \"(.*)\"");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private DatagramSocket udp;

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (udp != null) {
            udp.close();
        }
    }

    private int udpReceiver() throws IOException {
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(10_000);
        return udp.getLocalPort();
    }

    private String nextLine() throws IOException {
        byte[] b = new byte[8192];
        DatagramPacket p = new DatagramPacket(b, b.length);
        udp.receive(p);
        String s = new String(b, 0, p.getLength(), StandardCharsets.ISO_8859_1);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** The next traffic line (event lines, which a refusal adds, are skipped). */
    private String nextTrafficLine() throws IOException {
        while (true) {
            String line = nextLine();
            if (!line.matches("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\] front\\w*: .*")) {
                return line;
            }
        }
    }

    private void assertNoMoreLines() throws IOException {
        udp.setSoTimeout(500);
        try {
            String extra = nextLine();
            throw new AssertionError("one line too many: " + extra);
        } catch (SocketTimeoutException expected) {
            // nothing more: one line per exchange
        } finally {
            udp.setSoTimeout(10_000);
        }
    }

    private static Matcher httplog(String line) {
        Matcher m = HTTPLOG.matcher(line);
        assertTrue(m.matches(), "not an httplog line: " + line);
        return m;
    }

    @Test
    void keepAliveGivesOneHttplogLinePerRequestWithItsOwnTimersAndBytes() throws Exception {
        HttpTestOrigin origin = origin();
        int port = udpReceiver();
        start(cfg(origin).defaults("log 127.0.0.1:" + port + " format raw local0", "option httplog"));
        HttpWire w = wire();
        for (int n : new int[] {10, 2000, 0}) {
            assertEquals(200, w.exchange(get("/size/" + n)).status());
        }
        int clientPort = -1;
        for (int n : new int[] {10, 2000, 0}) {
            Matcher m = httplog(nextLine());
            if (clientPort < 0) {
                clientPort = Integer.parseInt(m.group(1));
            }
            assertEquals(clientPort, Integer.parseInt(m.group(1)), "the same connection");
            assertEquals("front", m.group(2));
            assertEquals("app", m.group(3));
            assertEquals("s1", m.group(4));
            for (int t = 5; t <= 9; t++) {
                assertTrue(Long.parseLong(m.group(t)) >= 0, "timer " + t + " of " + m.group());
            }
            assertTrue(Long.parseLong(m.group(9)) >= Long.parseLong(m.group(8)), "Ta covers Tr: " + m.group());
            assertEquals("200", m.group(10));
            long bytes = Long.parseLong(m.group(11));
            assertTrue(bytes > n && bytes < n + 200, "%B counts the head and the body: " + m.group());
            assertEquals("----", m.group(12));
            assertEquals("0", m.group(16), "the exchange's slot is given back when it is logged, as HAProxy counts: "
                    + m.group());
            assertEquals("0", m.group(17), "no retry");
            assertEquals("GET /size/" + n + " HTTP/1.1", m.group(20));
        }
        assertNoMoreLines();
    }

    @Test
    void httplogClfAndTcplogLinesRun() throws Exception {
        HttpTestOrigin origin = origin();
        int port = udpReceiver();
        ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(echo);
        Thread.ofVirtual().start(() -> {
            try (Socket s = echo.accept()) {
                s.getOutputStream().write(s.getInputStream().readNBytes(4));
            } catch (IOException ignored) {
                // the test fails on its own reads
            }
        });
        start(cfg(origin).defaults("log 127.0.0.1:" + port + " format raw local0").frontend("option httplog clf")
                .more("frontend tcpfront", "    mode tcp", "    bind 127.0.0.1:0", "    option tcplog",
                        "    default_backend echo", "backend echo", "    mode tcp",
                        "    server e1 127.0.0.1:" + echo.getLocalPort()));
        assertEquals(200, wire().exchange(get("/size/5")).status());
        String clf = nextLine();
        assertTrue(clf.matches("127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\] \"GET /size/5"
                + " HTTP/1\\.1\" 200 \\d+ \"\" \"\" \\d+ \\d{3} \"front\" \"app\" \"s1\" \\d+ \\d+ \\d+ \\d+ \\d+ ----"
                + " \\d+ \\d+ 0 0 0 0 0 \"\" \"\" ?"), clf);
        try (Socket s = new Socket("127.0.0.1", sluice.boundAddresses().get(1).getPort())) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        String tcp = nextLine();
        assertTrue(tcp.matches("127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] tcpfront"
                + " echo/e1 \\d+/\\d+/\\d+ 4 -- \\d+/\\d+/\\d+/\\d+/0 0/0"), tcp);
    }

    @Test
    void eachWayAnExchangeEndsHasHaproxysTerminationState() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("stall", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab");
        int port = udpReceiver();
        int closedPort = FreePorts.next();
        start(cfg(origin).defaults("log 127.0.0.1:" + port + " format raw local0",
                "log-format \"%ts %ST %b/%s %{+Q}r\"")
                .frontend("http-request deny if { path_beg /deny }", "use_backend gone if { path_beg /gone }",
                        "default_backend app")
                .backend("timeout server 1s")
                .more("backend gone", "    server g1 127.0.0.1:" + closedPort,
                        "frontend queued", "    bind 127.0.0.1:0", "    default_backend one",
                        "backend one", "    timeout queue 1s", "    timeout server 20s",
                        "    server o1 127.0.0.1:" + origin.port() + " maxconn 1"));
        int queuedPort = sluice.boundAddresses().get(1).getPort();

        assertEquals(200, wire().exchange(get("/size/3")).status());
        assertEquals("-- 200 app/s1 \"GET /size/3 HTTP/1.1\"", nextTrafficLine(), "normal end");

        assertEquals(403, wire().exchange(get("/deny/me")).status());
        assertEquals("PR 403 front/<NOSRV> \"GET /deny/me HTTP/1.1\"", nextTrafficLine(), "Sluice's own deny");

        assertEquals(503, wire().exchange(get("/gone")).status());
        assertEquals("SC 503 gone/g1 \"GET /gone HTTP/1.1\"", nextTrafficLine(), "connection refused");

        assertEquals(504, wire().exchange(get("/slow/3000")).status());
        assertEquals("sH 504 app/s1 \"GET /slow/3000 HTTP/1.1\"", nextTrafficLine(), "no response head in time");

        HttpWire stalled = wire();
        stalled.send(get("/dribble/stall"));
        assertEquals("sD 200 app/s1 \"GET /dribble/stall HTTP/1.1\"", nextTrafficLine(),
                "the body stopped coming");

        try (Socket c = new Socket("127.0.0.1", port())) {
            c.getOutputStream().write(get("/slow/2000").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
            c.setSoLinger(true, 0);
        }
        assertEquals("CH -1 app/s1 \"GET /slow/2000 HTTP/1.1\"", nextTrafficLine(), "the client reset while waiting");

        try (Socket c = new Socket("127.0.0.1", port())) {
            c.getOutputStream().write("GET /half".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
            c.setSoLinger(true, 0);
        }
        assertEquals("CR -1 front/<NOSRV> \"<BADREQ>\"", nextTrafficLine(), "the client reset mid-request");

        // One request holds the only slot of backend one; the next waits past timeout queue.
        try (Socket holder = new Socket("127.0.0.1", queuedPort)) {
            OutputStream out = holder.getOutputStream();
            out.write(get("/slow/2500").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
            try (HttpWire w = new HttpWire(queuedPort)) {
                assertEquals(503, w.exchange(get("/size/1")).status());
            }
            assertEquals("sQ 503 one/<NOSRV> \"GET /size/1 HTTP/1.1\"", nextTrafficLine(), "queue timeout");
            holder.getInputStream().readNBytes(12);
        }
        assertEquals("-- 200 one/o1 \"GET /slow/2500 HTTP/1.1\"", nextTrafficLine());
    }

    @Test
    void theClientAPROXYHeaderNamesIsTheOneLogged() throws Exception {
        HttpTestOrigin origin = origin();
        int port = udpReceiver();
        start(cfg(origin).defaults("log 127.0.0.1:" + port + " format raw local0", "log-format \"%ci:%cp %fi:%fp %ST\"")
                .more("frontend proxied", "    bind 127.0.0.1:0 accept-proxy", "    default_backend app"));
        try (HttpWire w = new HttpWire(sluice.boundAddresses().get(1).getPort())) {
            w.send("PROXY TCP4 10.1.2.3 192.0.2.7 5555 8080\r\n");
            assertEquals(200, w.exchange(get("/size/2")).status());
        }
        assertEquals("10.1.2.3:5555 192.0.2.7:8080 200", nextLine());
    }

    /**
     * Sluice's own {@code %Tb}: under a pool of 4 buffers (reserve 2) and one
     * server slot, 12 clients at once wait for buffers to read their requests
     * into; their lines say how long, by class, and the classes add up.
     */
    @Test
    void bufferWaitsAreLoggedByClass() throws Exception {
        HttpTestOrigin origin = origin();
        int port = udpReceiver();
        start(cfg(origin).loops(1, 4, 2).server("maxconn 1")
                .defaults("log 127.0.0.1:" + port + " format raw local0", "log-format \"%Tb %Tbn %Tbu %Tbc %ST\""));
        int clients = 12;
        List<Thread> threads = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (HttpWire w = new HttpWire(port())) {
                    statuses.add(w.exchange(get("/slow/30")).status());
                } catch (IOException e) {
                    statuses.add(-1);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(java.util.Collections.nCopies(clients, 200), statuses);
        long waited = 0;
        for (int i = 0; i < clients; i++) {
            String[] f = nextLine().split(" ");
            assertEquals("200", f[4]);
            long total = Long.parseLong(f[0]);
            long byClass = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
            assertTrue(Math.abs(total - byClass) <= 2, "the classes add up to %Tb: " + String.join(" ", f));
            waited += total;
        }
        assertTrue(waited > 0, "12 requests through 2 NORMAL buffers and one slot, and none waited");
    }

    @Test
    void aRefusalIsAnEventLineBesideItsTrafficLine() throws Exception {
        HttpTestOrigin origin = origin();
        int port = udpReceiver();
        start(cfg(origin).defaults("log 127.0.0.1:" + port + " format raw local0", "option httplog"));
        assertEquals(400, wire().exchange("GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n").status());
        List<String> lines = List.of(nextLine(), nextLine());
        assertTrue(lines.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\] front: 400 .+")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> HTTPLOG.matcher(l).matches() && l.contains(" 400 ")
                && l.contains(" PR-- ")), lines.toString());
    }

    @Test
    void linesReachAUnixDatagramSocketReadBySocat() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/socat")), "this test needs socat (apt-get install socat)");
        Path socket = dir.resolve("log.sock");
        Path out = dir.resolve("socat.out");
        Process socat = new ProcessBuilder("/usr/bin/socat", "-u", "UNIX-RECV:" + socket, "CREATE:" + out)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.err").toFile()).start();
        processes.add(socat);
        awaitTrue(() -> Files.exists(socket), () -> "socat never made " + socket);
        HttpTestOrigin origin = origin();
        start(cfg(origin).defaults("log " + socket + " local0", "option httplog"));
        assertEquals(200, wire().exchange(get("/size/7")).status());
        awaitTrue(() -> read(out).contains("\"GET /size/7 HTTP/1.1\""), () -> "socat got: " + read(out));
        String text = read(out);
        // The default header on a UNIX socket: priority, date, tag and pid, as HAProxy sends to /dev/log.
        assertTrue(text.matches("(?s)<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d sluice\\[\\d+\\]: 127\\.0\\.0\\.1:\\d+ .*"
                + " front app/s1 .* 200 .* ---- .*\"GET /size/7 HTTP/1.1\"\n?"), text);
    }

    @Test
    void linesReachStandardOutput() throws Exception {
        HttpTestOrigin origin = origin();
        Path cfg = dir.resolve("stdout.cfg");
        int front = freePort();
        Files.writeString(cfg, stdoutConfig(front, origin.port()));
        try (SluiceProcess p = new SluiceProcess(dir, cfg)) {
            p.awaitListening(front);
            try (HttpWire w = new HttpWire(front)) {
                assertEquals(200, w.exchange(get("/size/4")).status());
            }
            p.awaitOutput("\"GET /size/4 HTTP/1.1\"", 10);
            String line = p.output().lines().filter(l -> l.contains("/size/4")).findFirst().orElseThrow();
            assertTrue(line.matches("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\] web app/s1 \\d+/\\d+/\\d+/\\d+/\\d+ 200 \\d+ - - ----"
                    + " \\d+/\\d+/\\d+/\\d+/0 0/0 \"GET /size/4 HTTP/1.1\""), line);
        }
    }

    /**
     * A writer that cannot write never slows a loop: Sluice logs to its standard
     * output, a pipe this test does not read, so the writer thread blocks once the
     * pipe is full, and the rings fill. Requests go on being served at once; the
     * lines a full ring could not take are dropped and counted, and when the pipe
     * is read again the writer reports how many.
     */
    @Test
    void aStalledWriterDropsAndCountsLinesWhileRequestsGoOn() throws Exception {
        HttpTestOrigin origin = origin();
        Path cfg = dir.resolve("stall.cfg");
        int front = freePort();
        Files.writeString(cfg, stdoutConfig(front, origin.port()));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sluice.cli.Main", "-f", cfg.toString());
        // Standard output is a pipe nobody reads until the end; standard error goes to a file.
        Process p = SluiceProcess.asBinSluiceDoes(new ProcessBuilder(cmd).redirectError(dir.resolve("stall.err").toFile()))
                .start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", front)) {
                break;
            } catch (IOException notYet) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "sluice did not start: " + read(dir.resolve("stall.err")));
                Thread.sleep(50);
            }
        }
        int requests = 8000;
        long started = System.nanoTime();
        try (HttpWire w = new HttpWire(front)) {
            for (int i = 0; i < requests; i++) {
                assertEquals(200, w.exchange(get("/size/1")).status(), "request " + i);
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds < 30, requests + " requests took " + seconds + " s with the writer stalled");
        // Read the pipe again: the writer goes on, and reports what the full ring dropped.
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.ISO_8859_1));
        long logged = 0;
        long dropped = 0;
        // "1 line dropped" when one was; a count this test misses would leave it reading for ever, so a watchdog
        // ends the process after a minute, and the read below then fails with the counts.
        Pattern report = Pattern.compile("(\\d+) lines? dropped: the log ring of (loop \\d+|the process) was full");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(60_000);
                p.destroy();
            } catch (InterruptedException done) {
                // the lines were all read in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        while (logged + dropped < requests) {
            String line = out.readLine();
            assertTrue(line != null, "standard output ended after " + logged + " lines, " + dropped + " dropped");
            Matcher m = report.matcher(line);
            if (m.find()) {
                dropped += Long.parseLong(m.group(1));
            } else if (line.contains("\"GET /size/1 HTTP/1.1\"")) {
                logged++;
            }
        }
        watchdog.interrupt();
        assertTrue(dropped > 0, "the ring never filled: " + logged + " lines logged");
        assertEquals(requests, logged + dropped, "every line logged or counted as dropped");
    }

    /** A frontend {@code web} on {@code front} with httplog lines on standard output, to an origin. */
    private static String stdoutConfig(int front, int originPort) {
        return """
                global
                    log stdout format raw daemon
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 5s
                    timeout client 10s
                    timeout server 10s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                """.formatted(front, originPort);
    }

    private static int freePort() throws IOException {
        return FreePorts.next();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
