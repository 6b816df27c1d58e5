package dev.sluice.config;

/**
 * The options after {@code server NAME ADDR:PORT} while the line is read.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerOptions {
    int maxconn;
    int maxqueue;
}
