package dev.sluice.net;

import dev.sluice.loop.Loop;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One TLS listener's context: its certificates (picked by SNI, {@link
 * SniKeyManager}), protocol versions, suites, groups and ALPN protocols, its
 * session cache (bounded in count and lifetime), and the engine each
 * accepted connection gets. ALPN answers with the first protocol
 * of the listener's list that the client offers, and with none (the
 * handshake goes on) when the client offers none of them.
 *
 * <p>Made on the control thread; {@link #accept} is called by every loop.
 */
public final class TlsServerContext {
    /** {@code verify} on a bind line: whether clients are asked for a certificate. */
    public enum ClientAuth {
        /** None is asked for. */
        NONE("none"),
        /** One is asked for; a client may give none, but one it gives must check out. */
        OPTIONAL("optional"),
        /** One must be given, and check out. */
        REQUIRED("required");

        private final String keyword;

        ClientAuth(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    private final SSLContext context;
    private final String[] protocols;
    private final String[] suites;
    private final boolean serverOrder;
    private final String[] groups;
    private final BiFunction<SSLEngine, List<String>, String> alpn;
    private final String listenerName;
    private final ClientAuth clientAuth;

    /**
     * What a listener asks of TLS besides its certificates.
     *
     * @param alpn the protocols ALPN may choose, in the listener's order; empty for no ALPN answer
     * @param suites the JDK's names of the suites, or null for its defaults
     * @param protocols the JDK's names of the versions
     * @param preferClientCiphers whether the client's order of suites wins
     * @param groups the JDK's names of the key exchange groups ({@code curves}), in order of preference, or
     *     null for its defaults
     * @param strictSni whether a client whose server name matches no certificate (or who names none) is
     *     refused instead of given the first certificate
     * @param sessionCacheSize the most sessions the listener's cache keeps for resumption (at least 1)
     * @param sessionLifetimeSeconds how long a session (and a session ticket) may be resumed
     * @param clientAuth whether clients are asked for a certificate ({@code verify})
     * @param clientCas the CAs a client's certificate must lead to, or null for the JDK's own
     * @param clientCrls the revocation lists a client's certificate is checked against ({@code crl-file})
     */
    public record Settings(List<String> alpn, List<String> suites, List<String> protocols,
            boolean preferClientCiphers, List<String> groups, boolean strictSni, int sessionCacheSize,
            int sessionLifetimeSeconds, ClientAuth clientAuth, List<X509Certificate> clientCas,
            List<java.security.cert.X509CRL> clientCrls) {
        public Settings(List<String> alpn, List<String> suites, List<String> protocols,
                boolean preferClientCiphers, List<String> groups, boolean strictSni, int sessionCacheSize,
                int sessionLifetimeSeconds, ClientAuth clientAuth, List<X509Certificate> clientCas) {
            this(alpn, suites, protocols, preferClientCiphers, groups, strictSni, sessionCacheSize,
                    sessionLifetimeSeconds, clientAuth, clientCas, List.of());
        }

        public Settings(List<String> alpn, List<String> suites, List<String> protocols, boolean preferClientCiphers,
                List<String> groups, boolean strictSni, int sessionCacheSize, int sessionLifetimeSeconds) {
            this(alpn, suites, protocols, preferClientCiphers, groups, strictSni, sessionCacheSize,
                    sessionLifetimeSeconds, ClientAuth.NONE, null);
        }

        public Settings {
            alpn = List.copyOf(alpn);
            suites = suites == null ? null : List.copyOf(suites);
            protocols = List.copyOf(protocols);
            groups = groups == null ? null : List.copyOf(groups);
            clientCas = clientCas == null ? null : List.copyOf(clientCas);
            clientCrls = clientCrls == null ? List.of() : List.copyOf(clientCrls);
            if (sessionCacheSize < 1 || sessionLifetimeSeconds < 1) {
                throw new IllegalArgumentException("a session cache of " + sessionCacheSize + " for "
                        + sessionLifetimeSeconds + " s");
            }
        }
    }

    /**
     * @param listenerName how the listener is named in the log line of a handshake that fails ({@code bind ...
     *     name}, else its number in its frontend, as HAProxy numbers it)
     */
    public TlsServerContext(String listenerName, List<SniCertificate> certificates, Settings settings)
            throws GeneralSecurityException {
        this.listenerName = listenerName;
        context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new SniKeyManager(certificates, settings.strictSni())},
                settings.clientAuth() == ClientAuth.NONE ? null : TlsClientContext.trusting(settings.clientCas(),
                        settings.clientCrls()),
                null);
        this.clientAuth = settings.clientAuth();
        context.getServerSessionContext().setSessionCacheSize(settings.sessionCacheSize());
        context.getServerSessionContext().setSessionTimeout(settings.sessionLifetimeSeconds());
        this.protocols = settings.protocols().toArray(new String[0]);
        this.suites = settings.suites() == null ? null : settings.suites().toArray(new String[0]);
        this.serverOrder = !settings.preferClientCiphers();
        this.groups = settings.groups() == null ? null : settings.groups().toArray(new String[0]);
        List<String> offered = settings.alpn();
        this.alpn = (engine, asked) -> {
            for (String p : offered) {
                if (asked.contains(p)) {
                    return p;
                }
            }
            return "";
        };
    }

    /** The most sessions the listener keeps for resumption, as the JDK's cache was told. */
    public int sessionCacheSize() {
        return context.getServerSessionContext().getSessionCacheSize();
    }

    /** How long, in seconds, a session may be resumed, as the JDK's cache was told. */
    public int sessionLifetimeSeconds() {
        return context.getServerSessionContext().getSessionTimeout();
    }

    /** Wraps an accepted connection in TLS on its loop, the handshake waiting for the ClientHello. */
    public TlsConnection accept(Connection transport, Loop loop, TlsRecordArena arena) throws SSLException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        if (suites != null) {
            p.setCipherSuites(suites);
        }
        p.setUseCipherSuitesOrder(serverOrder);
        if (groups != null) {
            p.setNamedGroups(groups);
        }
        if (clientAuth == ClientAuth.REQUIRED) {
            p.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.OPTIONAL) {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        engine.setHandshakeApplicationProtocolSelector(alpn);
        TlsConnection c = new TlsConnection(transport, engine, loop, arena);
        c.listenerName(listenerName);
        c.begin();
        return c;
    }
}
