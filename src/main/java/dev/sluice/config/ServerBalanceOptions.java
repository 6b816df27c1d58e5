package dev.sluice.config;

import dev.sluice.backend.Server;

/**
 * A server line's {@code weight}, {@code backup} and {@code disabled} while
 * it is read ({@link BalanceKeywords}); {@code default-server} passes them on.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerBalanceOptions {
    int weight = Server.DEFAULT_WEIGHT;
    boolean backup;
    boolean disabled;
    /** {@code cookie VALUE}, or null. */
    String cookie;

    ServerBalanceOptions() {
    }

    ServerBalanceOptions(ServerBalanceOptions d) {
        weight = d.weight;
        backup = d.backup;
        disabled = d.disabled;
        cookie = d.cookie;
    }
}
