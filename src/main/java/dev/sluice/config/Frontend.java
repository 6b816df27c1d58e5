package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One {@code frontend} section: where Sluice listens and where it sends what it accepts.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param binds every {@code bind} address, in file order (at least one once validated)
 * @param defaultBackend the name of the backend that receives the traffic
 * @param maxconn at most this many concurrent client connections (the global maxconn when not set)
 * @param line the line of the {@code frontend} header
 */
public record Frontend(String name, List<InetSocketAddress> binds, Mode mode, String defaultBackend, int maxconn,
        Timeouts timeouts, int line) {
    public Frontend {
        Objects.requireNonNull(name, "name");
        binds = List.copyOf(binds);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeouts, "timeouts");
    }
}
