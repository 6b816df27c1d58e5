package dev.sluice.backend;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * {@code retries}, {@code option redispatch [interval]} and {@code retry-on},
 * with HAProxy's defaults: 3 retries, no redispatch, retry on connection
 * failures only.
 *
 * <p>A retry is a new connection attempt after one failed. It goes to the same
 * server, keeping its slot, unless {@link #redispatches} says to give the
 * slot back and choose another server; {@link Backend#acquire(SlotWaiter,
 * BalanceKey, Server)} then avoids the failed one where it can. Which requests
 * may be replayed at all (no body, or a body still whole in the buffer) is the
 * session's decision.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param retries how many new attempts after the first one fails ({@code retries}, default 3)
 * @param redispatch whether {@code option redispatch} is on
 * @param redispatchInterval {@code option redispatch <interval>}: P &gt; 0 redispatches every P-th retry,
 *                           P &lt; 0 on the |P|-th retry before the last one (the default, -1, is the last retry
 *                           itself), 0 never
 * @param on the events that call for a retry ({@code retry-on}; default {@code conn-failure})
 * @param statuses the HTTP statuses that call for a retry ({@code retry-on 503 ...})
 */
public record RetryPolicy(int retries, boolean redispatch, int redispatchInterval, Set<RetryOn> on,
                          Set<Integer> statuses) {
    /** HAProxy's {@code retries} default. */
    public static final int DEFAULT_RETRIES = 3;
    /** {@code option redispatch} without an interval: on the last retry. */
    public static final int LAST_RETRY = -1;
    /** The statuses {@code retry-on} accepts. */
    public static final Set<Integer> RETRYABLE_STATUSES = Set.of(401, 403, 404, 408, 425, 500, 501, 502, 503, 504);
    /** What {@code all-retryable-errors} stands for, besides its events. */
    public static final Set<Integer> ALL_RETRYABLE_STATUSES = Set.of(500, 502, 503, 504);

    /** The failures {@code retry-on} names. */
    public enum RetryOn {
        /** The connection (or TLS handshake) failed and the request could not be sent: the default. */
        CONN_FAILURE("conn-failure"),
        /** The server closed after part of the request was sent, and sent nothing. */
        EMPTY_RESPONSE("empty-response"),
        /** The server answered something that is not a complete HTTP response head. */
        JUNK_RESPONSE("junk-response"),
        /** {@code timeout server} struck while waiting for the response. */
        RESPONSE_TIMEOUT("response-timeout"),
        /** A request sent as TLS early data was refused. */
        ZERO_RTT_REJECTED("0rtt-rejected");

        private final String keyword;

        RetryOn(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
        Objects.requireNonNull(on, "on");
        Objects.requireNonNull(statuses, "statuses");
        on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
        statuses = Set.copyOf(statuses);
        for (int s : statuses) {
            if (!RETRYABLE_STATUSES.contains(s)) {
                throw new IllegalArgumentException("retry-on does not take status " + s);
            }
        }
    }

    /** HAProxy's defaults: 3 retries on connection failure, on the same server. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_RETRIES, false, LAST_RETRY,
            Set.of(RetryOn.CONN_FAILURE), Set.of());

    public RetryPolicy withRetries(int n) {
        return new RetryPolicy(n, redispatch, redispatchInterval, on, statuses);
    }

    /** {@code option redispatch [interval]} ({@code interval} {@link #LAST_RETRY} when none is given). */
    public RetryPolicy withRedispatch(int interval) {
        return new RetryPolicy(retries, true, interval, on, statuses);
    }

    /** {@code no option redispatch}. */
    public RetryPolicy withoutRedispatch() {
        return new RetryPolicy(retries, false, LAST_RETRY, on, statuses);
    }

    /** {@code retry-on ...}: replaces the whole set, as HAProxy does ({@code none}: both sets empty). */
    public RetryPolicy withRetryOn(Set<RetryOn> events, Set<Integer> codes) {
        return new RetryPolicy(retries, redispatch, redispatchInterval, events, codes);
    }

    /** Whether a failed request may be tried again after {@code attempts} retries so far. */
    public boolean allowsRetry(int retriesSoFar) {
        return retriesSoFar < retries;
    }

    /** Whether {@code retry-on} asks for a retry on this event. */
    public boolean retriesOn(RetryOn event) {
        return on.contains(event);
    }

    /** Whether {@code retry-on} asks for a retry on this response status. */
    public boolean retriesOnStatus(int status) {
        return statuses.contains(status);
    }

    /**
     * Whether retry number {@code retry} (from 1) goes to another server,
     * HAProxy's rule: only with {@code option redispatch}, and then when the
     * failed server is no longer UP, when the interval says so, or, for the
     * round-robin family ({@code roundrobin}, {@code static-rr}, {@code random})
     * with more than one active server UP, always.
     */
    boolean redispatches(int retry, Server failed, BalanceAlgorithm algorithm, int activeUp) {
        if (!redispatch) {
            return false;
        }
        if (failed == null || !failed.takesNewRequests()) {
            return true;
        }
        int p = redispatchInterval;
        if (p > 0 && retry % p == 0) {
            return true;
        }
        // Counting back from the last retry; an interval reaching before the first retry means every one.
        int fromEnd = retries + 1 + p;
        if (p < 0 && (fromEnd <= 0 || retry % fromEnd == 0)) {
            return true;
        }
        return algorithm.kind() == BalanceAlgorithm.Kind.ROUND_ROBIN && activeUp > 1;
    }
}
