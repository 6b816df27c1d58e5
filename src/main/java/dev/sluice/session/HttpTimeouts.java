package dev.sluice.session;

/**
 * The timeouts only HTTP sessions have, in nanoseconds; 0 means "none".
 *
 * @param request   how long a request head may take to arrive, from its first byte
 *                  (from the accept for a connection's first request); 408 when it passes
 * @param keepAlive how long a connection may stay idle between two requests
 *                  ({@code request} stands in when unset, as in HAProxy)
 */
public record HttpTimeouts(long request, long keepAlive) {
    /** Neither timeout set. */
    public static final HttpTimeouts NONE = new HttpTimeouts(0, 0);

    public HttpTimeouts {
        if (request < 0 || keepAlive < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    public static HttpTimeouts ofMillis(long request, long keepAlive) {
        return new HttpTimeouts(request * 1_000_000L, keepAlive * 1_000_000L);
    }

    long keepAliveOrRequest() {
        return keepAlive > 0 ? keepAlive : request;
    }
}
