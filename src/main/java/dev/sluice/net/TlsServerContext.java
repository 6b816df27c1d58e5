package dev.sluice.net;

import dev.sluice.loop.Loop;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One TLS listener's context: its certificates (picked by SNI, {@link
 * SniKeyManager}), protocol versions, suites and ALPN protocols, and the
 * engine each accepted connection gets. ALPN answers with the first protocol
 * of the listener's list that the client offers, and with none (the
 * handshake goes on) when the client offers none of them.
 *
 * <p>Made on the control thread; {@link #accept} is called by every loop.
 */
public final class TlsServerContext {
    private final SSLContext context;
    private final String[] protocols;
    private final String[] suites;
    private final boolean serverOrder;
    private final String[] groups;
    private final BiFunction<SSLEngine, List<String>, String> alpn;

    /**
     * @param alpn the protocols ALPN may choose, in the listener's order; empty for no ALPN answer
     * @param suites the JDK's names of the suites, or null for its defaults
     * @param protocols the JDK's names of the versions
     * @param preferClientCiphers whether the client's order of suites wins
     * @param groups the JDK's names of the key exchange groups ({@code curves}), in order of preference, or null
     *     for its defaults
     */
    public TlsServerContext(List<PemKeyMaterial> certificates, List<String> alpn, List<String> suites,
            List<String> protocols, boolean preferClientCiphers, List<String> groups) throws GeneralSecurityException {
        context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new SniKeyManager(certificates)}, null, null);
        this.protocols = protocols.toArray(new String[0]);
        this.suites = suites == null ? null : suites.toArray(new String[0]);
        this.serverOrder = !preferClientCiphers;
        this.groups = groups == null ? null : groups.toArray(new String[0]);
        List<String> offered = List.copyOf(alpn);
        this.alpn = (engine, asked) -> {
            for (String p : offered) {
                if (asked.contains(p)) {
                    return p;
                }
            }
            return "";
        };
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
        engine.setSSLParameters(p);
        engine.setHandshakeApplicationProtocolSelector(alpn);
        TlsConnection c = new TlsConnection(transport, engine, loop, arena);
        c.begin();
        return c;
    }
}
