package dev.sluice.config;

import dev.sluice.http.HttpRules;
import java.util.List;
import java.util.Objects;

/**
 * One {@code frontend} section, or the frontend half of a {@code listen}
 * section: where Sluice listens and where it sends what it accepts.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param binds every {@code bind} line, in file order (at least one once validated)
 * @param defaultBackend the name of the backend that receives the traffic no {@code use_backend} rule takes;
 *     null only in mode http with {@code use_backend} rules, where a request no rule takes gets 503
 * @param maxconn at most this many concurrent client connections (the global maxconn when not set)
 * @param tcpKeepAlive {@code option clitcpka} (or {@code tcpka}): {@code SO_KEEPALIVE} on client connections
 * @param routing the ACLs, {@code use_backend} and {@code tcp-request} rules
 * @param http the mode http keywords: {@code http-request} rules, HTTP options
 * @param log where and how its traffic is logged
 * @param line the line of the {@code frontend} header
 */
public record FrontendConfig(String name, List<BindConfig> binds, Mode mode, String defaultBackend, int maxconn,
        Timeouts timeouts, boolean tcpKeepAlive, RoutingConfig routing, HttpConfig http, LogConfig log, ServiceConfig services, int line) {
    public FrontendConfig {
        Objects.requireNonNull(name, "name");
        binds = List.copyOf(binds);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(services, "services");
    }

    /**
     * Compiles this frontend's {@code http-request} and {@code use_backend}
     * rules. Compile once at start-up: the result is immutable and may be shared
     * by every event loop.
     */
    public HttpRules httpRules() {
        return RuleCompiler.frontend(this);
    }

    /** Compiles this frontend's {@code tcp-request connection} and {@code content} rules, once, at start-up. */
    public dev.sluice.http.TcpRequestRules tcpRequestRules() {
        return RuleCompiler.tcpRequestRules(routing().tcpRequestRules());
    }
}
