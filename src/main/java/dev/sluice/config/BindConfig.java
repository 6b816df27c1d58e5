package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One address of a {@code bind} line of a frontend or listen section, with the
 * line's options.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param address the address and port; port 0 lets the system choose
 * @param name {@code name}: the listener's name in logs and stats, or null
 * @param ipv6 which clients an IPv6 address accepts ({@code v4v6}, {@code v6only})
 * @param deferAccept {@code defer-accept}: the system hands over a connection only once it has data, or after
 *     one second (Linux's {@code TCP_DEFER_ACCEPT}, as HAProxy sets it)
 * @param fastOpen {@code tfo}: TCP Fast Open, with a queue as long as the listen backlog, as in HAProxy
 * @param acceptProxy {@code accept-proxy}: each connection starts with a PROXY protocol header (v1 or v2)
 *     giving the real client's addresses
 * @param line the line of the {@code bind} keyword
 * @param tls {@code ssl} and its options, with the global defaults applied; null for a plain listener
 * @param tlsSettings what the line said of TLS, until the whole file is read and {@code tls} is made from it
 */
public record BindConfig(InetSocketAddress address, String name, Ipv6 ipv6, boolean deferAccept, boolean fastOpen,
        boolean acceptProxy, int line, TlsBindConfig tls, TlsSettings tlsSettings) {
    /** What an IPv6 listening address accepts. */
    public enum Ipv6 {
        /** What the system does by default; the JDK's IPv6 sockets accept IPv4 clients too. */
        SYSTEM_DEFAULT,
        /** {@code v4v6}: IPv4 clients too, through IPv4-mapped addresses. */
        V4_AND_V6,
        /** {@code v6only}: IPv6 clients only. */
        V6_ONLY
    }

    public BindConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ipv6, "ipv6");
    }

    /** The same listener with its TLS resolved against the global defaults, once the file is read. */
    BindConfig resolveTls(TlsSettings defaults, String file) throws ConfigException {
        if (tlsSettings == null) {
            return this;
        }
        return new BindConfig(address, name, ipv6, deferAccept, fastOpen, acceptProxy, line,
                tlsSettings.resolve(defaults, file, line), null);
    }

    /** Whether connections to this listener speak TLS ({@code ssl}). */
    public boolean ssl() {
        return tls != null;
    }

    /** A plain listening address, without options. */
    public BindConfig(InetSocketAddress address, int line) {
        this(address, null, Ipv6.SYSTEM_DEFAULT, false, false, false, line, null, null);
    }
}
