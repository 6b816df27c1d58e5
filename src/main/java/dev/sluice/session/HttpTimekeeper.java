package dev.sluice.session;

import dev.sluice.session.HttpSession.Req;

/**
 * An HTTP session's deadlines at work: the state {@link HttpDeadlines} reads
 * (the exchange writes the times of its phases into it, the rest is brought
 * up to date from the session and its parts before each use); when the
 * current request head started, and how long it had waited for a buffer by
 * then; and what the session does once a deadline has passed: it closes with
 * the outcome that names it, answers 408, lets the server side answer 503 or
 * 504, or parks.
 *
 * <p>It is the state itself, not a holder of one, so that a connection pays
 * for no other object. The session's parts are given with each call: null
 * while it is parked.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class HttpTimekeeper extends HttpDeadlines.State {
    private final HttpSession session;
    /** The request channel's buffer wait when the head started: what it waited since is not the client's. */
    private long headWaitBase;

    HttpTimekeeper(HttpSession session, HttpFrontend frontend) {
        this.session = session;
        httpTimeouts = frontend.httpTimeouts();
        clientTimeout = frontend.clientTimeout();
    }

    /** A request head starts at {@code now}, read through {@code request}. */
    void headStarted(long now, Channel request) {
        headStartedAt = now;
        headWaitBase = request.waitedNanos();
    }

    /**
     * The first bytes of a request after keep-alive start its timeout
     * http-request; the idle time before them counts against timeout
     * http-keep-alive only.
     */
    void firstBytesAfterKeepAlive(long now, ExchangeParts parts) {
        if (session.req() == Req.HEAD && session.requestsOnConnection > 0 && headStartedAt - idleSince <= 0
                && parts != null && parts.request.held() > 0) {
            headStarted(now, parts.request);
        }
    }

    /** The session parks, giving up {@code request}: the wait for a buffer so far stays the head's. */
    void parking(Channel request) {
        headWaitBase -= request.waitedNanos();
    }

    /** Acts on a deadline that passed; true when the session closed (the run ends). */
    boolean expired(long now, ExchangeParts parts) {
        HttpDeadlines.Expiry expiry = HttpDeadlines.expired(refresh(parts), now);
        switch (expiry) {
            case NONE -> {
                return false;
            }
            case HEAD_SILENT -> session.close(SessionOutcome.REQUEST_TIMEOUT, CloseMode.ORDERLY);
            case IDLE -> session.close(SessionOutcome.DONE, CloseMode.ORDERLY);
            case PARK -> {
                session.park();
                session.armTimer();
                return true;
            }
            case HEAD_INCOMPLETE -> parts.exchange.refuse(Refusal.HEAD_TIMEOUT);
            case QUEUE, CONNECT, RESPONSE_HEAD -> parts.upstream.deadlinePassed(expiry);
            case CLIENT -> session.close(SessionOutcome.CLIENT_TIMEOUT, CloseMode.ABORTIVE);
            case SERVER -> session.close(SessionOutcome.SERVER_TIMEOUT, CloseMode.ABORTIVE);
            case TUNNEL -> session.close(SessionOutcome.TUNNEL_TIMEOUT, CloseMode.ABORTIVE);
        }
        return session.isClosed();
    }

    /** The earliest deadline the session has now, or 0 for none. */
    long next(ExchangeParts parts) {
        return HttpDeadlines.next(refresh(parts));
    }

    /** The deadline state, with what the session knows now. */
    private HttpDeadlines.State refresh(ExchangeParts parts) {
        req = session.req();
        resp = session.resp();
        requestsOnConnection = session.requestsOnConnection;
        clientActiveAt = session.clientActiveAt;
        serverActiveAt = session.serverActiveAt;
        if (parts == null) {
            parked(-headWaitBase);
        } else {
            parkable = session.parkable();
            parts.describe(this, headWaitBase);
        }
        return this;
    }
}
