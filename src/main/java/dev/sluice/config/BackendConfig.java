package dev.sluice.config;

import dev.sluice.http.HttpRules;
import java.util.List;
import java.util.Objects;

/**
 * One {@code backend} section, or the backend half of a {@code listen}
 * section: a set of servers and how to pick one.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param servers every {@code server}, in file order (at least one once validated)
 * @param smartConnect {@code option tcp-smart-connect}: the handshake's last ACK goes out with the first bytes
 *     sent to the server, when there are some to send at once
 * @param http the mode http keywords: ACLs, rules, HTTP options
 * @param line the line of the {@code backend} header
 */
public record BackendConfig(String name, Mode mode, Balance balance, List<ServerConfig> servers, Timeouts timeouts,
        boolean smartConnect, HttpConfig http, int line) {
    public BackendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(http, "http");
    }

    /** True when at least one server limits its connections, which creates a server queue. */
    public boolean hasServerMaxconn() {
        for (ServerConfig server : servers) {
            if (server.maxconn() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles this backend's {@code http-request} rules. Compile once at
     * start-up: the result is immutable and may be shared by every event loop.
     */
    public HttpRules httpRules() {
        return RuleCompiler.backend(this);
    }
}
