package dev.sluice.e2e;

import static dev.sluice.e2e.TlsEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.net.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which certificate a client gets, and for how long its session lasts, as
 * openssl s_client sees it: {@code strict-sni}, {@code crt-list} filters,
 * {@code tune.ssl.lifetime}, and {@code tune.ssl.default-dh-param} (in a
 * Sluice process of its own, since the JDK reads that switch once per
 * process).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsCertificateEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private int tlsPort() {
        return sluice.boundAddresses().get(1).getPort();
    }

    private String connect(String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort()));
        cmd.addAll(List.of(options));
        return run(cmd.toArray(new String[0]));
    }

    private static boolean subject(String out, String cn) {
        return out.contains("subject=CN = " + cn + "\n") || out.contains("subject=CN=" + cn + "\n");
    }

    @Test
    void strictSniRefusesANameNoCertificateAnswersAndAClientWithoutOne() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + certs + " strict-sni"));
        String named = connect("-servername", "a.test");
        assertTrue(subject(named, "a.test"), named);
        String other = connect("-servername", "other.test");
        assertTrue(other.contains("SSL alert number"), other);
        assertTrue(other.contains("no peer certificate available"), other);
        String none = connect("-noservername");
        assertTrue(none.contains("SSL alert number"), none);
        assertTrue(none.contains("no peer certificate available"), none);
        awaitCounter("tls_handshake_failures_refused", 2);
        assertEquals(0, counter("tls_handshake_failures_timeout"));
    }

    @Test
    void crtListFiltersPickTheCertificateAndTheFirstIsTheDefault() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        TestCertificates.write(certs, "b", "b.test", "b.test");
        Path list = dir.resolve("certs.list");
        Files.writeString(list, "# the default first\na.pem www.x.test\n\nb.pem *.y.test !no.y.test\n");
        start(cfg(origin()).global("crt-base " + certs).frontend("bind 127.0.0.1:0 ssl crt-list " + list));
        String x = connect("-servername", "www.x.test");
        assertTrue(subject(x, "a.test"), x);
        String y = connect("-servername", "q.y.test");
        assertTrue(subject(y, "b.test"), y);
        // b.test's own name is not one of its filters, and no.y.test is taken away: both get the default.
        String own = connect("-servername", "b.test");
        assertTrue(subject(own, "a.test"), own);
        String excluded = connect("-servername", "no.y.test");
        assertTrue(subject(excluded, "a.test"), excluded);
    }

    /** TLS 1.2 without tickets resumes from the server's cache; {@code tune.ssl.lifetime 1} lets it lapse. */
    @Test
    void aSessionIsResumedWithinItsLifetimeOnly() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        start(cfg(origin()).global("tune.ssl.lifetime 1").frontend("bind 127.0.0.1:0 ssl crt " + certs));
        Path session = dir.resolve("session.pem");
        String first = connect("-tls1_2", "-no_ticket", "-sess_out", session.toString());
        assertTrue(first.contains("New, TLSv1.2"), first);
        String soon = connect("-tls1_2", "-no_ticket", "-sess_in", session.toString());
        assertTrue(soon.contains("Reused, TLSv1.2"), soon);
        Thread.sleep(2100);
        String late = connect("-tls1_2", "-no_ticket", "-sess_in", session.toString());
        assertTrue(late.contains("New, TLSv1.2"), late);
    }

    /**
     * {@code tune.ssl.default-dh-param 3072}: a TLS 1.2 client that offers
     * only a DHE suite, and no finite-field group, gets a 3072-bit group
     * instead of the JDK's 2048. Sluice runs as a process of its own (from
     * the test's class path) and is stopped by its PID.
     */
    @Test
    void theDhParamSizesTheGroupOfADheSuite() throws Exception {
        // An RSA certificate: the DHE-RSA suite needs one, and keytool's certificates here are EC.
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path key = dir.resolve("rsa.key");
        Path cert = dir.resolve("rsa.crt");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-days", "2", "-subj", "/CN=rsa.test");
        Files.writeString(certs.resolve("rsa.pem"), Files.readString(cert) + Files.readString(key));
        int port = FreePorts.next();
        Path cfgFile = dir.resolve("dh.cfg");
        Files.writeString(cfgFile, "global\n    tune.ssl.default-dh-param 3072\n    tune.buffers.limit 64\n"
                + "defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n    timeout connect 2s\n"
                + "frontend f\n    bind 127.0.0.1:" + port + " ssl crt " + certs + "\n    default_backend b\n"
                + "backend b\n    server s 127.0.0.1:9\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process sluice = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "-f", cfgFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sluice.log").toFile()).start();
        try {
            awaitListening(port, sluice);
            String dhe = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2", "-cipher",
                    "DHE-RSA-AES128-GCM-SHA256", "-groups", "X25519");
            assertTrue(dhe.contains("Server Temp Key: DH, 3072 bits"), dhe);
            assertFalse(dhe.contains("2048 bits"), dhe);
        } finally {
            sluice.destroy();
            if (!sluice.waitFor(10, TimeUnit.SECONDS)) {
                sluice.destroyForcibly();
            }
        }
    }

    /** HTTP: the rules see the server name and the version the handshake agreed on. */
    @Test
    void sslFcSniAndSslFcProtocolRouteRequests() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test", "b.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + certs,
                "http-request return status 200 content-type text/plain string b-name if { ssl_fc_sni -i B.test }",
                "http-request return status 200 content-type text/plain string old if { ssl_fc_protocol TLSv1.2 }",
                "http-request return status 200 content-type text/plain string sub if { ssl_fc_sni_end .test }"));
        assertEquals("b-name", curl("b.test"));
        assertEquals("old", curl("a.test", "--tls-max", "1.2"));
        assertEquals("sub", curl("a.test", "--tlsv1.3"));
    }

    private String curl(String host, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sk", "--resolve", host + ":" + tlsPort() + ":127.0.0.1"));
        cmd.addAll(List.of(options));
        cmd.add("https://" + host + ":" + tlsPort() + "/");
        return run(cmd.toArray(new String[0]));
    }

    /**
     * Mode tcp: the session waits for the handshake, then routes by the
     * name it gave. Each server speaks first (a greeting, as SMTP or a
     * database would), so the client sends nothing after the handshake: the
     * handshake's end alone must move the session on.
     */
    @Test
    void aTcpSessionOverTlsIsRoutedByItsServerNameOnceTheHandshakeIsDone() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test", "b.test");
        try (ServerSocket a = greeter("hello from a"); ServerSocket b = greeter("hello from b")) {
            int port = FreePorts.next();
            sluice = dev.sluice.cli.Sluice.start(dev.sluice.config.ConfigParser.parse("tcp-sni.cfg", "global\n"
                    + "    tune.buffers.limit 64\ndefaults\n    mode tcp\n    timeout client 5s\n    timeout server 5s\n"
                    + "    timeout connect 2s\nfrontend f\n    bind 127.0.0.1:" + port + " ssl crt " + certs + "\n"
                    + "    use_backend b if { ssl_fc_sni b.test }\n    default_backend a\n"
                    + "backend a\n    server s 127.0.0.1:" + a.getLocalPort() + "\n"
                    + "backend b\n    server s 127.0.0.1:" + b.getLocalPort() + "\n"));
            assertEquals("hello from b", greeting(port, "b.test"));
            assertEquals("hello from a", greeting(port, "a.test"));
        }
    }

    /** A server that greets each client with one line, then closes. */
    private static ServerSocket greeter(String line) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "greeter");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static String greeting(int port, String serverName) throws Exception {
        try (SSLSocket s = (SSLSocket) TlsEndToEndTest.trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(serverName)));
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /**
     * {@code %Th} is the TLS handshake's time, from accept to its end, and
     * {@code %Ti} starts after it: a client that waits 400 ms before its
     * ClientHello shows it in Th, not in Ti. A second request on the same
     * connection has no handshake (Th 0).
     */
    @Test
    void theHandshakeTimeIsLoggedApartFromTheIdleTime() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        try (java.net.DatagramSocket logs = new java.net.DatagramSocket(new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0))) {
            logs.setSoTimeout(10_000);
            start(cfg(origin()).defaults("log 127.0.0.1:" + logs.getLocalPort() + " format raw local0",
                    "log-format \"%Th %Ti %sslv %ST\"").frontend("bind 127.0.0.1:0 ssl crt " + certs));
            try (Socket raw = new Socket("127.0.0.1", tlsPort())) {
                Thread.sleep(400);
                try (SSLSocket s = (SSLSocket) TlsEndToEndTest.trustAll().getSocketFactory().createSocket(raw,
                        "a.test", tlsPort(), true)) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    for (int i = 0; i < 2; i++) {
                        s.getOutputStream().write("GET /size/3 HTTP/1.1\r\nHost: a\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        for (String l = in.readLine(); !l.isEmpty(); l = in.readLine()) {
                            // The head; the 3-byte body follows.
                        }
                        in.read(new char[3]);
                    }
                }
            }
            String[] first = nextLogLine(logs).split(" ");
            assertTrue(Long.parseLong(first[0]) >= 400, "Th: " + String.join(" ", first));
            assertTrue(Long.parseLong(first[1]) < 400, "Ti: " + String.join(" ", first));
            assertEquals("TLSv1.3", first[2]);
            String[] second = nextLogLine(logs).split(" ");
            assertEquals("0", second[0], String.join(" ", second));
            assertEquals("200", second[3]);
        }
    }

    private static String nextLogLine(java.net.DatagramSocket logs) throws IOException {
        byte[] b = new byte[2048];
        java.net.DatagramPacket p = new java.net.DatagramPacket(b, b.length);
        logs.receive(p);
        return new String(b, 0, p.getLength(), StandardCharsets.ISO_8859_1).strip();
    }

    private void awaitListening(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new AssertionError("Sluice did not listen on " + port + ":\n"
                            + Files.readString(dir.resolve("sluice.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    private Path caOf(Path pem, String name) throws Exception {
        return TestCertificates.certificateOnly(pem, dir.resolve(name));
    }

    private String curlStatus(String... certificate) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sk", "--max-time", "10", "-o", "/dev/null", "-w",
                "%{http_code}", "--resolve", "a.test:" + tlsPort() + ":127.0.0.1"));
        cmd.addAll(List.of(certificate));
        cmd.add("https://a.test:" + tlsPort() + "/size/10");
        return run(cmd.toArray(new String[0]));
    }

    @Test
    void verifyRequiredRefusesAClientWithoutACertificateOrWithOneNoCaVouchesFor() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path site = TestCertificates.write(certs, "a", "a.test", "a.test");
        Path client = TestCertificates.write(dir, "client", "client.test", "client.test");
        Path stranger = TestCertificates.write(dir, "stranger", "stranger.test", "stranger.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + site + " verify required ca-file "
                + caOf(client, "clients.pem")));
        assertEquals("200", curlStatus("--cert", client.toString()));
        assertEquals("000", curlStatus(), "no certificate: the handshake fails");
        assertEquals("000", curlStatus("--cert", stranger.toString()), "a certificate no CA of ca-file signed");
        awaitCounter("tls_handshake_failures_refused", 2);
    }

    @Test
    void verifyOptionalLetsTheRulesSeeWhetherACertificateCame() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path site = TestCertificates.write(certs, "a", "a.test", "a.test");
        Path client = TestCertificates.write(dir, "client", "client.test", "client.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + site + " verify optional ca-file "
                + caOf(client, "clients.pem")).frontend("http-request deny deny_status 403 if !{ ssl_c_used }")
                .frontend("http-request deny deny_status 401 if { ssl_c_used } !{ ssl_c_verify 0 }"));
        assertEquals("200", curlStatus("--cert", client.toString()));
        assertEquals("403", curlStatus(), "no certificate: served, and the rules see ssl_c_used false");
        assertEquals(0, counter("tls_handshake_failures_refused"));
    }

    /** {@code crl-file}: a client certificate the CA's list revokes is refused in the handshake, its sibling served. */
    @Test
    void aClientCertificateTheCrlRevokesIsRefused() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path site = TestCertificates.write(certs, "a", "a.test", "a.test");
        dev.sluice.net.TestRevocation r = dev.sluice.net.TestRevocation.make(dir, "client.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + site + " verify required ca-file " + r.ca()
                + " crl-file " + r.crl()));
        assertEquals("200", curlStatus("--cert", r.good().toString(), "--key", r.goodKey().toString()));
        assertEquals("000", curlStatus("--cert", r.revoked().toString(), "--key", r.revokedKey().toString()),
                "revoked: the handshake fails");
        awaitCounter("tls_handshake_failures_refused", 1);
    }
}
