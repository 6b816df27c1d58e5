package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crl-file}: the trust managers made from a CA file and its CRL refuse
 * the certificate the CRL revokes and take the other, whether they check a
 * server (TLS to servers) or a client (client certificates); without the CRL
 * both are taken. The CA, the certificates and the CRL are openssl's.
 */
class RevocationTest {
    @TempDir
    Path dir;

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static X509CRL crl(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
    }

    @Test
    void aRevokedCertificateIsRefusedBothWaysAndTheOtherIsTaken() throws Exception {
        TestRevocation r = TestRevocation.make(dir, "peer.test");
        List<X509Certificate> cas = List.of(certificate(r.ca()));
        X509Certificate[] good = {certificate(r.good())};
        X509Certificate[] revoked = {certificate(r.revoked())};
        X509TrustManager checking = (X509TrustManager) TlsClientContext.trusting(cas, List.of(crl(r.crl())))[0];
        checking.checkServerTrusted(good, "ECDHE_ECDSA");
        checking.checkClientTrusted(good, "EC");
        CertificateException server = assertThrows(CertificateException.class,
                () -> checking.checkServerTrusted(revoked, "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> checking.checkClientTrusted(revoked, "EC"));
        org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(server.getMessage()).contains("revoked"),
                server.getMessage());
        X509TrustManager plain = (X509TrustManager) TlsClientContext.trusting(cas, List.of())[0];
        plain.checkServerTrusted(revoked, "ECDHE_ECDSA");
        plain.checkClientTrusted(revoked, "EC");
    }
}
