package dev.sluice.backend;

import java.util.List;
import java.util.Objects;

/**
 * A backend's health check: the script every checked server of the backend
 * runs ({@code option httpchk} and {@code http-check}, {@code option
 * tcp-check} and {@code tcp-check}, the protocol checks, or the default TCP
 * connect), with the backend's {@code timeout check}, {@code timeout connect},
 * {@code http-check disable-on-404} and {@code option log-health-checks}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param kind how the script was asked for, for logs ({@code "tcp"}, {@code "httpchk"}, {@code "tcp-check"},
 *             {@code "redis-check"}, ...)
 * @param protocol whether {@link CheckStep.Expect} steps read an HTTP response
 * @param steps the script; it starts with a {@link CheckStep.Connect}
 * @param disableOn404 {@code http-check disable-on-404}: a 404 drains an UP server instead of failing it
 * @param timeoutCheckMillis {@code timeout check}: once connected, the answer must come within this; 0 when
 *                           unset, and then the whole check must end within {@code inter}
 * @param timeoutConnectMillis {@code timeout connect}: with {@code timeout check}, the connection must open
 *                             within the smaller of this and {@code inter}; 0 when unset
 * @param logHealthChecks {@code option log-health-checks}: report every result that changed
 */
public record HealthCheckSpec(String kind, Protocol protocol, List<CheckStep> steps, boolean disableOn404,
                              long timeoutCheckMillis, long timeoutConnectMillis, boolean logHealthChecks) {
    /** Whether the script speaks plain bytes or reads HTTP responses. */
    public enum Protocol { TCP, HTTP }

    public HealthCheckSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(protocol, "protocol");
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !(steps.get(0) instanceof CheckStep.Connect)) {
            throw new IllegalArgumentException("a check script starts with a connect: " + steps);
        }
        if (timeoutCheckMillis < 0 || timeoutConnectMillis < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0");
        }
    }

    /** The default check: the connection opens. */
    public static final HealthCheckSpec TCP_CONNECT = new HealthCheckSpec("tcp", Protocol.TCP,
            List.of(CheckStep.Connect.DEFAULT), false, 0, 0, false);

    public HealthCheckSpec withTimeouts(long checkMillis, long connectMillis) {
        return new HealthCheckSpec(kind, protocol, steps, disableOn404, checkMillis, connectMillis, logHealthChecks);
    }

    public HealthCheckSpec withLogHealthChecks(boolean on) {
        return new HealthCheckSpec(kind, protocol, steps, disableOn404, timeoutCheckMillis, timeoutConnectMillis, on);
    }

    public HealthCheckSpec withDisableOn404(boolean on) {
        return new HealthCheckSpec(kind, protocol, steps, on, timeoutCheckMillis, timeoutConnectMillis, logHealthChecks);
    }

    /** The most bytes one {@link CheckStep.Send} sends, the PROXY header included, so its buffer can be sized. */
    int largestSend() {
        int max = 0;
        boolean proxy = false;
        for (CheckStep s : steps) {
            if (s instanceof CheckStep.Send send) {
                max = Math.max(max, send.bytes().length);
            } else if (s instanceof CheckStep.Connect c) {
                proxy |= c.sendProxy();
            }
        }
        return max + (proxy ? ProxyHeader.MAX_V1_LENGTH : 0);
    }

    /** Whether some step reads what the server sends. */
    boolean expects() {
        for (CheckStep s : steps) {
            if (s instanceof CheckStep.Expect) {
                return true;
            }
        }
        return false;
    }
}
