package dev.sluice.config;

import java.net.InetSocketAddress;

/**
 * The options after {@code bind ADDRESS:PORT} while the line is read; a feature
 * that adds bind options keeps their values in a holder of its own here.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class BindOptions {
    BindConfig build(InetSocketAddress address, int line) {
        return new BindConfig(address, line);
    }
}
