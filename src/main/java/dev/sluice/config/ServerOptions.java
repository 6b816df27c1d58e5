package dev.sluice.config;

import java.net.InetSocketAddress;

/**
 * The options after {@code server NAME ADDR:PORT} while the line is read. A
 * feature that adds server options keeps their values in a holder of its own
 * here, and makes it one component of {@link ServerConfig} in {@link #build}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerOptions {
    int maxconn;
    int maxqueue;
    long poolPurgeDelayMillis = ServerConfig.DEFAULT_POOL_PURGE_DELAY_MILLIS;
    int poolMaxConn = ServerConfig.UNLIMITED_POOL;

    ServerConfig build(String name, InetSocketAddress address, int line) {
        return new ServerConfig(name, address, maxconn, maxqueue, poolPurgeDelayMillis, poolMaxConn, line);
    }
}
