package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import dev.sluice.net.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from Sluice to its servers ({@code server ... ssl}), against a real
 * nginx that terminates TLS and answers with what its handshake saw (the name
 * sent by SNI, the version, whether the session was resumed, and how many
 * requests its connection carried): {@code verify required} with {@code
 * ca-file}, {@code sni req.hdr(host)}, a certificate that does not check out,
 * health checks over TLS, and TLS on both sides (the deep record arena).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsToServersEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;
    private Nginx nginx;

    @AfterEach
    void stopNginx() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** nginx on TLS only, with a certificate for a.test and b.test; returns the CA file that trusts it. */
    private Path tlsOrigin() throws Exception {
        Path pem = TestCertificates.write(dir, "origin", "a.test", "a.test", "b.test");
        Path ca = TestCertificates.certificateOnly(pem, dir.resolve("ca.pem"));
        nginx = new Nginx(dir.resolve("nginx"), "127.0.0.1", FreePorts.next(), "ssl", """
                ssl_protocols TLSv1.2 TLSv1.3;
                ssl_certificate %1$s;
                ssl_certificate_key %1$s;
                keepalive_requests 1000;
                location /who { return 200 "$ssl_server_name $ssl_protocol $ssl_session_reused $connection_requests\\n"; }
                location /health { return 200 "up\\n"; }
                """.formatted(pem));
        return ca;
    }

    private void startWith(String serverLine, String... more) throws Exception {
        startBehind("bind 127.0.0.1:0", serverLine, more);
    }

    private void startBehind(String bind, String serverLine, String... more) throws Exception {
        StringBuilder cfg = new StringBuilder(String.join("\n",
                "global",
                "    tune.buffers.limit 64",
                "defaults",
                "    mode http",
                "    timeout connect 5s",
                "    timeout client 10s",
                "    timeout server 10s",
                "frontend f",
                "    " + bind,
                "    default_backend b",
                "backend b",
                ""));
        for (String line : more) {
            cfg.append("    ").append(line).append('\n');
        }
        cfg.append("    ").append(serverLine).append('\n');
        sluice = Sluice.start(ConfigParser.parse("to-servers.cfg", cfg.toString()));
    }

    /** curl through Sluice, one request per path on one connection, with {@code host} as its Host. */
    private String curl(String host, String... paths) throws Exception {
        String[] cmd = new String[6 + paths.length];
        cmd[0] = "curl";
        cmd[1] = "-s";
        cmd[2] = "--max-time";
        cmd[3] = "10";
        cmd[4] = "-H";
        cmd[5] = "Host: " + host;
        for (int i = 0; i < paths.length; i++) {
            cmd[6 + i] = "http://127.0.0.1:" + port() + paths[i];
        }
        return TlsEndToEndTest.run(cmd);
    }

    @Test
    void requestsReachAVerifiedOriginWithTheHostAsSniOnOneKeptConnectionPerName() throws Exception {
        Path ca = tlsOrigin();
        startWith("server o 127.0.0.1:" + nginx.port() + " ssl verify required ca-file " + ca + " sni req.hdr(host)");
        // Three requests on one client connection: one server connection, sent the Host's name.
        assertEquals("a.test TLSv1.3 . 1\na.test TLSv1.3 . 2\na.test TLSv1.3 . 3\n",
                curl("a.test:8080", "/who", "/who", "/who"));
        // Another name is another connection: a connection carries the one name it sent.
        assertEquals("b.test TLSv1.3 . 1\na.test TLSv1.3 r 1\n", curl("B.Test", "/who") + curl("a.test", "/who"));
        assertEquals(0, counter("server_b_o_connect_errors"));
    }

    @Test
    void aCertificateThatDoesNotCheckOutIsAConnectErrorAnd503() throws Exception {
        tlsOrigin();
        Path otherCa = TestCertificates.certificateOnly(TestCertificates.write(dir, "other", "other.test",
                "other.test"), dir.resolve("other-ca.pem"));
        startWith("server o 127.0.0.1:" + nginx.port() + " ssl verify required ca-file " + otherCa, "retries 1");
        assertEquals("503", TlsEndToEndTest.run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + port() + "/who"));
        awaitCounter("server_b_o_connect_errors", 2);
    }

    @Test
    void theNameIsCheckedAgainstVerifyhostWhenNoneIsSent() throws Exception {
        Path ca = tlsOrigin();
        startWith("server o 127.0.0.1:" + nginx.port() + " ssl verify required ca-file " + ca
                + " verifyhost wrong.test", "retries 0");
        assertEquals("503", TlsEndToEndTest.run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + port() + "/who"));
        sluice.close();
        sluice = null;
        startWith("server o 127.0.0.1:" + nginx.port() + " ssl verify required ca-file " + ca + " verifyhost b.test");
        // No name is sent (nginx sees none), but the certificate carries b.test.
        assertEquals(" TLSv1.3 . 1\n", curl("x", "/who"));
    }

    @Test
    void healthChecksSpeakTlsToAnSslServer() throws Exception {
        Path ca = tlsOrigin();
        startWith("server o 127.0.0.1:" + nginx.port() + " ssl verify required ca-file " + ca + " sni str(a.test)"
                + " check inter 100", "option httpchk GET /health");
        awaitTrue(() -> counter("health_checks_passed") >= 3, () -> sluice.summary().render());
        assertEquals(0, counter("health_checks_failed"));
        // The checks' handshakes left a session the traffic resumes: one context per server line.
        assertEquals("a.test TLSv1.3 r 1\n", curl("x", "/who"));
    }

    @Test
    void tlsOnBothSidesRunsOnTheDeepArena() throws Exception {
        Path ca = tlsOrigin();
        Path site = TestCertificates.write(dir, "site", "site.test", "site.test");
        startBehind("bind 127.0.0.1:0 ssl crt " + site, "server o 127.0.0.1:" + nginx.port() + " ssl verify required"
                + " ca-file " + ca + " sni ssl_fc_sni");
        String out = TlsEndToEndTest.run("curl", "-sk", "--max-time", "10", "--resolve", "b.test:" + port()
                + ":127.0.0.1", "https://b.test:" + port() + "/who", "https://b.test:" + port() + "/who");
        // The client's name goes on to the server; the second request rides the same server connection.
        assertEquals("b.test TLSv1.3 . 1\nb.test TLSv1.3 . 2\n", out);
        // Each exchange claimed its client buffers and four records together, at once: the pool is far above this load.
        assertEquals(2, counter("buffer_claim_admissions"), sluice.summary().render());
        assertEquals(0, counter("buffer_claim_waits"));
        // Both sides: two record buffers per client buffer.
        assertTrue(counter("tls_arena_bytes") >= 2 * counter("buffers_size")
                * (long) dev.sluice.net.TlsRecordArena.packetSize(), sluice.summary().render());
    }
}
