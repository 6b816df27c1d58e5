package dev.sluice.backend;

/**
 * What a server may be sent, as HAProxy reports it.
 *
 * <p>Derived, in this order of precedence, from the administrator's choice
 * and the health checks: {@link #MAINT} if the server is in maintenance
 * ({@code disabled}, or set so at run time); {@link #DOWN} if its checks
 * failed {@code fall} times in a row and have not since passed {@code rise}
 * times; {@link #DRAIN} if it is being drained (set at run time, a weight of
 * 0, or an HTTP check that answered 404 under {@code http-check
 * disable-on-404}); {@link #UP} otherwise. A server without {@code check} is
 * never DOWN.
 */
public enum ServerState {
    /** Takes new requests. */
    UP,
    /** Drained: no new requests, but requests bound to it (queued for it, or persistent) are still served. */
    DRAIN,
    /** Failed its checks: no new requests; what waited for it is redispatched or refused. */
    DOWN,
    /** In maintenance: nothing new reaches it and it is not checked. */
    MAINT;

    /** Whether the balancer may choose a server in this state for a new request. */
    public boolean takesNewRequests() {
        return this == UP;
    }

    /** Whether a request whose persistence cookie names a server in this state goes to it: UP, or drained. */
    public boolean takesPersistentRequests() {
        return this == UP || this == DRAIN;
    }

    /** Whether what queued for a server in this state must go elsewhere (or be refused). */
    boolean dropsItsQueue() {
        return this == DOWN || this == MAINT;
    }
}
