package dev.sluice.session;

import dev.sluice.backend.RetryPolicy;

/**
 * The retries of one exchange: what {@code retries} and {@code retry-on} allow
 * after a failed connection or a failed response, and the request kept whole
 * in its buffer so that it can be sent again.
 *
 * <p>Keeping costs no buffer: the request's own buffer is marked at the start
 * of what went out ({@link Channel#keepForReplay}) and rewound for the next
 * connection. It is kept only while the whole request fits in it and only
 * until the response begins, so a session that retries holds what any session
 * holding a slot holds: its request buffer (normal, taken before the slot) and
 * its response buffer (critical). Nothing here allocates.
 *
 * <p>The exchange makes the moves (connect, queue, refuse); this room says
 * which. Not thread-safe: owned by one exchange, on its loop.
 */
final class ExchangeRetries {
    /** HAProxy's longest pause before a retry to a server that refused the connection. */
    private static final long TURN_AROUND_NANOS = 1_000_000_000L;

    private final ServerLink link;
    private final Channel request;
    /** A retry waits for its turn-around delay before it reconnects to the same server. */
    private boolean turnAroundPending;
    /** The request is kept whole in its buffer until its response begins, so that a retry can send it again. */
    private boolean kept;
    /** The next connection sends the kept request again. */
    private boolean replaying;
    /** How many bytes of the kept request go out: its head and body. */
    private long allowance;

    ExchangeRetries(ServerLink link, Channel request) {
        this.link = link;
        this.request = request;
    }

    /** Whether the next connection sends the kept request again instead of a newly rewritten one. */
    boolean replaying() {
        return replaying;
    }

    /**
     * The kept request goes out again on the new connection. Returns the
     * policy that holds statuses back for one more retry, or null when this
     * is the last attempt (the request is then no longer kept).
     */
    RetryPolicy replay() {
        replaying = false;
        request.replay(allowance);
        RetryPolicy retry = link.retryAfterSending();
        if (retry == null) {
            request.dropReplay();
        }
        kept = retry != null;
        return retry;
    }

    /**
     * A request went out for the first time. When {@code retry-on} may ask to
     * send it again and it is whole in its buffer ({@code whole}), it is kept.
     * Returns the policy that holds statuses back, or null.
     */
    RetryPolicy sent(boolean whole) {
        RetryPolicy retry = whole ? link.retryAfterSending() : null;
        if (retry != null) {
            request.keepForReplay();
            allowance = request.forwardLimit();
        }
        kept = retry != null;
        return retry;
    }

    /**
     * The response failed after the whole request went out, as {@code event}
     * (or {@code status}, when above 0) names: where the kept request goes
     * again, or {@link ServerLink.Retry#NONE}. {@code sent} says the whole
     * request went out and {@code started} that the client saw part of a
     * response; either rules a retry out.
     */
    ServerLink.Retry afterSending(RetryPolicy.RetryOn event, int status, boolean sent, boolean started) {
        if (!kept || !sent || started) {
            return ServerLink.Retry.NONE;
        }
        ServerLink.Retry retry = link.retrySent(event, status);
        replaying = retry != ServerLink.Retry.NONE;
        return retry;
    }

    /** The connection failed before any byte went out: where the request goes next, or NONE. */
    ServerLink.Retry afterConnectFailure() {
        link.countConnectError();
        return link.retryConnect();
    }

    /** The request will not be sent again (its response began, or Sluice answered): its mark goes. */
    void drop() {
        kept = false;
        request.dropReplay();
    }

    /**
     * A refused connection is retried on the same server after a pause:
     * {@code min(timeout connect, 1s)}, or 1s without a connect timeout.
     * Returns the pause; the connect deadline ends it.
     */
    long turnAround(long connectTimeout) {
        turnAroundPending = true;
        return turnAroundNanos(connectTimeout);
    }

    /** The pause before a refused connection is tried again on the same server, HTTP or TCP. */
    static long turnAroundNanos(long connectTimeout) {
        return connectTimeout > 0 ? Math.min(connectTimeout, TURN_AROUND_NANOS) : TURN_AROUND_NANOS;
    }

    /** At the connect deadline: whether it ends a turn-around (true) rather than a connect attempt. */
    boolean turnAroundEnded() {
        boolean was = turnAroundPending;
        turnAroundPending = false;
        return was;
    }
}
