package dev.sluice.session;

import dev.sluice.session.HttpSession.Req;
import dev.sluice.session.HttpSession.Resp;

/**
 * The deadlines of an HTTP session: which timeout applies in which state, and
 * what running out of it means. Pure functions of a {@link State}, so that a
 * test drives every case without a session, a loop or a clock.
 *
 * <ul>
 * <li>A request head must be complete within {@code timeout http-request} of
 *     its first byte (without it, {@code timeout client} of the client's last
 *     byte). Time the head spent waiting for one of Sluice's own buffers is
 *     Sluice's, never the client's: it is added to the deadline.</li>
 * <li>Between two requests, {@code timeout http-keep-alive} (else
 *     {@code http-request}, else {@code client}) closes an idle connection.</li>
 * <li>In the server queue, {@code timeout queue} (else {@code connect}); while
 *     connecting, {@code timeout connect}: both answer 503.</li>
 * <li>While Sluice waits on the client (for the rest of a body, or for it to
 *     take response bytes): {@code timeout client} of its last activity.</li>
 * <li>Once the request is sent, the response head must arrive within
 *     {@code timeout server} of that moment, however slowly its bytes trickle
 *     in: 504. After that, and while the request is still going out,
 *     {@code timeout server} counts from the server's last activity.</li>
 * <li>A connection that waits for a request of which no byte has come, and
 *     holds nothing else, gives up its exchange's parts after
 *     {@link HttpSession#PARK_NANOS}: not a timeout, only memory given back
 *     (it parks).</li>
 * <li>Once the exchange is a tunnel (a 101 to an upgrade), {@code timeout tunnel}
 *     counts from the last byte either way, standing in for the client and
 *     server timeouts; a side that is half closed has {@code client-fin} or
 *     {@code server-fin} when set.</li>
 * </ul>
 *
 * <p>Deadlines are absolute times on the loop's clock; 0 means none.
 */
final class HttpDeadlines {
    /** What ran out, and so what the session does. */
    enum Expiry {
        NONE,
        /** Nothing of a first request came in time: a probe or an unused pre-connection, closed quietly. */
        HEAD_SILENT,
        /** A request head began but was not complete in time: 408. */
        HEAD_INCOMPLETE,
        /** A keep-alive connection stayed idle between requests: closed quietly. */
        IDLE,
        /** A connection idle without an exchange long enough to give up its parts: it parks, and stays open. */
        PARK,
        /** The request waited in the server queue too long: 503. */
        QUEUE,
        /** The server connection did not open in time: 503. */
        CONNECT,
        /** The client stopped taking or sending bytes in the middle of an exchange: both sides are cut. */
        CLIENT,
        /** The server did not begin its response in time: 504. */
        RESPONSE_HEAD,
        /** The server stopped in the middle of its response, or of taking the request: both sides are cut. */
        SERVER,
        /** A tunnel stayed idle both ways for timeout tunnel: both sides are cut. */
        TUNNEL
    }

    /**
     * What the deadlines depend on. The session keeps one (its
     * {@link HttpTimekeeper}), writes the times into it as they happen and
     * refreshes the rest before each use; a test sets the fields it needs.
     */
    static class State {
        Req req = Req.HEAD;
        Resp resp = Resp.IDLE;
        /** Bytes of a request head are held (a head has begun). */
        boolean headBytesHeld;
        /** The request channel waits for a buffer: the client's bytes wait on Sluice. */
        boolean headWaitsForBuffer;
        /** The session waits for a request and holds nothing an exchange would: it may park. */
        boolean parkable;
        int requestsOnConnection;
        long headStartedAt;
        long idleSince;
        long clientActiveAt;
        long serverActiveAt;
        /** When the current request's last byte went to the server. */
        long requestSentAt;
        /** The queue or connect deadline of the current state. */
        long phaseDeadline;
        /** Time the current head spent waiting for a buffer. */
        long headBufferWait;
        /** Request bytes are held that the server has yet to take. */
        boolean requestForwardable;
        /** Response bytes are held that the client has yet to take. */
        boolean responseForwardable;
        boolean serverAttached;
        /** Bytes of the final response went to the client already. */
        boolean responseStarted;
        /** Once a tunnel: the client connection has one side shut, and so has the server connection. */
        boolean clientHalfClosed;
        boolean serverHalfClosed;
        HttpTimeouts httpTimeouts = HttpTimeouts.NONE;
        long clientTimeout;
        long serverTimeout;
        /** The backend's {@code timeout tunnel}, {@code client-fin} (the frontend's) and {@code server-fin}. */
        long tunnelTimeout;
        long clientFinTimeout;
        long serverFinTimeout;

        /**
         * A parked session's state: no head bytes, no buffer or wait, nothing
         * to forward, no server; the head's wait for a buffer so far is kept.
         */
        void parked(long headBufferWait) {
            this.parkable = false;
            this.headBytesHeld = false;
            this.headWaitsForBuffer = false;
            this.headBufferWait = headBufferWait;
            this.requestForwardable = false;
            this.responseForwardable = false;
            this.serverAttached = false;
            this.responseStarted = false;
            this.clientHalfClosed = false;
            this.serverHalfClosed = false;
        }
    }

    private HttpDeadlines() {
    }

    /** The earliest deadline the session has now, or 0 for none. */
    static long next(State in) {
        if (in.req == Req.TUNNEL) {
            return Session.earliest(Session.earliest(tunnelDeadline(in), tunnelClientDeadline(in)),
                    tunnelServerDeadline(in));
        }
        long next = 0;
        switch (in.req) {
            case HEAD -> {
                if (!in.headWaitsForBuffer) {
                    next = Session.earliest(awaitsHead(in) ? headDeadline(in) : idleDeadline(in), parkDeadline(in));
                }
            }
            case WAITING_FOR_SLOT, CONNECTING -> next = in.phaseDeadline;
            default -> {
            }
        }
        return Session.earliest(Session.earliest(next, clientDeadline(in)), serverDeadline(in));
    }

