package dev.sluice.config;

import dev.sluice.http.HttpRules;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One {@code frontend} section: where Sluice listens and where it sends what it accepts.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param binds every {@code bind} address, in file order (at least one once validated)
 * @param defaultBackend the name of the backend that receives the traffic no {@code use_backend} rule takes;
 *     null only in mode http with {@code use_backend} rules, where a request no rule takes gets 503
 * @param maxconn at most this many concurrent client connections (the global maxconn when not set)
 * @param acls every {@code acl} line, in file order (mode http only)
 * @param httpRequestRules every {@code http-request} rule, in file order (mode http only)
 * @param useBackends every {@code use_backend} rule, in file order (mode http only)
 * @param forwardFor {@code option forwardfor}: add {@code X-Forwarded-For} with the client's address (mode http)
 * @param httpClose {@code option httpclose}: close the client connection after each response (mode http)
 * @param maxBodySize {@code max-body-size}: the largest request body in bytes, checked before routing; 0 for no
 *     limit (mode http)
 * @param line the line of the {@code frontend} header
 */
public record FrontendConfig(String name, List<InetSocketAddress> binds, Mode mode, String defaultBackend, int maxconn,
        Timeouts timeouts, List<AclSpec> acls, List<HttpRequestRule> httpRequestRules, List<UseBackend> useBackends,
        boolean forwardFor, boolean httpClose, long maxBodySize, int line) {
    public FrontendConfig {
        Objects.requireNonNull(name, "name");
        binds = List.copyOf(binds);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeouts, "timeouts");
        acls = List.copyOf(acls);
        httpRequestRules = List.copyOf(httpRequestRules);
        useBackends = List.copyOf(useBackends);
    }

    /**
     * Compiles this frontend's {@code http-request} and {@code use_backend}
     * rules. Compile once at start-up: the result is immutable and may be shared
     * by every event loop.
     */
    public HttpRules httpRules() {
        return RuleCompiler.frontend(this);
    }
}
