package dev.sluice.session;

import dev.sluice.backend.Server;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;

/**
 * {@code http-reuse never}: the session's own server connection, idle
 * between two requests, for its next request to the server it was kept for;
 * never shared with another session. While kept it is watched, so that the
 * server closing it is seen: any readiness means it can no longer be used,
 * and it is closed. It is itself the kept connection's handler, so that a
 * session makes no more objects for it than the link did.
 *
 * <p>Not thread-safe: owned by one {@link ServerLink}, on its session's loop.
 */
final class KeptConnection implements ConnectionHandler {
    private Connection kept;
    private Server keptFor;

    /** Keeps {@code c}, the connection of an exchange with {@code server} that is over, for the next request. */
    void keep(Connection c, Server server) {
        discard();
        kept = c;
        keptFor = server;
        c.handler(this);
        c.readInterest(true);
    }

    /** The kept connection if the request goes to its server and it is still usable; else it is discarded. */
    Connection take(Server s, String name) {
        // A TLS connection carries the one name it sent: a request for another gets a new one.
        boolean usable = kept != null && keptFor == s && !kept.idleConnectionLost()
                && java.util.Objects.equals(kept.requestedServerName(), name);
        Connection c = release();
        if (usable) {
            c.readInterest(false);
            return c;
        }
        if (c != null) {
            c.discard();
        }
        return null;
    }

    boolean holds() {
        return kept != null;
    }

    void discard() {
        Connection c = release();
        if (c != null) {
            c.discard();
        }
    }

    /** The kept connection, no longer kept; null when there was none. */
    private Connection release() {
        Connection c = kept;
        kept = null;
        keptFor = null;
        return c;
    }

    /** The kept connection is readable between requests: any readiness means it can no longer be used. */
    @Override
    public void readable() {
        Connection c = release();
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void writable() {
    }
}
