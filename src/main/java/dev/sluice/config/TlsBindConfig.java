package dev.sluice.config;

import dev.sluice.net.SniCertificate;
import dev.sluice.net.TlsServerContext;
import java.util.List;

/**
 * What a {@code bind ... ssl} line asks of TLS, with the global defaults
 * ({@code crt-base}, {@code ssl-default-bind-*}) applied and the certificates
 * read.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param certificates each {@code crt} file, every {@code .pem} file of a {@code crt} directory, and each line
 *     of a {@code crt-list}, in order, with the server names each answers: the first is the default when no
 *     certificate's names match the client's server name (SNI), unless {@code strictSni}
 * @param alpn the protocols offered by ALPN, in order of preference, or null when the line says nothing
 * @param cipherSuites the JDK's names of the enabled suites (TLS 1.2 from {@code ciphers}, TLS 1.3 from
 *     {@code ciphersuites}), or null for the JDK's defaults
 * @param protocols the JDK's names of the enabled protocol versions
 * @param preferClientCiphers {@code prefer-client-ciphers} in {@code ssl-default-bind-options}: the client's
 *     order of suites wins
 * @param groups the JDK's names of the key exchange groups ({@code curves}, {@code ecdhe},
 *     {@code ssl-default-bind-curves}), in order of preference, or null for the JDK's defaults
 * @param strictSni {@code strict-sni}: a client whose server name matches no certificate is refused
 * @param sessionCacheSize {@code tune.ssl.cachesize}: the most sessions the listener keeps for resumption
 * @param sessionLifetimeSeconds {@code tune.ssl.lifetime}: how long a session or ticket may be resumed
 * @param dhParamBits {@code tune.ssl.default-dh-param}: the DHE group size when the client names none, or 0 for
 *     the JDK's (2048)
 * @param clientAuth {@code verify}: whether clients are asked for a certificate, and must give one
 * @param clientCas {@code ca-file}: the CAs a client's certificate must lead to; null for the JDK's own
 *     ({@code @system-ca}) or when no certificate is asked for
 * @param clientCrls {@code crl-file}: the revocation lists a client's certificate is checked against, empty for none
 */
public record TlsBindConfig(List<SniCertificate> certificates, List<String> alpn, List<String> cipherSuites,
        List<String> protocols, boolean preferClientCiphers, List<String> groups, boolean strictSni,
        int sessionCacheSize, int sessionLifetimeSeconds, int dhParamBits, TlsServerContext.ClientAuth clientAuth,
        List<java.security.cert.X509Certificate> clientCas, List<java.security.cert.X509CRL> clientCrls) {
    public TlsBindConfig {
        clientCrls = List.copyOf(clientCrls);
        certificates = List.copyOf(certificates);
        alpn = alpn == null ? null : List.copyOf(alpn);
        cipherSuites = cipherSuites == null ? null : List.copyOf(cipherSuites);
        protocols = List.copyOf(protocols);
        groups = groups == null ? null : List.copyOf(groups);
        clientCas = clientCas == null ? null : List.copyOf(clientCas);
    }
}
