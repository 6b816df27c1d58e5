package dev.sluice.config;

import dev.sluice.http.HttpRules;
import java.util.List;
import java.util.Objects;

/**
 * One {@code backend} section: a set of servers and how to pick one.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param servers every {@code server}, in file order (at least one once validated)
 * @param acls every {@code acl} line, in file order (mode http only)
 * @param httpRequestRules every {@code http-request} rule, in file order (mode http only)
 * @param forwardFor {@code option forwardfor}: add {@code X-Forwarded-For} with the client's address (mode http)
 * @param httpClose {@code option httpclose}: close the server connection after each response (mode http)
 * @param httpReuse whether idle server connections may carry other sessions' requests (mode http)
 * @param smartConnect {@code option tcp-smart-connect}: the handshake's last ACK goes out with the first bytes
 *     sent to the server, when there are some to send at once
 * @param maxBodySize {@code max-body-size}: the largest body of a request routed here, in bytes; 0 for no
 *     limit (mode http)
 * @param line the line of the {@code backend} header
 */
public record BackendConfig(String name, Mode mode, Balance balance, List<ServerConfig> servers, Timeouts timeouts,
        List<AclSpec> acls, List<HttpRequestRule> httpRequestRules, boolean forwardFor, boolean httpClose,
        HttpReuse httpReuse, boolean smartConnect, long maxBodySize, int line) {
    public BackendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeouts, "timeouts");
        acls = List.copyOf(acls);
        httpRequestRules = List.copyOf(httpRequestRules);
        Objects.requireNonNull(httpReuse, "httpReuse");
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
