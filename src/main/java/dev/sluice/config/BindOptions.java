package dev.sluice.config;

import java.net.InetSocketAddress;

/**
 * The options after {@code bind ADDRESS:PORT} while the line is read; a feature
 * that adds bind options keeps their values in a holder of its own here.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class BindOptions {
    String name;
    boolean v4v6;
    boolean v6only;
    boolean deferAccept;
    boolean fastOpen;
    boolean acceptProxy;
    final TlsSettings tls = new TlsSettings();

    BindConfig build(InetSocketAddress address, int line) {
        // As in HAProxy, v6only is the stronger of the two when both are given.
        BindConfig.Ipv6 ipv6 = v6only ? BindConfig.Ipv6.V6_ONLY : v4v6 ? BindConfig.Ipv6.V4_AND_V6
                : BindConfig.Ipv6.SYSTEM_DEFAULT;
        return new BindConfig(address, name, ipv6, deferAccept, fastOpen, acceptProxy, line, null, tls);
    }
}
