package dev.sluice.cli;

import dev.sluice.config.BindConfig;
import dev.sluice.config.Config;
import dev.sluice.config.TlsBindConfig;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.TlsRecordArena;
import dev.sluice.net.TlsServerContext;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A generation's TLS: each {@code bind ... ssl} line's context, and one
 * {@link TlsRecordArena} per loop, carved with the generation only when some
 * listener or server speaks TLS. A loop's arena holds as many record buffers
 * as its client pool holds buffers (each at least the JDK's packet size,
 * 16709 B), twice as many with TLS on both sides ({@link
 * #recordsPerClientBuffer}): a record buffer only carries bytes a plaintext
 * buffer of the session carries too, before or after, so the two bounds grow
 * together (docs/design.md, "Why it cannot deadlock", TLS). It is mapped on
 * demand and unmapped with its generation.
 *
 * <p>Built on the control thread; {@link #accept} runs on the loops.
 */
final class TlsWiring {
    private final TlsRecordArena[] arenas;

    TlsWiring(Config config, List<EventLoop> loops) {
        boolean listeners = config.frontends().stream().flatMap(f -> f.binds().stream()).anyMatch(BindConfig::ssl);
        boolean servers = config.backends().stream().flatMap(b -> b.servers().stream())
                .anyMatch(s -> s.tls() != null);
        // A session with TLS on both sides holds up to four record buffers: the arena is deeper then.
        int depth = listeners && servers ? 3 : 1;
        arenas = new TlsRecordArena[listeners || servers ? loops.size() : 0];
        if (arenas.length > 0) {
            // The handshakes' X25519 and P-256 signatures by libcrypto, from the first generation with TLS on.
            dev.sluice.net.LibcryptoKeys.install();
        }
        for (int i = 0; i < arenas.length; i++) {
            EventLoop loop = loops.get(i);
            int buffers = Math.max(TlsRecordArena.reserve(depth) + 2, recordsPerClientBuffer(depth)
                    * loop.pool().capacity());
            arenas[i] = new TlsRecordArena(loop.pool(), Arenas.generationArena((long) buffers * TlsRecordArena.packetSize()),
                    buffers, TlsRecordArena.packetSize(), depth, () -> loop.clock().nanoTime());
        }
    }

    /**
     * Record buffers per client buffer of the loop: an exchange claims two
     * client buffers with two records per TLS connection
     * ({@code dev.sluice.buffer.BufferClaim}), so with TLS on both sides (depth
     * 3) it claims twice as many records as client buffers, and an arena as
     * large as the client pool would admit half the exchanges the pool could
     * serve. The arena is mapped on demand: records never used are never resident.
     */
    static int recordsPerClientBuffer(int depth) {
        return depth >= 3 ? 2 : 1;
    }

    /**
     * Gives each server line with {@code ssl} (or {@code check-ssl}) its
     * client context, over the loops' arenas.
     */
    void originate(java.util.Map<dev.sluice.backend.Server, dev.sluice.config.ServerConfig> servers) {
        servers.forEach((server, c) -> {
            dev.sluice.config.ServerTlsConfig t = c.tls();
            if (t == null) {
                return;
            }
            try {
                dev.sluice.net.TlsClientContext context = new dev.sluice.net.TlsClientContext(t.settings());
                context.arenas(arenas);
                server.originateTls(t.traffic() ? context : null, t.checks() ? context : null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("line " + c.line() + ": server " + c.name()
                        + ": the JDK refused the TLS settings: " + e.getMessage(), e);
            }
        });
    }

    /** The context of one ssl bind line; ALPN offers http/1.1 on an HTTP frontend unless the line lists its own. */
    TlsServerContext listener(BindConfig bind, boolean http, String listenerName) {
        TlsBindConfig t = bind.tls();
        List<String> alpn = t.alpn() != null ? t.alpn() : http ? List.of("http/1.1") : List.of();
        if (t.dhParamBits() != 0) {
            // The JDK reads it once, at the process's first DHE handshake: a reload cannot change it.
            System.setProperty("jdk.tls.ephemeralDHKeySize", Integer.toString(t.dhParamBits()));
        }
        try {
            return new TlsServerContext(listenerName, t.certificates(), new TlsServerContext.Settings(alpn, t.cipherSuites(),
                    t.protocols(), t.preferClientCiphers(), t.groups(), t.strictSni(), t.sessionCacheSize(),
                    t.sessionLifetimeSeconds(), t.clientAuth(), t.clientCas(), t.clientCrls()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("line " + bind.line() + ": the JDK refused the TLS settings: "
                    + e.getMessage(), e);
        }
    }

    /** Wraps an accepted connection in TLS; one the engine refuses at once is closed (and given back closed). */
    Connection accept(TlsServerContext context, Loop loop, Connection connection) {
        try {
            return context.accept(connection, loop, arenas[loop.id()]);
        } catch (SSLException e) {
            connection.abort();
            return connection;
        }
    }

    /** The record arenas, by loop, for stats; empty when nothing speaks TLS. */
    TlsRecordArena[] arenas() {
        return arenas;
    }
}
