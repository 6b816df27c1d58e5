package dev.sluice.config;

import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.RetryPolicy;
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
 * @param tcpKeepAlive {@code option srvtcpka} (or {@code tcpka}): {@code SO_KEEPALIVE} on server connections
 * @param routing the ACLs and {@code tcp-request content} rules
 * @param http the mode http keywords: {@code http-request} rules, HTTP options
 * @param balance {@code balance}, {@code hash-type} and {@code option allbackups}
 * @param retry {@code retries}, {@code option redispatch} and {@code retry-on}
 * @param check the health check script its checked servers run (the TCP connect unless the backend names
 *     another), with {@code timeout check}
 * @param line the line of the {@code backend} header
 */
public record BackendConfig(String name, Mode mode, BalanceSpec balance, List<ServerConfig> servers, Timeouts timeouts,
        boolean smartConnect, boolean tcpKeepAlive, RoutingConfig routing, HttpConfig http, RetryPolicy retry,
        HealthCheckSpec check, int line) {
    public BackendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(check, "check");
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

    /**
     * The rules this backend runs for the requests {@code frontend} routes to it.
     * When both are the halves of one {@code listen} section, the frontend half
     * has run the section's rules already, and, as in HAProxy, they do not run a
     * second time (the persistence cookie, the backend's own, still applies);
     * for any other frontend they are {@link #httpRules()}.
     */
    public HttpRules httpRules(FrontendConfig frontend) {
        return isOtherHalfOf(frontend) ? RuleCompiler.persistenceOnly(this) : httpRules();
    }

    /**
     * This backend's {@code tcp-request content} rules, compiled, as they run
     * for {@code frontend}'s traffic: none when both halves are one listen
     * section, whose rules ran already as the frontend's.
     */
    public dev.sluice.http.TcpRequestRules tcpRequestRules(FrontendConfig frontend) {
        return isOtherHalfOf(frontend) ? dev.sluice.http.TcpRequestRules.NONE
                : RuleCompiler.tcpRequestRules(routing().tcpRequestRules());
    }

    /** This backend's stick rules, compiled (mode tcp; in mode http they come with {@link #httpRules()}). */
    public dev.sluice.http.StickRules stickRules() {
        return RuleCompiler.stickRules(this);
    }

    /** True when this backend and {@code frontend} come from the same {@code listen} section. */
    public boolean isOtherHalfOf(FrontendConfig frontend) {
        return frontend.name().equals(name) && frontend.line() == line;
    }
}
