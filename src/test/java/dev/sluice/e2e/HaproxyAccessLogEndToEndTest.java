package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice's access lines against HAProxy 2.6's for the same requests, end to
 * end: the same configuration (names, log lines, formats) runs in a real
 * {@code haproxy} and in Sluice, the same bytes go through each to the same
 * origin, and each logs over UDP to a receiver of this test. The datagrams must
 * be equal, but for what must differ between two processes and two moments: the
 * syslog header's date and pid, the client's port, the accept date, and the
 * timers; and, in HTTP mode only, {@code %B}, which HAProxy counts in its
 * internal form of the response (HTX), not as the bytes on the wire that Sluice
 * counts (the TCP line's {@code %B} is compared as sent). Everything else (names, status, bytes, termination state, connection
 * counts, queue positions, the request line, separators and quotes) is compared
 * as sent.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HaproxyAccessLogEndToEndTest {
    @TempDir
    Path dir;

    private HttpTestOrigin origin;
    private ServerSocket tcpOrigin;
    private Haproxy haproxy;
    private Sluice sluice;
    private DatagramSocket haproxyLogs;
    private DatagramSocket sluiceLogs;

    @AfterEach
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (tcpOrigin != null) {
            tcpOrigin.close();
        }
        for (DatagramSocket s : new DatagramSocket[] {haproxyLogs, sluiceLogs}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** What both proxies' files start with: the tag, the timeouts, and the log target (its port the argument). */
    private static final String HEAD = """
                global
                    log-tag sluice
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                    log 127.0.0.1:%d local0
                """;

    private static String config(int[] p, int logPort, int originPort, int tcpOriginPort) {
        return (HEAD + """
                frontend fe
                    bind 127.0.0.1:%d
                    option httplog
                    http-request deny if { path_beg /deny }
                    default_backend be
                frontend feclf
                    bind 127.0.0.1:%d
                    option httplog clf
                    default_backend be
                frontend fetcp
                    mode tcp
                    bind 127.0.0.1:%d
                    option tcplog
                    default_backend betcp
                frontend fecap
                    bind 127.0.0.1:%d
                    option httplog
                    capture request header Host len 8
                    capture request header User-Agent len 32
                    capture request header X-Odd len 40
                    capture response header Content-Length len 3
                    capture response header X-Missing len 5
                    http-request deny if { path_beg /deny }
                    default_backend be
                listen lcap
                    bind 127.0.0.1:%d
                    log-format "%%ci:%%cp %%hrl|%%hsl|%%{+Q}hrl|%%{+Q}hs|%%{+Q}hr"
                    capture request header Host len 20
                    capture request header Referer len 20
                    capture response header Content-Length len 10
                    server s2 127.0.0.1:%d
                backend be
                    server s1 127.0.0.1:%d
                backend betcp
                    mode tcp
                    server t1 127.0.0.1:%d
                """).formatted(logPort, p[0], p[1], p[2], p[3], p[4], originPort, originPort,
                        tcpOriginPort);
    }

    @Test
    void httplogClfAndTcplogLinesAreHaproxysForTheSameRequests() throws Exception {
        origin = new HttpTestOrigin();
        tcpOrigin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        // Each connection on a thread of its own, so that one left open (HAProxy's start-up probe of the tcp port
        // makes one to the origin) cannot hold the compared request behind it. With one connection at a time, two
        // loaded full-suite runs saw the test take 10 s (0.8 s otherwise) and the request reset: a wait, then a timeout.
        Thread.ofVirtual().start(() -> {
            while (!tcpOrigin.isClosed()) {
                Socket accepted;
                try {
                    accepted = tcpOrigin.accept();
                } catch (IOException closed) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (Socket s = accepted) {
                        s.getOutputStream().write(("pong:" + new String(s.getInputStream().readNBytes(4),
                                StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException gone) {
                        // The probe's connection, or one cut by a test that failed already.
                    }
                });
            }
        });
        haproxyLogs = receiver();
        sluiceLogs = receiver();
        int[] h = {freePort(), freePort(), freePort(), freePort(), freePort()};
        haproxy = new Haproxy(dir.resolve("haproxy"), config(h, haproxyLogs.getLocalPort(),
                origin.port(), tcpOrigin.getLocalPort()), h[2]);
        // The start-up probe of the tcp port is a session HAProxy logs: it is not one of the compared.
        drain(haproxyLogs);
        sluice = Sluice.start(ConfigParser.parse("same.cfg", config(new int[5], sluiceLogs.getLocalPort(),
                origin.port(), tcpOrigin.getLocalPort())));
        int[] s = new int[5];
        for (int i = 0; i < s.length; i++) {
            s[i] = sluice.boundAddresses().get(i).getPort();
        }

        String[] requests = {
            "GET /size/5 HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /size/1000 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n",
            "GET /deny/x HTTP/1.1\r\nHost: a\r\n\r\n",
        };
        for (String r : requests) {
            compare(httpOnce(h[0], r), httpOnce(s[0], r), Normalise.HTTPLOG);
        }
        compare(httpOnce(h[1], requests[0]), httpOnce(s[1], requests[0]), Normalise.CLF);
        compare(tcpOnce(h[2]), tcpOnce(s[2]), Normalise.TCPLOG);

        // Captures: the last occurrence, cut at its length, {|}"# and controls encoded, absent ones empty.
        String[] captured = {
            "GET /size/5 HTTP/1.1\r\nHost: a.example.com\r\nUser-Agent: one\r\nUser-Agent: two\r\n"
                    + "X-Odd: a{b|c}d\"e#f\tg\r\n\r\n",
            "GET /size/1000 HTTP/1.1\r\nhost: b\r\n\r\n",
            "GET /deny/x HTTP/1.1\r\nHost: c\r\nX-Odd:\r\nUser-Agent: u\r\n\r\n",
        };
        for (String r : captured) {
            compare(httpOnce(h[3], r), httpOnce(s[3], r), Normalise.HTTPLOG);
        }
        compare(httpOnce(h[4], captured[0]), httpOnce(s[4], captured[0]), Normalise.CUSTOM);
        String referred = "GET /size/12345 HTTP/1.1\r\nHost: d\r\nReferer: http://x/y\r\n\r\n";
        compare(httpOnce(h[4], referred), httpOnce(s[4], referred), Normalise.CUSTOM);
    }

    /**
     * Over TLS: a client refused in its handshake (a name {@code strict-sni}
     * finds no certificate for) is logged in HAProxy's words, naming the
     * frontend and its listener, and a request over TLS logs its frontend
     * as {@code fetls~}.
     */
    @Test
    void aRefusedHandshakeAndARequestOverTlsLogAsHaproxysDo() throws Exception {
        origin = new HttpTestOrigin();
        Path pem = dev.sluice.net.TestCertificates.write(dir, "site", "a.test", "a.test");
        haproxyLogs = receiver();
        sluiceLogs = receiver();
        String text = HEAD + """
                frontend fetls
                    bind 127.0.0.1:%d ssl crt %s strict-sni
                    option httplog
                    default_backend be
                frontend fetlsv
                    bind 127.0.0.1:%d ssl crt %s
                    log-format "%%ci:%%cp %%ft %%sslv %%sslc %%ST"
                    default_backend be
                backend be
                    server s1 127.0.0.1:%d
                """;
        int h = freePort();
        int hv = freePort();
        haproxy = new Haproxy(dir.resolve("haproxy"), text.formatted(haproxyLogs.getLocalPort(), h, pem, hv, pem,
                origin.port()), h);
        // The start-up probe is a connection closed in its handshake, which HAProxy logs: not one of the compared.
        drain(haproxyLogs);
        sluice = Sluice.start(ConfigParser.parse("tls.cfg", text.formatted(sluiceLogs.getLocalPort(), 0, pem, 0,
                pem, origin.port())));
        int port = sluice.boundAddresses().get(0).getPort();
        int portv = sluice.boundAddresses().get(1).getPort();
        refusedHandshake(h);
        refusedHandshake(port);
        Normalise event = Normalise.CUSTOM;
        String theirs = receive(haproxyLogs);
        String ours = receive(sluiceLogs);
        String acceptDate = "\\[\\d\\d/\\w{3}/[^]]+\\]";
        assertEquals(event.apply(theirs).replaceFirst(acceptDate, "[DATE]"),
                event.apply(ours).replaceFirst(acceptDate, "[DATE]"), "HAProxy: " + theirs + "\nSluice:  " + ours);
        assertEquals(true, ours.contains("] fetls/1: SSL handshake failure"), ours);
        String request = "GET /size/5 HTTP/1.1\r\nHost: a\r\n\r\n";
        compare(httpsOnce(h, request), httpsOnce(port, request), Normalise.HTTPLOG);
        // The same client (the JDK's) against both: the version and suite each server chose, by OpenSSL's names.
        compare(httpsOnce(hv, request), httpsOnce(portv, request), Normalise.CUSTOM);
    }

    private static void refusedHandshake(int port) throws Exception {
        try (javax.net.ssl.SSLSocket c = tlsSocket(port, "other.test")) {
            c.startHandshake();
            throw new AssertionError("the handshake for other.test was not refused on " + port);
        } catch (javax.net.ssl.SSLException refused) {
            // Refused with an alert, as strict-sni says.
        }
    }

    private static String httpsOnce(int port, String request) throws Exception {
        try (javax.net.ssl.SSLSocket c = tlsSocket(port, "a.test")) {
            c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readResponse(c.getInputStream());
        }
    }

    /** What cannot be equal between two processes, put in the same form in both lines. */
    enum Normalise {
        HTTPLOG("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (sluice)\\[\\d+\\]: (127\\.0\\.0\\.1):\\d+ \\[[^]]+\\]"
                + " (\\S+ \\S+) -?\\d+/-?\\d+/-?\\d+/-?\\d+/-?\\d+ (-?\\d+) \\d+ (.*)$",
                "$1DATE $2[PID]: $3:PORT [DATE] $4 T/T/T/T/T $5 B $6"),
        CLF("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (sluice)\\[\\d+\\]: (127\\.0\\.0\\.1 - - )\\[[^]]+\\]"
                + " (\"[^\"]*\" \\d+) \\d+ (\"\" \"\") \\d+ \\d+ (\"\\S+\" \"\\S+\" \"\\S+\") -?\\d+ -?\\d+ -?\\d+"
                + " -?\\d+ -?\\d+ (.*)$",
                "$1DATE $2[PID]: $3[DATE] $4 B $5 PORT MS $6 T T T T T $7"),
        TCPLOG("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (sluice)\\[\\d+\\]: (127\\.0\\.0\\.1):\\d+ \\[[^]]+\\]"
                + " (\\S+ \\S+) -?\\d+/-?\\d+/-?\\d+ (.*)$", "$1DATE $2[PID]: $3:PORT [DATE] $4 T/T/T $5"),
        CUSTOM("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (sluice)\\[\\d+\\]: (127\\.0\\.0\\.1):\\d+ (.*)$",
                "$1DATE $2[PID]: $3:PORT $4");

        final Pattern pattern;
        final String replacement;

        Normalise(String regex, String replacement) {
            this.pattern = Pattern.compile(regex, Pattern.DOTALL);
            this.replacement = replacement;
        }

        String apply(String line) {
            Matcher m = pattern.matcher(line);
            if (!m.matches()) {
                throw new AssertionError(name() + ": not the line expected: " + line);
            }
            return m.replaceAll(replacement);
        }
    }

    private void compare(String haproxyResponse, String sluiceResponse, Normalise how) throws IOException {
        assertEquals(haproxyResponse.substring(0, 12), sluiceResponse.substring(0, 12), "the same status");
        String theirs = receive(haproxyLogs);
        String ours = receive(sluiceLogs);
        assertEquals(how.apply(theirs), how.apply(ours), "HAProxy: " + theirs + "\nSluice:  " + ours
                + "\nresponses:\n" + haproxyResponse + "\n" + sluiceResponse);
    }

    private static String httpOnce(int port, String request) throws IOException {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readResponse(c.getInputStream());
        }
    }

    private static String tcpOnce(int port) throws IOException {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII) + "            ";
        }
    }

    /** A TLS client socket to {@code port} asking for {@code serverName}, trusting any certificate. */
    private static javax.net.ssl.SSLSocket tlsSocket(int port, String serverName) throws Exception {
        javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) TlsEndToEndTest.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", port);
        javax.net.ssl.SSLParameters p = c.getSSLParameters();
        p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(serverName)));
        c.setSSLParameters(p);
        c.setSoTimeout(10_000);
        return c;
    }

    /** The response's head, its body read past by its Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return head;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static DatagramSocket receiver() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(10_000);
        return s;
    }

    /** The next traffic line; HAProxy's start-up notices ("Proxy fe started.") are skipped. */
    private static String receive(DatagramSocket s) throws IOException {
        while (true) {
            byte[] b = new byte[8192];
            DatagramPacket p = new DatagramPacket(b, b.length);
            s.receive(p);
            String line = new String(b, 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (line.contains(": 127.0.0.1") && !line.matches("(?s).*\\] \\w+: .*")) {
                return line;
            }
        }
    }

    private static void drain(DatagramSocket s) throws IOException {
        s.setSoTimeout(500);
        try {
            while (true) {
                s.receive(new DatagramPacket(new byte[8192], 8192));
            }
        } catch (java.net.SocketTimeoutException done) {
            s.setSoTimeout(10_000);
        }
    }

    private static int freePort() throws IOException {
        return FreePorts.next();
    }
}
