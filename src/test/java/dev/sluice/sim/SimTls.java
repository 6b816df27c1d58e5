package dev.sluice.sim;

import dev.sluice.net.PemKeyMaterial;
import dev.sluice.net.SniCertificate;
import dev.sluice.net.TestCertificates;
import dev.sluice.net.TlsServerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The simulator's TLS: one RSA certificate, made by keytool once per test JVM
 * and never committed (RSA so that every handshake record has the same size
 * from one run to the next, as a seed's replay needs); the listener contexts
 * Sluice's own {@link TlsServerContext} builds from it; and client engines
 * that trust it, for {@link SimTlsRelay}.
 *
 * <p>Thread-safe: immutable once made.
 */
final class SimTls {
    private static SimTls shared;

    private final PemKeyMaterial material;
    private final SSLContext clientContext;
    private final SSLContext serverContext;

    private SimTls(PemKeyMaterial material, SSLContext clientContext, SSLContext serverContext) {
        this.material = material;
        this.clientContext = clientContext;
        this.serverContext = serverContext;
    }

    /** The certificate and client context, made on first use. */
    static synchronized SimTls shared() {
        if (shared == null) {
            try {
                shared = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException("cannot make the simulator's certificate", e);
            }
        }
        return shared;
    }

    private static SimTls make() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("sluice-simtls");
        KeyStore ks = TestCertificates.keyStore(dir, "site", true, "localhost", "localhost");
        Files.delete(dir);
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ks.getCertificateChain(TestCertificates.ALIAS)) {
            chain.add((X509Certificate) c);
        }
        PemKeyMaterial material = new PemKeyMaterial(chain, (PrivateKey) ks.getKey(TestCertificates.ALIAS, TestCertificates.PASSWORD));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestCertificates.PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        return new SimTls(material, client, server);
    }

    /**
     * A listener's context, as a {@code bind ... ssl crt site.pem} line with
     * these ALPN protocols and groups ({@code curves}) gets it.
     */
    TlsServerContext listener(List<String> alpn, List<String> groups) {
        try {
            return new TlsServerContext("1", List.of(SniCertificate.of(material)), new TlsServerContext.Settings(alpn,
                    null, List.of("TLSv1.2", "TLSv1.3"), false, groups, false, 20000, 300));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Map<String, byte[]> hellos = new HashMap<>();

    /**
     * What a server line {@code ssl verify required ca-file site.pem sni
     * str(localhost)} gets: Sluice's own client context, which checks the
     * simulated servers' certificate and name.
     */
    dev.sluice.net.TlsClientContext origin() {
        try {
            return new dev.sluice.net.TlsClientContext(new dev.sluice.net.TlsClientContext.Settings(true,
                    material.chain(), null, null, dev.sluice.net.TlsClientContext.Sni.FIXED, "localhost", List.of(),
                    null, List.of("TLSv1.2", "TLSv1.3"), true, null));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A simulated server's engine, TLS 1.3 or 1.2 as the client asks. */
    SSLEngine server() {
        SSLEngine e = serverContext.createSSLEngine();
        e.setUseClientMode(false);
        return e;
    }

    /**
     * A ClientHello record the JDK's client engine makes, naming {@code sni}:
     * made once per name and test JVM, so that every client that names it
     * sends the same bytes (a seed's replay sees the same lengths).
     */
    synchronized byte[] clientHello(String sni) {
        return hellos.computeIfAbsent(sni, name -> {
            try {
                SSLEngine e = clientContext.createSSLEngine(name, 443);
                e.setUseClientMode(true);
                SSLParameters p = e.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(name)));
                e.setSSLParameters(p);
                return TestCertificates.clientHello(e);
            } catch (javax.net.ssl.SSLException ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    /**
     * A client engine for one connection: this protocol version, these groups
     * in this order (null: the JDK's), this ALPN offer. Each client names its
     * own port, so that the context's session cache never resumes one client's
     * session for another: every handshake is a full one.
     */
    SSLEngine client(int client, String protocol, List<String> groups, List<String> alpn) {
        SSLEngine e = clientContext.createSSLEngine("localhost", 1 + client);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("localhost")));
        p.setProtocols(new String[] {protocol});
        if (groups != null) {
            p.setNamedGroups(groups.toArray(new String[0]));
        }
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(new String[0]));
        }
        e.setSSLParameters(p);
        return e;
    }
}
