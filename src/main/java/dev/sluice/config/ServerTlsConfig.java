package dev.sluice.config;

import dev.sluice.net.PemKeyMaterial;
import dev.sluice.net.TlsClientContext;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A server's TLS ({@code server ... ssl}), with the global defaults applied
 * ({@code ssl-default-server-*}, {@code ssl-server-verify}, {@code ca-base},
 * {@code crt-base}).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param traffic {@code ssl}: the server's connections speak TLS (else only its checks do, {@code check-ssl})
 * @param verify {@code verify required}: the server's chain must lead to {@code trusted}
 * @param trusted the CAs of {@code ca-file}; null for the JDK's own ({@code @system-ca}); unused without verify
 * @param verifyHost {@code verifyhost}: the name the certificate must carry when no SNI is sent, or null
 * @param clientCertificate {@code crt}: the certificate and key Sluice shows the server, or null
 * @param sni {@code sni}: where the name sent in the ClientHello comes from
 * @param sniName the name of {@link TlsClientContext.Sni#FIXED}, else null
 * @param alpn the protocols offered by ALPN ({@code alpn}), empty for none
 * @param suites the JDK's suite names, or null for its defaults
 * @param protocols the JDK's version names
 * @param reuseSessions resumption with the server ({@code no-ssl-reuse} turns it off)
 * @param checks whether health checks speak TLS too ({@code check-ssl}, or {@code ssl} without a check {@code port}
 *     or {@code addr})
 * @param checkSni {@code check-sni}: the name a check's ClientHello sends, or null
 * @param crls {@code crl-file}: the revocation lists the server's certificate is checked against, empty for none
 */
public record ServerTlsConfig(boolean traffic, boolean verify, List<X509Certificate> trusted, String verifyHost,
        PemKeyMaterial clientCertificate, TlsClientContext.Sni sni, String sniName, List<String> alpn,
        List<String> suites, List<String> protocols, boolean reuseSessions, boolean checks, String checkSni,
        List<java.security.cert.X509CRL> crls) {
    public ServerTlsConfig {
        crls = List.copyOf(crls);
        trusted = trusted == null ? null : List.copyOf(trusted);
        alpn = List.copyOf(alpn);
        suites = suites == null ? null : List.copyOf(suites);
        protocols = List.copyOf(protocols);
    }

    /** What the JDK's client context is made from. */
    public TlsClientContext.Settings settings() {
        return new TlsClientContext.Settings(verify, trusted, verifyHost, clientCertificate, sni, sniName, alpn,
                suites, protocols, reuseSessions, checkSni, crls);
    }
}
