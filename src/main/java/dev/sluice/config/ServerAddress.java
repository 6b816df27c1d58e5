package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a server is, as its {@code server} line says: an address, and either a
 * port of its own or the port the client connected to, perhaps shifted.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param address the address, with the fixed port, or port 0 when the port comes from the client
 * @param port how the port is chosen
 * @param portOffset for {@link Port#CLIENT_DESTINATION}: added to the port the client connected to
 *     ({@code ADDR:+N} or {@code ADDR:-N}; 0 for {@code ADDR} alone)
 */
public record ServerAddress(InetSocketAddress address, Port port, int portOffset) {
    /** How a server's port is chosen. */
    public enum Port {
        /** {@code ADDR:PORT}: every connection goes to this port. */
        FIXED,
        /**
         * {@code ADDR}, {@code ADDR:}, {@code ADDR:+N}, {@code ADDR:-N}: the port the
         * client connected to on Sluice, plus the offset, as in HAProxy.
         */
        CLIENT_DESTINATION
    }

    public ServerAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(port, "port");
        if (port == Port.FIXED && portOffset != 0) {
            throw new IllegalArgumentException("a fixed port takes no offset");
        }
    }

    /** A server at a fixed port. */
    public static ServerAddress fixed(InetSocketAddress address) {
        return new ServerAddress(address, Port.FIXED, 0);
    }
}
