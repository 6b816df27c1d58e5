package dev.sluice.session;

import dev.sluice.backend.Backend;

/**
 * What a TCP session needs from the frontend that accepted it: where to send
 * its bytes, its timeouts, and the session limits it counts against (its own
 * {@code maxconn} and the process's).
 *
 * <p>Immutable but for the limits, which are thread-safe.
 */
public final class TcpFrontend {
    private final String name;
    private final Backend backend;
    private final SessionTimeouts timeouts;
    private final ConnectionLimit limit;

    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit) {
        this.name = name;
        this.backend = backend;
        this.timeouts = timeouts;
        this.limit = limit;
    }

    public String name() {
        return name;
    }

    public Backend backend() {
        return backend;
    }

    public SessionTimeouts timeouts() {
        return timeouts;
    }

    /**
     * The sessions this frontend counts against its {@code maxconn} (and the
     * process's, chained behind it): the acceptor enters them, a session leaves
     * when it closes.
     */
    public ConnectionLimit limit() {
        return limit;
    }
}
