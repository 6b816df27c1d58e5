package dev.sluice.config;

/**
 * The options after {@code server NAME ADDR:PORT} while the line is read.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerOptions {
    int maxconn;
    int maxqueue;
    long poolPurgeDelayMillis = ServerConfig.DEFAULT_POOL_PURGE_DELAY_MILLIS;
    int poolMaxConn = ServerConfig.UNLIMITED_POOL;
}
