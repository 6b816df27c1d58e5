package dev.sluice.config;

import dev.sluice.backend.ServerCheckSpec;

/**
 * A server line's check options while it is read ({@link CheckKeywords}),
 * with HAProxy's defaults; {@code default-server} passes them on.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerCheckOptions {
    boolean enabled;
    String address;
    int port;
    long interMillis = ServerCheckSpec.DEFAULT_INTER_MILLIS;
    long fastinterMillis;
    long downinterMillis;
    int rise = ServerCheckSpec.DEFAULT_RISE;
    int fall = ServerCheckSpec.DEFAULT_FALL;
    boolean sendProxy;

    ServerCheckOptions() {
    }

    ServerCheckOptions(ServerCheckOptions d) {
        enabled = d.enabled;
        address = d.address;
        port = d.port;
        interMillis = d.interMillis;
        fastinterMillis = d.fastinterMillis;
        downinterMillis = d.downinterMillis;
        rise = d.rise;
        fall = d.fall;
        sendProxy = d.sendProxy;
    }
}
