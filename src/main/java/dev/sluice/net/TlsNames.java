package dev.sluice.net;

import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * What a TLS handshake agreed, read once when it ends: the server name the
 * client asked for (SNI), and the suite by OpenSSL's name, as HAProxy's
 * {@code %sslc} logs it.
 */
final class TlsNames {
    /** {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256} and its kin: the JDK's names of the TLS 1.2 suites. */
    private static final java.util.regex.Pattern JDK_SUITE = java.util.regex.Pattern.compile(
            "TLS_(?:(ECDHE|DHE)_(RSA|ECDSA)|RSA)_WITH_(?:AES_(128|256)_(GCM|CBC)|(CHACHA20_POLY1305))_SHA(256|384)?");
    /** Each suite's OpenSSL name, made once: a handful of suites, so the map stays small. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> OPENSSL =
            new java.util.concurrent.ConcurrentHashMap<>();

    private TlsNames() {
    }

    /**
     * A suite by OpenSSL's name: TLS 1.3's are the same in both
     * ({@code TLS_AES_128_GCM_SHA256}); TLS 1.2's are
     * {@code ECDHE-RSA-AES128-GCM-SHA256}, {@code ECDHE-ECDSA-CHACHA20-POLY1305},
     * {@code ECDHE-RSA-AES256-SHA384} (CBC), {@code AES128-GCM-SHA256} (RSA
     * key transport). One it cannot read stays the JDK's.
     */
    static String opensslSuite(String jdk) {
        return OPENSSL.computeIfAbsent(jdk, TlsNames::translate);
    }

    private static String translate(String jdk) {
        java.util.regex.Matcher m = JDK_SUITE.matcher(jdk);
        if (!m.matches()) {
            return jdk;
        }
        StringBuilder b = new StringBuilder();
        if (m.group(1) != null) {
            b.append(m.group(1)).append('-').append(m.group(2)).append('-');
        }
        if (m.group(5) != null) {
            return b.append("CHACHA20-POLY1305").toString();
        }
        b.append("AES").append(m.group(3)).append('-');
        boolean gcm = m.group(4).equals("GCM");
        if (gcm) {
            b.append("GCM-");
        }
        // OpenSSL names a CBC suite with plain SHA-1 "...-SHA", and SHA-2 ones by their size.
        return b.append("SHA").append(m.group(6) == null ? "" : m.group(6)).toString();
    }

    /** The client's host name, in lower case, or null when it sent none (or this end is the client). */
    static String requestedServerName(SSLEngine engine) {
        if (engine.getUseClientMode()) {
            return null;
        }
        SSLSession s = engine.getSession();
        if (!(s instanceof ExtendedSSLSession e)) {
            return null;
        }
        List<SNIServerName> names = e.getRequestedServerNames();
        for (SNIServerName n : names) {
            if (n instanceof SNIHostName h) {
                return h.getAsciiName().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * Whether the peer gave a certificate in the handshake (it checked out, or
     * the handshake would have failed). A server engine that asked for none
     * got none, and is not asked: the session would answer with an exception
     * made for every client (a JFR recording counted one per handshake).
     */
    static boolean peerCertified(javax.net.ssl.SSLEngine engine) {
        if (!engine.getUseClientMode() && !engine.getNeedClientAuth() && !engine.getWantClientAuth()) {
            return false;
        }
        try {
            return engine.getSession().getPeerCertificates().length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