    /** Which deadline, if any, has passed at {@code now}, in the order the session must act on them. */
    static Expiry expired(State in, long now) {
        if (in.req == Req.TUNNEL) {
            return passed(tunnelDeadline(in), now) ? Expiry.TUNNEL
                    : passed(tunnelClientDeadline(in), now) ? Expiry.CLIENT
                    : passed(tunnelServerDeadline(in), now) ? Expiry.SERVER : Expiry.NONE;
        }
        switch (in.req) {
            case HEAD -> {
                if (in.headWaitsForBuffer) {
                    break;
                }
                if (awaitsHead(in)) {
                    if (passed(headDeadline(in), now)) {
                        return in.headBytesHeld ? Expiry.HEAD_INCOMPLETE : Expiry.HEAD_SILENT;
                    }
                } else if (passed(idleDeadline(in), now)) {
                    return Expiry.IDLE;
                }
                if (passed(parkDeadline(in), now)) {
                    return Expiry.PARK;
                }
            }
            case WAITING_FOR_SLOT -> {
                if (passed(in.phaseDeadline, now)) {
                    return Expiry.QUEUE;
                }
            }
            case CONNECTING -> {
                if (passed(in.phaseDeadline, now)) {
                    return Expiry.CONNECT;
                }
            }
            default -> {
            }
        }
        if (passed(clientDeadline(in), now)) {
            return Expiry.CLIENT;
        }
        if (passed(serverDeadline(in), now)) {
            return !in.responseStarted && in.resp == Resp.HEAD ? Expiry.RESPONSE_HEAD : Expiry.SERVER;
        }
        return Expiry.NONE;
    }

    /** A head is awaited: one has begun, or this is the connection's first request. */
    private static boolean awaitsHead(State in) {
        return in.headBytesHeld || in.requestsOnConnection == 0;
    }

    /**
     * When a request head must be complete: timeout http-request after its
     * start; without it, timeout client after the client's last byte (HAProxy:
     * "the client timeout still applies between each chunk of the request").
     * Either way moved on by the time the head waited for a buffer.
     */
    static long headDeadline(State in) {
        long request = in.httpTimeouts.request();
        long wait = in.headBufferWait;
        return request > 0 ? Session.deadline(in.headStartedAt + wait, request)
                : Session.deadline(in.clientActiveAt + wait, in.clientTimeout);
    }

    /** When an idle keep-alive connection closes: http-keep-alive, else http-request, else client. */
    static long idleDeadline(State in) {
        long idle = in.httpTimeouts.keepAliveOrRequest();
        return Session.deadline(in.idleSince, idle > 0 ? idle : in.clientTimeout);
    }

    /** When a session that may park does: {@link HttpSession#PARK_NANOS} after it became idle. */
    static long parkDeadline(State in) {
        return in.parkable ? Session.deadline(in.idleSince, HttpSession.PARK_NANOS) : 0;
    }

    /** While Sluice waits on the client: for the rest of a request body, or to take response bytes. */
    static long clientDeadline(State in) {
        boolean waiting = in.req == Req.SENDING && !in.requestForwardable || in.responseForwardable;
        return waiting ? Session.deadline(in.clientActiveAt, in.clientTimeout) : 0;
    }

    /** While Sluice waits on the server: for its response, or to take request bytes. */
    static long serverDeadline(State in) {
        if (!in.serverAttached || in.req == Req.CONNECTING) {
            return 0;
        }
        if (in.resp == Resp.HEAD && in.req == Req.SENT) {
            // The head is due within timeout server of the request: bytes that trickle do not extend it.
            return Session.deadline(in.requestSentAt, in.serverTimeout);
        }
        Resp r = in.resp;
        boolean waiting = r == Resp.HEAD || r == Resp.BODY || r == Resp.INTERIM || in.requestForwardable;
        return waiting ? Session.deadline(in.serverActiveAt, in.serverTimeout) : 0;
    }

    /**
     * A tunnel's bidirectional timeout: timeout tunnel after the last byte that
     * moved either way (HAProxy's meaning: it stands in for the client and the
     * server timeouts once the exchange is a tunnel).
     */
    static long tunnelDeadline(State in) {
        return Session.deadline(Math.max(in.clientActiveAt, in.serverActiveAt), in.tunnelTimeout);
    }

    /** Without timeout tunnel, timeout client; once the client connection is half closed, client-fin if set. */
    static long tunnelClientDeadline(State in) {
        long d = in.tunnelTimeout > 0 ? 0 : Session.deadline(in.clientActiveAt, in.clientTimeout);
        if (in.clientHalfClosed && in.clientFinTimeout > 0) {
            d = Session.earliest(d, Session.deadline(in.clientActiveAt, in.clientFinTimeout));
        }
        return d;
    }

    /** Without timeout tunnel, timeout server; once the server connection is half closed, server-fin if set. */
    static long tunnelServerDeadline(State in) {
        long d = in.tunnelTimeout > 0 ? 0 : Session.deadline(in.serverActiveAt, in.serverTimeout);
        if (in.serverHalfClosed && in.serverFinTimeout > 0) {
            d = Session.earliest(d, Session.deadline(in.serverActiveAt, in.serverFinTimeout));
        }
        return d;
    }

    private static boolean passed(long deadline, long now) {
        return deadline != 0 && now - deadline >= 0;
    }
}
