package dev.sluice.config;

import dev.sluice.backend.Server;
import dev.sluice.backend.ServerCheckSpec;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One {@code server} line of a backend or listen section, with the options of
 * the {@code default-server} lines above it that the line does not override.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param target where the server is, and how its port is chosen
 * @param maxconn at most this many concurrent connections to the server; 0 means no limit (no server queue)
 * @param maxqueue at most this many sessions wait in the server's queue; 0 means no limit
 * @param poolPurgeDelayMillis {@code pool-purge-delay}: an idle server connection older than this is closed;
 *                             0 means idle connections are not kept
 * @param poolMaxConn {@code pool-max-conn}: the most idle connections kept per event loop, or
 *                    {@link #UNLIMITED_POOL}
 * @param weight {@code weight}, 0 to 256 (default 1)
 * @param backup {@code backup}: used only when no active server is UP
 * @param disabled {@code disabled}: starts in maintenance
 * @param check the {@code check} options, or null when the server is not checked
 * @param sendProxy the PROXY protocol version each new connection starts with ({@code send-proxy}: 1,
 *                  {@code send-proxy-v2}: 2), or 0
 * @param line the line of the {@code server} keyword
 * @param tls TLS towards the server ({@code ssl}) or its checks ({@code check-ssl}), the global defaults
 *     applied; null for a server spoken to in the clear
 * @param tlsSettings what the line said of TLS, until the whole file is read and {@code tls} is made from it
 * @param cookie {@code cookie}: the value a persistence cookie names the server by, or null
 */
public record ServerConfig(String name, ServerAddress target, int maxconn, int maxqueue, long poolPurgeDelayMillis,
                           int poolMaxConn, int weight, boolean backup, boolean disabled, ServerCheckSpec check,
                           DiscoveryConfig discovery, int sendProxy, int line, ServerTlsConfig tls,
                           ServerTlsSettings tlsSettings, String cookie) {
    /** HAProxy's default {@code pool-purge-delay}: 5 seconds. */
    public static final long DEFAULT_POOL_PURGE_DELAY_MILLIS = 5_000;
    /** {@code pool-max-conn -1}: no configured limit (Sluice still bounds it per loop). */
    public static final int UNLIMITED_POOL = -1;

    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(discovery, "discovery");
        if (maxconn < 0 || maxqueue < 0) {
            throw new IllegalArgumentException("maxconn and maxqueue must be >= 0: " + maxconn + ", " + maxqueue);
        }
        if (poolPurgeDelayMillis < 0 || poolMaxConn < UNLIMITED_POOL) {
            throw new IllegalArgumentException("pool-purge-delay must be >= 0 and pool-max-conn >= -1: "
                    + poolPurgeDelayMillis + ", " + poolMaxConn);
        }
        if (sendProxy < 0 || sendProxy > 2) {
            throw new IllegalArgumentException("PROXY protocol version 0, 1 or 2: " + sendProxy);
        }
        if (weight < 0 || weight > Server.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be in [0, 256]: " + weight);
        }
    }

    /** A server whose address the file gives. */
    public ServerConfig(String name, ServerAddress target, int maxconn, int maxqueue, long poolPurgeDelayMillis,
                        int poolMaxConn, int weight, boolean backup, boolean disabled, ServerCheckSpec check,
                        int line) {
        this(name, target, maxconn, maxqueue, poolPurgeDelayMillis, poolMaxConn, weight, backup, disabled, check,
                DiscoveryConfig.NONE, 0, line, null, null, null);
    }

    /** The same server with its TLS resolved against the global defaults, once the file is read. */
    ServerConfig resolveTls(TlsSettings globals, String file) throws ConfigException {
        if (tlsSettings == null) {
            return this;
        }
        boolean checkElsewhere = check != null && (check.port() != 0 || check.address() != null);
        ServerTlsConfig resolved = tlsSettings.resolve(globals, checkElsewhere, name, file, line);
        return new ServerConfig(name, target, maxconn, maxqueue, poolPurgeDelayMillis, poolMaxConn, weight, backup,
                disabled, check, discovery, sendProxy, line, resolved, null, cookie);
    }

    /** Whether the server has no address yet: it waits, in maintenance, for its resolver's first answer. */
    public boolean unresolved() {
        return discovery.discovered() && target.address().getAddress().isAnyLocalAddress();
    }

    /** A server at a fixed address and port, with the default idle connection pool. */
    public ServerConfig(String name, InetSocketAddress address, int maxconn, int maxqueue, int line) {
        this(name, ServerAddress.fixed(address), maxconn, maxqueue, DEFAULT_POOL_PURGE_DELAY_MILLIS, UNLIMITED_POOL,
                Server.DEFAULT_WEIGHT, false, false, null, DiscoveryConfig.NONE, 0, line, null, null, null);
    }

    /**
     * The address to connect to. Its port is the server's own when
     * {@link ServerAddress#port()} is {@link ServerAddress.Port#FIXED}; otherwise it is 0, and the port comes
     * from the client's connection.
     */
    public InetSocketAddress address() {
        return target.address();
    }
}
