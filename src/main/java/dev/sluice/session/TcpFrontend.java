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
    private final ConnectionLimit processLimit;

    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit,
                       ConnectionLimit processLimit) {
        this.name = name;
        this.backend = backend;
        this.timeouts = timeouts;
        this.limit = limit;
        this.processLimit = processLimit;
    }

    /** Whether both limits have room for one more session now. */
    public boolean hasRoom() {
        return limit.hasRoom() && processLimit.hasRoom();
    }

    /** Counts a new session in both limits, or refuses it at either bound. */
    public boolean tryEnter() {
        if (!processLimit.tryEnter()) {
            return false;
        }
        if (!limit.tryEnter()) {
            processLimit.leave();
            return false;
        }
        return true;
    }

    void leave() {
        limit.leave();
        processLimit.leave();
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

    public ConnectionLimit limit() {
        return limit;
    }
}
