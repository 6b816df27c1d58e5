package dev.sluice.net;

import dev.sluice.loop.Loop;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One server's TLS ({@code server ... ssl}): the JDK client context its
 * connections are made from, and the engine each new connection gets. The
 * server's chain is checked against {@code ca-file}'s CAs (or the JDK's own,
 * {@code @system-ca}) under {@code verify required}, and its name against
 * the name sent by SNI, else {@code verifyhost}, else not at all, as in
 * HAProxy; {@code verify none} trusts anything. Sessions are resumed per
 * server and name, from a cache of at most {@link #SESSION_CACHE} sessions
 * per server; under {@code no-ssl-reuse} the cache keeps one, for a second
 * (the JDK resumes any session it holds for the name, and has no switch).
 *
 * <p>A connection's records travel in its loop's {@link TlsRecordArena}, as
 * a client connection's do, and count with the session's client connection's
 * when that speaks TLS too ({@link Connection#shareRecordsWith}).
 *
 * <p>Made on the control thread; {@link #connect} is called by every loop.
 */
public final class TlsClientContext {
    /** The most sessions kept for resumption with one server. */
    public static final int SESSION_CACHE = 64;

    /** Where the name a connection's ClientHello sends comes from ({@code sni}). */
    public enum Sni {
        /** No name is sent. */
        NONE,
        /** {@code sni str(NAME)}: always the same name. */
        FIXED,
        /** {@code sni req.hdr(host)}: the request's Host, without its port (mode http). */
        HOST,
        /** {@code sni ssl_fc_sni}: the name the client asked Sluice for. */
        CLIENT
    }

    /**
     * What a server line asks of TLS.
     *
     * @param verify whether the server's certificate must check out
     * @param trusted the CAs it must lead to, or null for the JDK's
     * @param verifyHost the name checked when none is sent, or null
     * @param clientCertificate what Sluice shows when the server asks for a certificate, or null
     * @param sni where the sent name comes from; {@code sniName} is the name of {@link Sni#FIXED}
     * @param alpn the protocols offered, empty for none
     * @param suites the JDK's suite names, or null for its defaults
     * @param protocols the JDK's version names
     * @param reuseSessions whether sessions are resumed
     * @param checkSni the name a health check sends, or null
     * @param crls the revocation lists the server's certificate is checked against ({@code crl-file}), empty for none
     */
    public record Settings(boolean verify, List<X509Certificate> trusted, String verifyHost,
            PemKeyMaterial clientCertificate, Sni sni, String sniName, List<String> alpn, List<String> suites,
            List<String> protocols, boolean reuseSessions, String checkSni, List<java.security.cert.X509CRL> crls) {
        public Settings {
            crls = crls == null ? List.of() : List.copyOf(crls);
        }

        public Settings(boolean verify, List<X509Certificate> trusted, String verifyHost,
                PemKeyMaterial clientCertificate, Sni sni, String sniName, List<String> alpn, List<String> suites,
                List<String> protocols, boolean reuseSessions, String checkSni) {
            this(verify, trusted, verifyHost, clientCertificate, sni, sniName, alpn, suites, protocols, reuseSessions,
                    checkSni, List.of());
        }
    }

    private final SSLContext context;
    private final Settings settings;
    private final String[] protocols;
    private final String[] suites;
    private final String[] alpn;
    private TlsRecordArena[] arenas = new TlsRecordArena[0];

    public TlsClientContext(Settings settings) throws GeneralSecurityException {
        this.settings = settings;
        context = SSLContext.getInstance("TLS");
        KeyManager[] keys = null;
        if (settings.clientCertificate() != null) {
            KeyStore ks = emptyStore();
            PemKeyMaterial m = settings.clientCertificate();
            ks.setKeyEntry("client", m.key(), new char[0], m.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            keys = kmf.getKeyManagers();
        }
        TrustManager[] trust = settings.verify() ? trusting(settings.trusted(), settings.crls())
                : new TrustManager[] {trustingAll()};
        context.init(keys, trust, null);
        context.getClientSessionContext().setSessionCacheSize(settings.reuseSessions() ? SESSION_CACHE : 1);
        if (!settings.reuseSessions()) {
            // The JDK resumes any session it holds for the name: none lives past a second.
            context.getClientSessionContext().setSessionTimeout(1);
        }
        this.protocols = settings.protocols().toArray(new String[0]);
        this.suites = settings.suites() == null ? null : settings.suites().toArray(new String[0]);
        this.alpn = settings.alpn().toArray(new String[0]);
    }

    /** The record arenas of the loops, by loop id; set once, before any connection. */
    public void arenas(TlsRecordArena[] byLoop) {
        this.arenas = byLoop.clone();
    }

    /** Where a session on {@code loop} claims its records towards this server with its client buffers, or null. */
    public dev.sluice.buffer.ClaimGate claims(Loop loop) {
        return loop.id() < arenas.length ? arenas[loop.id()].claims() : null;
    }

    public Sni sni() {
        return settings.sni();
    }

    /**
     * The name a connection's ClientHello sends, as {@code sni} says: the
     * fixed one, the name the client asked Sluice for ({@code clientName}), or
     * the request's Host ({@code host}, null outside mode http); null for none.
     */
    public String serverName(String clientName, String host) {
        return switch (settings.sni()) {
            case NONE -> null;
            case FIXED -> settings.sniName();
            case CLIENT -> clientName;
            case HOST -> host;
        };
    }

    /** {@code check-sni}: what a health check's ClientHello names, or null. */
    public String checkName() {
        return settings.checkSni();
    }

    /**
     * Wraps a connection being opened to {@code target} in TLS, on its loop:
     * its handshake begins once the transport is connected, after {@code
     * clearFirst} (a PROXY header, or null) goes out in the clear, and its
     * handler hears {@code connected()} once the handshake is done, or {@code
     * connectFailed} if it fails.
     *
     * @param name the server name to send (SNI) and to check the certificate against, or null for none
     */
    public TlsConnection connect(Connection transport, Loop loop, InetSocketAddress target, String name,
                                 ByteBuffer clearFirst) {
        return connect(transport, loop, arenas[loop.id()], target, name, clearFirst);
    }

    /** The same, with the records in {@code records} (a health check's own arena). */
    public TlsConnection connect(Connection transport, Loop loop, TlsRecordArena records, InetSocketAddress target,
                                 String name, ByteBuffer clearFirst) {
        String sent = usable(name);
        String checked = sent != null ? sent : settings.verifyHost();
        // Sessions are cached by name and port: a connection resumes one made with the same name. The name is
        // also the one the engine checks the certificate against.
        SSLEngine engine = context.createSSLEngine(checked != null ? checked : target.getHostString(),
                target.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        if (suites != null) {
            p.setCipherSuites(suites);
        }
        p.setServerNames(sent == null ? List.<SNIServerName>of() : List.of(new SNIHostName(sent)));
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        if (settings.verify() && checked != null) {
            // The engine checks the certificate's names against its peer host: the name made above.
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(p);
        TlsConnection c = new TlsConnection(transport, engine, loop, records);
        c.requestedName(sent);
        if (clearFirst != null) {
            c.sendFirst(clearFirst);
        }
        return c;
    }

    /**
     * The trust managers of these CAs (a {@code ca-file}), or of the JDK's own
     * when null ({@code @system-ca}); with {@code crls} ({@code crl-file}), a
     * certificate that one of them revokes is refused too. The peer's own
     * certificate is checked, from the lists given only (no network
     * fetch, no OCSP); a list from its issuer must be among them, or the
     * certificate is refused, as OpenSSL refuses it with a CRL check on.
     */
    static TrustManager[] trusting(List<X509Certificate> cas, List<java.security.cert.X509CRL> crls)
            throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (cas == null && crls.isEmpty()) {
            tmf.init((KeyStore) null);
            return tmf.getTrustManagers();
        }
        if (cas == null) {
            throw new GeneralSecurityException("a crl-file needs a ca-file of its own, not @system-ca");
        }
        KeyStore ks = emptyStore();
        int i = 0;
        for (X509Certificate ca : cas) {
            ks.setCertificateEntry("ca" + i++, ca);
        }
        if (crls.isEmpty()) {
            tmf.init(ks);
            return tmf.getTrustManagers();
        }
        java.security.cert.PKIXBuilderParameters pkix = new java.security.cert.PKIXBuilderParameters(ks,
                new java.security.cert.X509CertSelector());
        pkix.addCertStore(java.security.cert.CertStore.getInstance("Collection",
                new java.security.cert.CollectionCertStoreParameters(crls)));
        java.security.cert.PKIXRevocationChecker revocation = (java.security.cert.PKIXRevocationChecker)
                java.security.cert.CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        revocation.setOptions(java.util.EnumSet.of(java.security.cert.PKIXRevocationChecker.Option.PREFER_CRLS,
                java.security.cert.PKIXRevocationChecker.Option.NO_FALLBACK,
                java.security.cert.PKIXRevocationChecker.Option.ONLY_END_ENTITY));
        pkix.addCertPathChecker(revocation);
        pkix.setRevocationEnabled(true);
        tmf.init(new javax.net.ssl.CertPathTrustManagerParameters(pkix));
        return tmf.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        return ks;
    }

    /** A name fit to send by SNI (RFC 6066: a host name, not an address), else null. */
    static String usable(String name) {
        if (name == null || name.isEmpty() || name.indexOf(':') >= 0 || name.chars().allMatch(
                ch -> ch == '.' || ch >= '0' && ch <= '9')) {
            return null;
        }
        try {
            new SNIHostName(name);
            return name;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code verify none}'s trust manager: every chain is taken as it comes. */
    public static X509ExtendedTrustManager trustingAll() {
        return new TrustingAll();
    }

    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }
    }
}
