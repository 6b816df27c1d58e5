package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice's lines against HAProxy 2.6's, byte for byte. A real {@code haproxy}
 * (Debian's package, at /usr/sbin/haproxy) proxies requests to an origin of this
 * test and logs them over UDP to receivers of this test; Sluice then formats a
 * record holding the same values and sends it through its own writer to receivers
 * of its own, with the same {@code log} lines. The datagrams must be equal.
 *
 * <p>Five frontends: {@code option httplog} with every header format and {@code len},
 * a denied request among them, {@code option httplog clf}, a {@code log-format} using
 * most variables and flags, no format at all (HAProxy's "Connect from" line), and
 * {@code option tcplog} in TCP mode.
 *
 * <p>What cannot be equal is normalised, and only that: in the syslog header the
 * date (a different instant) and the pid (a different process). The values in the
 * body that this test cannot know in advance (the accept date, the timers, the
 * connection counts, and the byte counts, which HAProxy takes from its internal
 * form of the messages in HTTP mode, not from the wire) are read from HAProxy's line at the
 * places HAProxy's documentation gives them, and put in Sluice's record; every
 * other value (addresses, ports, names, status, request line, termination state,
 * queue positions) is fixed by the test. Derived values ({@code %Tt}, {@code %Tq},
 * {@code %Td}, {@code %Tu}, {@code %ms}, hexadecimal forms) are Sluice's own
 * computation. Any difference in a field, a separator or a quote fails the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HaproxyLogCompatibilityTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final String TAG = "sluice";
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TCP_REPLY = "a reply of thirty-one bytes....".getBytes(StandardCharsets.US_ASCII);
    private static final String CUSTOM = "[%t] %Th %Ti %TR %Tw %Tc %Tr %Ta %ac/%fc/%bc/%sc %B %U %{+Q}o %{-Q}ci:%cp %ft"
            + " %b %s %ST %HM %HU %HP %HQ %HV %ID %ts %tsc %{+X}cp %{+X}ci %{+E}r %CC %hr %hs x%hr y %rc %sq/%bq"
            + " %{-Q}fi:%fp %{-Q}si:%sp %Tt %Tq %Td %Tu %ms %{-Q}HQ|%{-Q}HV %{+X}Ts %%";
    /** The header formats every httplog line is also sent with; the first is the default. */
    private static final String[] FORMATS = {"", "format rfc3164 ", "format rfc5424 ", "format short ",
            "format priority ", "format timed ", "format iso ", "format raw ", "len 100 "};
    private static final DateTimeFormatter ACCEPT_DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH);

    @TempDir
    Path dir;

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private ServerSocket httpOrigin;
    private ServerSocket tcpOrigin;
    private Process haproxy;
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        assertTrue(Files.isExecutable(HAPROXY), "this test needs HAProxy 2.6 at " + HAPROXY
                + " (apt-get install haproxy)");
        httpOrigin = origin(RESPONSE, "\r\n\r\n");
        tcpOrigin = origin(TCP_REPLY, "ping");
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        httpOrigin.close();
        tcpOrigin.close();
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    void httplogClfCustomConnectFormatsAndEveryHeaderMatchHaproxyByteForByte() throws Exception {
        List<DatagramSocket> hx = new ArrayList<>();
        StringBuilder fe1Logs = new StringBuilder();
        for (String f : FORMATS) {
            DatagramSocket s = receiver();
            hx.add(s);
            fe1Logs.append("    log 127.0.0.1:").append(s.getLocalPort()).append(' ').append(f).append("local0\n");
        }
        DatagramSocket hxClf = receiver();
        DatagramSocket hxCustom = receiver();
        DatagramSocket hxConnect = receiver();
        int fe1 = freePort();
        int fe2 = freePort();
        int fe3 = freePort();
        int fe5 = freePort();
        startHaproxy("""
                frontend fe1
                    bind 127.0.0.1:%d
                %s    option httplog
                    http-request deny if { path_beg /deny }
                    default_backend be1
                frontend fe2
                    bind 127.0.0.1:%d
                    log 127.0.0.1:%d local1
                    option httplog clf
                    default_backend be1
                frontend fe3
                    bind 127.0.0.1:%d
                    log 127.0.0.1:%d format raw local2
                    log-format "%s"
                    default_backend be1
                frontend fe5
                    bind 127.0.0.1:%d
                    log 127.0.0.1:%d local3
                    default_backend be1
                backend be1
                    server srv1 127.0.0.1:%d
                """.formatted(fe1, fe1Logs, fe2, hxClf.getLocalPort(), fe3, hxCustom.getLocalPort(),
                CUSTOM.replace("\"", "\\\""), fe5, hxConnect.getLocalPort(), httpOrigin.getLocalPort()), fe1, fe2,
                fe3, fe5);

        String request = "GET /a/b?c=d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        Exchange served = exchange(fe1, request);
        List<String> haproxyLines = new ArrayList<>();
        for (DatagramSocket s : hx) {
            haproxyLines.add(receiveFor(s, served));
        }
        Exchange denied = exchange(fe1, "GET /deny HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String haproxyDenied = receiveFor(hx.get(0), denied);
        Exchange clf = exchange(fe2, request);
        String haproxyClf = receiveFor(hxClf, clf);
        Exchange custom = exchange(fe3, request);
        String haproxyCustom = receiveFor(hxCustom, custom);
        Exchange connect = exchange(fe5, request);
        String haproxyConnect = receiveFor(hxConnect, connect);

        // Sluice, with the same log lines pointed at receivers of its own.
        List<DatagramSocket> sx = new ArrayList<>();
        List<LogTarget> fe1Targets = new ArrayList<>();
        for (String f : FORMATS) {
            DatagramSocket s = receiver();
            sx.add(s);
            fe1Targets.add(parse("127.0.0.1:" + s.getLocalPort() + " " + f + "local0"));
        }
        DatagramSocket sxClf = receiver();
        DatagramSocket sxCustom = receiver();
        DatagramSocket sxConnect = receiver();
        Logging.Builder b = Logging.builder(new SyslogIdentity(TAG, ProcessHandle.current().pid(), null));
        ProxyLog p1 = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), fe1Targets, Set.of());
        ProxyLog p2 = b.proxy("fe2", LogFormat.httplogClf(LogMode.HTTP),
                List.of(parse("127.0.0.1:" + sxClf.getLocalPort() + " local1")), Set.of());
        ProxyLog p3 = b.proxy("fe3", LogFormat.compile(CUSTOM, LogMode.HTTP),
                List.of(parse("127.0.0.1:" + sxCustom.getLocalPort() + " format raw local2")), Set.of());
        ProxyLog p5 = b.proxy("fe5", LogFormat.connect(LogMode.HTTP),
                List.of(parse("127.0.0.1:" + sxConnect.getLocalPort() + " local3")), Set.of());
        try (Logging logging = b.start(1)) {
            LoopLog log = logging.loop(0);

            String[] f = body(haproxyLines.get(0)).split(" ");
            LogRecord r = httpRecord(served, fe1, "fe1", request);
            httpTimers(r, date(f[1].substring(1, f[1].length() - 1)), 0, 0, timers(f[4]));
            r.bytesToClient(Long.parseLong(f[6]));
            counts(r, f[10]);
            assertTrue(log.log(p1, r));
            for (int i = 0; i < FORMATS.length; i++) {
                assertSame(haproxyLines.get(i), receive(sx.get(i)), "httplog, " + FORMATS[i] + "local0");
            }

            f = body(haproxyDenied).split(" ");
            LogRecord d = new LogRecord();
            d.client(denied.client);
            d.frontend("fe1");
            d.request("GET", "/deny", "HTTP/1.1");
            d.status(403);
            d.termination(TerminationCause.PROXY, TerminationPhase.REQUEST);
            long[] t = timers(f[4]);
            assertEquals(-1, t[1], "HAProxy denied the request before the queue: " + haproxyDenied);
            d.accepted(0, date(f[1].substring(1, f[1].length() - 1)));
            d.requestStarted(0);
            d.requestReady(ms(t[0]));
            d.ended(ms(t[4]));
            d.bytesToClient(Long.parseLong(f[6]));
            counts(d, f[10]);
            log.log(p1, d);
            assertSame(haproxyDenied, receive(sx.get(0)), "httplog of a denied request");

            // CLF: the date is two fields and the request line three; then one field per value.
            f = body(haproxyClf).split(" ");
            LogRecord c = httpRecord(clf, fe2, "fe2", request);
            long clfDate = date(f[3].substring(1) + "." + f[13]);
            httpTimers(c, clfDate, 0, 0, new long[] {Long.parseLong(f[17]), Long.parseLong(f[18]),
                    Long.parseLong(f[19]), Long.parseLong(f[20]), Long.parseLong(f[21])});
            c.bytesToClient(Long.parseLong(f[9]));
            c.connections(Integer.parseInt(f[23]), Integer.parseInt(f[24]), Integer.parseInt(f[25]),
                    Integer.parseInt(f[26]));
            log.log(p2, c);
            assertSame(haproxyClf, receive(sxClf), "httplog clf");

            f = haproxyCustom.substring(0, haproxyCustom.length() - 1).split(" ");
            LogRecord u = httpRecord(custom, fe3, "fe3", request);
            httpTimers(u, date(f[0].substring(1, f[0].length() - 1)), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    new long[] {Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7])});
            counts(u, f[8] + "/0");
            u.bytesToClient(Long.parseLong(f[9]));
            u.bytesFromClient(Long.parseLong(f[10]));
            u.frontendAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), fe3));
            u.serverAddress((InetSocketAddress) httpOrigin.getLocalSocketAddress());
            log.log(p3, u);
            assertSame(haproxyCustom, receive(sxCustom), "custom log-format");

            LogRecord n = new LogRecord();
            n.client(connect.client);
            n.frontendAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), fe5));
            n.frontend("fe5");
            assertTrue(p5.logsAtAccept());
            log.log(p5, n);
            assertSame(haproxyConnect, receive(sxConnect), "no format: the line at accept");
        }
    }

    @Test
    void tcplogMatchesHaproxyByteForByte() throws Exception {
        DatagramSocket hx = receiver();
        int fe = freePort();
        startHaproxy("""
                frontend fe4
                    mode tcp
                    bind 127.0.0.1:%d
                    log 127.0.0.1:%d local0
                    option tcplog
                    default_backend be4
                backend be4
                    mode tcp
                    server srv4 127.0.0.1:%d
                """.formatted(fe, hx.getLocalPort(), tcpOrigin.getLocalPort()), fe);
        Exchange e = exchange(fe, "ping");
        assertEquals(TCP_REPLY.length, e.received);
        String line = receiveFor(hx, e);

        DatagramSocket sx = receiver();
        Logging.Builder b = Logging.builder(new SyslogIdentity(TAG, ProcessHandle.current().pid(), null));
        ProxyLog p = b.proxy("fe4", LogFormat.tcplog(LogMode.TCP), List.of(parse("127.0.0.1:" + sx.getLocalPort()
                + " local0")), Set.of());
        try (Logging logging = b.start(1)) {
            String[] f = body(line).split(" ");
            LogRecord r = new LogRecord();
            r.accepted(0, date(f[1].substring(1, f[1].length() - 1)));
            String[] t = f[4].split("/");
            long tw = Long.parseLong(t[0]);
            long tc = Long.parseLong(t[1]);
            r.queueLeft(ms(tw));
            r.connected(ms(tw + tc));
            r.ended(ms(Long.parseLong(t[2])));
            r.client(e.client);
            r.frontend("fe4");
            r.backend("be4");
            r.server("srv4");
            r.bytesToClient(TCP_REPLY.length);
            r.bytesFromClient(4);
            counts(r, f[7]);
            logging.loop(0).log(p, r);
            assertSame(line, receive(sx), "tcplog");
        }
    }

    // ---- HAProxy

    private void startHaproxy(String sections, int... frontendPorts) throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    log-tag %s
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                """.formatted(TAG) + sections);
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.out").toFile()).start();
        for (int port : frontendPorts) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    break;
                } catch (IOException notYet) {
                    if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("haproxy did not start: "
                                + Files.readString(dir.resolve("haproxy.out")));
                    }
                    Thread.sleep(20);
                }
            }
        }
        // The probes above are empty connections: HAProxy logs them, and they are not what is compared.
        Thread.sleep(300);
        for (DatagramSocket s : sockets) {
            drain(s);
        }
    }

    private record Exchange(InetSocketAddress client, int received) {
    }

    /** Sends {@code request} from a port of our own, reads until the proxy closes. */
    private static Exchange exchange(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            int received = s.getInputStream().readAllBytes().length;
            return new Exchange((InetSocketAddress) s.getLocalSocketAddress(), received);
        }
    }

    /** An origin that reads until {@code end}, answers {@code reply} and closes. */
    private static ServerSocket origin(byte[] reply, String end) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.setSoTimeout(10_000);
                    InputStream in = c.getInputStream();
                    StringBuilder seen = new StringBuilder();
                    int b;
                    while (seen.indexOf(end) < 0 && (b = in.read()) >= 0) {
                        seen.append((char) b);
                    }
                    OutputStream out = c.getOutputStream();
                    out.write(reply);
                    out.flush();
                    c.shutdownOutput();
                    while (in.read() >= 0) {
                        // Wait for the proxy's close, so the session ends by both sides closing.
                    }
                } catch (IOException e) {
                    // The server was closed, or a probe went away: the next accept decides.
                }
            }
        }, "origin");
        t.setDaemon(true);
        t.start();
        return server;
    }

    // ---- records

    private static LogRecord httpRecord(Exchange e, int frontendPort, String frontend, String request) {
        LogRecord r = new LogRecord();
        r.client(e.client);
        r.frontend(frontend);
        r.frontendAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), frontendPort));
        r.backend("be1");
        r.server("srv1");
        r.status(200);
        r.request("GET", "/a/b?c=d", "HTTP/1.1");
        r.termination(TerminationCause.NONE, TerminationPhase.NONE);
        r.queuePositions(0, 0);
        r.retries(0);
        r.bytesFromClient(request.length());
        return r;
    }

    /** Events such that Th, Ti, TR, Tw, Tc, Tr and Ta come out as HAProxy logged them. */
    private static void httpTimers(LogRecord r, long acceptMillis, long th, long ti, long[] t) {
        r.accepted(0, acceptMillis);
        r.handshakeDone(ms(th));
        long start = th + ti;
        r.requestStarted(ms(start));
        r.requestReady(ms(start + t[0]));
        r.queueLeft(ms(start + t[0] + t[1]));
        r.connected(ms(start + t[0] + t[1] + t[2]));
        r.responseReady(ms(start + t[0] + t[1] + t[2] + t[3]));
        r.ended(ms(start + t[4]));
    }

    private static long[] timers(String field) {
        return Arrays.stream(field.split("/")).mapToLong(Long::parseLong).toArray();
    }

    private static void counts(LogRecord r, String field) {
        String[] c = field.split("/");
        r.connections(Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]));
        r.retries(Integer.parseInt(c[4]));
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    private static long date(String text) {
        return LocalDateTime.parse(text, ACCEPT_DATE).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    private static LogTarget parse(String line) throws LogConfigException {
        return LogTarget.parse(Arrays.asList(line.trim().split(" +")));
    }

    // ---- datagrams

    private DatagramSocket receiver() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private static String receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    /**
     * HAProxy's line for this exchange: the first datagram naming its client port.
     * Lines of the probes that saw HAProxy start may come late and are skipped.
     */
    private static String receiveFor(DatagramSocket s, Exchange e) throws IOException {
        String port = String.valueOf(e.client.getPort());
        while (true) {
            String line = receive(s);
            if (line.contains(":" + port + " ") || line.contains(" " + port + " ")) {
                return line;
            }
        }
    }

    private static void drain(DatagramSocket s) throws IOException {
        s.setSoTimeout(50);
        try {
            while (true) {
                receive(s);
            }
        } catch (java.net.SocketTimeoutException empty) {
            s.setSoTimeout(10_000);
        }
    }

    private static int freePort() throws IOException {
        return dev.sluice.e2e.FreePorts.next();
    }

    /** A line's text after its syslog header (the default format's: {@code <PRI>DATE TAG[PID]: }). */
    private static String body(String line) {
        String normal = normalised(line);
        int at = normal.indexOf("[PID]: ");
        assertTrue(at > 0, "not a default-format line: " + line);
        return normal.substring(at + 7, normal.length() - 1);
    }

    /**
     * The line with its header's date and pid replaced by DATE and PID. Each header
     * shape is matched whole, so a header that differs in anything else is left as it
     * is and the comparison fails.
     */
    static String normalised(String line) {
        String date = "[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9]";
        String iso = "[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{6}[+-][0-9]{2}:[0-9]{2}";
        return line
                .replaceFirst("^(<[0-9]{1,3}>)" + date + " (localhost )?" + TAG + "\\[[0-9]+\\]: ", "$1DATE $2" + TAG
                        + "[PID]: ")
                .replaceFirst("^(<[0-9]{1,3}>)1 " + iso + " - " + TAG + " [0-9]+ - - ", "$1" + "1 ISODATE - " + TAG
                        + " PID - - ")
                .replaceFirst("^(<[0-9]>)?" + iso + " ", "$1ISODATE ");
    }

    private static void assertSame(String haproxy, String sluice, String what) {
        assertEquals(normalised(haproxy), normalised(sluice), what + "\n  haproxy: " + haproxy + "  sluice:  " + sluice);
    }
}
