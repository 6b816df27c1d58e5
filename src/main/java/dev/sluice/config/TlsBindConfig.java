package dev.sluice.config;

import dev.sluice.net.PemKeyMaterial;
import java.util.List;

/**
 * What a {@code bind ... ssl} line asks of TLS, with the global defaults
 * ({@code crt-base}, {@code ssl-default-bind-*}) applied and the certificates
 * read.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param certificates each {@code crt} file, or every {@code .pem} file of a {@code crt} directory, in order:
 *     the first is the default when no certificate's names match the client's server name (SNI)
 * @param alpn the protocols offered by ALPN, in order of preference, or null when the line says nothing
 * @param cipherSuites the JDK's names of the enabled suites (TLS 1.2 from {@code ciphers}, TLS 1.3 from
 *     {@code ciphersuites}), or null for the JDK's defaults
 * @param protocols the JDK's names of the enabled protocol versions
 * @param preferClientCiphers {@code prefer-client-ciphers} in {@code ssl-default-bind-options}: the client's
 *     order of suites wins
 * @param groups the JDK's names of the key exchange groups ({@code curves}, {@code ecdhe},
 *     {@code ssl-default-bind-curves}), in order of preference, or null for the JDK's defaults
 */
public record TlsBindConfig(List<PemKeyMaterial> certificates, List<String> alpn, List<String> cipherSuites,
        List<String> protocols, boolean preferClientCiphers, List<String> groups) {
    public TlsBindConfig {
        certificates = List.copyOf(certificates);
        alpn = alpn == null ? null : List.copyOf(alpn);
        cipherSuites = cipherSuites == null ? null : List.copyOf(cipherSuites);
        protocols = List.copyOf(protocols);
        groups = groups == null ? null : List.copyOf(groups);
    }
}
