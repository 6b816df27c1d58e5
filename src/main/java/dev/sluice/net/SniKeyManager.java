package dev.sluice.net;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks a listener's certificate by the server name the client asked for
 * (SNI): the first certificate, in the order of the {@code crt} options and
 * of the files of a {@code crt} directory, whose common name or DNS
 * subject-alternative names match it, a wildcard {@code *.example.com}
 * matching one label; without a match, or without a name, the first
 * certificate of the line, unless the listener is {@code strict-sni}: then
 * no certificate is chosen and the handshake fails with an alert. A {@code
 * crt-list} line's SNI filters stand for a certificate's own names ({@link
 * SniCertificate}). Only certificates whose key suits what the handshake
 * asks for are candidates.
 *
 * <p>Immutable after construction; called by the engines of every loop.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final List<SniCertificate> certificates;
    /** {@code strict-sni}: no default certificate for a name that matches none, or for no name. */
    private final boolean strict;

    SniKeyManager(List<SniCertificate> certificates, boolean strict) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        this.certificates = List.copyOf(certificates);
        this.strict = strict;
    }

    /** The common names and DNS alternative names of a certificate, in lower case, each once. */
    static List<String> namesOf(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    out.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("a certificate subject the JDK cannot read: " + e.getMessage(), e);
        }
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    if (Integer.valueOf(2).equals(entry.get(0))) {
                        out.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("a certificate's alternative names cannot be read: " + e.getMessage(), e);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** Whether a certificate name matches a host name; both in lower case. */
    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String host = requestedHost(engine);
        if (host != null) {
            for (int i = 0; i < certificates.size(); i++) {
                if (suits(i, keyType) && certificates.get(i).answers(host)) {
                    return Integer.toString(i);
                }
            }
        }
        return !strict && suits(0, keyType) ? "0" : null;
    }

    private boolean suits(int i, String keyType) {
        return certificates.get(i).material().key().getAlgorithm().equalsIgnoreCase(keyType);
    }

    private static String requestedHost(SSLEngine engine) {
        SSLSession s = engine == null ? null : engine.getHandshakeSession();
        if (s instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        int i = index(alias);
        return i < 0 ? null : certificates.get(i).material().chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        int i = index(alias);
        return i < 0 ? null : certificates.get(i).material().key();
    }

    private int index(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < certificates.size() ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            if (suits(i, keyType)) {
                out.add(Integer.toString(i));
            }
        }
        return out.isEmpty() ? null : out.toArray(new String[0]);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return !strict && suits(0, keyType) ? "0" : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
