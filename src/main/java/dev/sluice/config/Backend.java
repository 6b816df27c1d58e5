package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * One {@code backend} section: a set of servers and how to pick one.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param servers every {@code server}, in file order (at least one once validated)
 * @param line the line of the {@code backend} header
 */
public record Backend(String name, Mode mode, Balance balance, List<Server> servers, Timeouts timeouts, int line) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeouts, "timeouts");
    }

    /** True when at least one server limits its connections, which creates a server queue. */
    public boolean hasServerMaxconn() {
        for (Server server : servers) {
            if (server.maxconn() > 0) {
                return true;
            }
        }
        return false;
    }
}
