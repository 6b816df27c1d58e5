package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One {@code server} line of a backend.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param maxconn at most this many concurrent connections to the server; 0 means no limit (no server queue)
 * @param maxqueue at most this many sessions wait in the server's queue; 0 means no limit
 * @param line the line of the {@code server} keyword
 */
public record Server(String name, InetSocketAddress address, int maxconn, int maxqueue, int line) {
    public Server {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        if (maxconn < 0 || maxqueue < 0) {
            throw new IllegalArgumentException("maxconn and maxqueue must be >= 0: " + maxconn + ", " + maxqueue);
        }
    }
}
