package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.net.TestCertificates;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bind ... ssl crt DIR} as real clients see it: curl, openssl s_client
 * (ALPN, SNI picking the certificate) and the JDK's HttpClient, through Sluice
 * to a plain origin; certificates made by keytool here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private void startTls(HttpTestOrigin origin) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        TestCertificates.write(certs, "b", "b.test", "*.b.test");
        start(cfg(origin).frontend("bind 127.0.0.1:0 ssl crt " + certs, "redirect scheme https if !{ ssl_fc }"));
    }

    private int tlsPort() {
        return sluice.boundAddresses().get(1).getPort();
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running: " + String.join(" ", command));
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void curlGetsTheOriginsBytesOverTlsAndPlainHttpIsRedirected() throws Exception {
        HttpTestOrigin origin = origin();
        startTls(origin);
        String out = run("curl", "-sk", "--resolve", "a.test:" + tlsPort() + ":127.0.0.1",
                "https://a.test:" + tlsPort() + "/size/300000", "-o", dir.resolve("got").toString(),
                "-w", "%{http_code} %{size_download}");
        assertEquals("200 300000", out);
        assertEquals(300000, Files.size(dir.resolve("got")));
        // The handshake's X25519 and P-256 signature were libcrypto's (docs/design.md), with the JDK's engine.
        assertTrue(dev.sluice.net.LibcryptoKeys.status().startsWith("OpenSSL libcrypto's"),
                dev.sluice.net.LibcryptoKeys.status());
        String plain = run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                "http://127.0.0.1:" + port() + "/x");
        assertEquals("302 https://127.0.0.1:" + port() + "/x", plain);
    }

    @Test
    void opensslSeesAlpnAndTheCertificateItsServerNameAsksFor() throws Exception {
        startTls(origin());
        String b = run("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort(), "-servername", "www.b.test",
                "-alpn", "h2,http/1.1");
        assertTrue(b.contains("ALPN protocol: http/1.1"), b);
        assertTrue(b.contains("subject=CN = b.test") || b.contains("subject=CN=b.test"), b);
        String none = run("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort(), "-servername", "other.test",
                "-tls1_2");
        assertTrue(none.contains("subject=CN = a.test") || none.contains("subject=CN=a.test"), none);
        assertTrue(none.contains("Protocol  : TLSv1.2") || none.contains("TLSv1.2"), none);
    }

    /**
     * {@code curves P-256}: OpenSSL sends its key share for the first group
     * it lists only, so a client listing X25519 then P-256 is sent a
     * HelloRetryRequest (a second ServerHello, answered by a second
     * ClientHello) and agrees on P-256. One that offers only X25519 is
     * refused with an alert, not a bare reset.
     */
    @Test
    void curvesLimitTheGroupsAndAnotherKeyShareGetsAHelloRetryRequest() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certs, "a", "a.test", "a.test");
        start(cfg(origin()).frontend("bind 127.0.0.1:0 ssl crt " + certs + " curves P-256"));
        String retried = run("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort(), "-servername", "a.test",
                "-tls1_3", "-groups", "X25519:P-256", "-msg");
        assertTrue(retried.contains("Server Temp Key: ECDH, prime256v1"), retried);
        assertEquals(2, count(retried, ">>> TLS 1.3, Handshake [length ", "], ClientHello"), retried);
        assertEquals(2, count(retried, "<<< TLS 1.3, Handshake [length ", "], ServerHello"), retried);
        String refused = run("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort(), "-servername", "a.test",
                "-tls1_3", "-groups", "X25519");
        assertTrue(refused.contains("SSL alert number"), refused);
        assertTrue(refused.contains("no peer certificate available"), refused);
    }

    /** Lines of {@code text} that start with {@code head} and end with {@code tail}. */
    private static int count(String text, String head, String tail) {
        return (int) text.lines().filter(l -> l.startsWith(head) && l.endsWith(tail)).count();
    }

    @Test
    void theJdkHttpClientKeepsItsConnectionForManyRequests() throws Exception {
        HttpTestOrigin origin = origin();
        startTls(origin);
        SSLContext trustAll = trustAll();
        try (HttpClient client = HttpClient.newBuilder().sslContext(trustAll).version(HttpClient.Version.HTTP_1_1)
                .build()) {
            List<Integer> sizes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + tlsPort() + "/size/" + (1000 * i + 1))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                sizes.add(r.body().length);
            }
            assertEquals(1, sizes.get(0));
            assertEquals(19001, sizes.get(19));
        }
        assertEquals(1, origin.accepted(), "the client's requests shared one server connection");
    }

    /** A context that trusts any server: the test's self-signed certificates name a.test, not the address dialled. */
    static SSLContext trustAll() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {dev.sluice.net.TlsClientContext.trustingAll()}, null);
        return trustAll;
    }
}
