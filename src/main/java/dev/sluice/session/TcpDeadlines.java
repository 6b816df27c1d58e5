package dev.sluice.session;

/**
 * The deadlines of a TCP session: which timeout applies in which state. Pure
 * functions of a {@link State}, so that a test drives every case without a
 * session, a loop or a clock.
 *
 * <ul>
 * <li>In the server queue, {@code timeout queue}; while connecting,
 *     {@code timeout connect} (the phase deadline the session sets).</li>
 * <li>Once relaying, {@code timeout tunnel}, when set, counts from the last
 *     byte that moved either way and stands in for the client and server
 *     timeouts.</li>
 * <li>Otherwise {@code timeout client} from the client's last activity while
 *     Sluice expects it to send or waits for it to take bytes, and
 *     {@code timeout server} the same way for the server once relaying.</li>
 * <li>A side whose connection is half closed has {@code client-fin} or
 *     {@code server-fin} too, when set.</li>
 * </ul>
 *
 * <p>Deadlines are absolute times on the loop's clock; 0 means none.
 */
final class TcpDeadlines {
    /** What the deadlines depend on; the session refreshes it before each use. */
    static final class State {
        boolean relaying;
        /** The queue's or the connect's deadline while not yet relaying; 0 for none. */
        long phaseDeadline;
        SessionTimeouts timeouts;
        long clientActiveAt;
        long serverActiveAt;
        /** Sluice reads from the client now, or holds bytes the client has yet to take. */
        boolean waitsOnClient;
        /** Sluice reads from the server now, or holds bytes the server has yet to take. */
        boolean waitsOnServer;
        boolean clientHalfClosed;
        boolean serverHalfClosed;
    }

    private TcpDeadlines() {
    }

    static long tunnel(State in) {
        return in.relaying ? Session.deadline(Math.max(in.clientActiveAt, in.serverActiveAt), in.timeouts.tunnel()) : 0;
    }

    static long client(State in) {
        boolean tunnel = in.relaying && in.timeouts.tunnel() > 0;
        long d = in.waitsOnClient && !tunnel ? Session.deadline(in.clientActiveAt, in.timeouts.client()) : 0;
        if (in.timeouts.clientFin() > 0 && in.clientHalfClosed) {
            d = Session.earliest(d, Session.deadline(in.clientActiveAt, in.timeouts.clientFin()));
        }
        return d;
    }

    static long server(State in) {
        if (!in.relaying) {
            return 0;
        }
        long d = in.waitsOnServer && in.timeouts.tunnel() == 0 ? Session.deadline(in.serverActiveAt, in.timeouts.server()) : 0;
        if (in.timeouts.serverFin() > 0 && in.serverHalfClosed) {
            d = Session.earliest(d, Session.deadline(in.serverActiveAt, in.timeouts.serverFin()));
        }
        return d;
    }

    /** The earliest deadline of all: when the session's timer fires. */
    static long next(State in) {
        long phase = in.relaying ? 0 : in.phaseDeadline;
        return Session.earliest(Session.earliest(Session.earliest(phase, tunnel(in)), client(in)), server(in));
    }
}
