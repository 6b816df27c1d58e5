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
    private final boolean smartConnect;

    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit) {
        this(name, backend, timeouts, limit, false);
    }

    /**
     * @param smartConnect the backend's {@code option tcp-smart-connect}: when the client has sent bytes
     *                     before the server connection opens, its last handshake ACK goes out with them
     */
    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit,
                       boolean smartConnect) {
        this.name = name;
        this.backend = backend;
        this.timeouts = timeouts;
        this.limit = limit;
        this.smartConnect = smartConnect;
    }

    /** Whether the backend has {@code option tcp-smart-connect}. */
    public boolean smartConnect() {
        return smartConnect;
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
