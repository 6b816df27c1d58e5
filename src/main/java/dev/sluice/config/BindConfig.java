package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One {@code bind} line of a frontend or listen section: an address to accept
 * connections on, and its options.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param address the address and port; port 0 lets the system choose
 * @param line the line of the {@code bind} keyword
 */
public record BindConfig(InetSocketAddress address, int line) {
    public BindConfig {
        Objects.requireNonNull(address, "address");
    }
}
