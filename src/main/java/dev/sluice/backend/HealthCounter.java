package dev.sluice.backend;

import java.util.SplittableRandom;

/**
 * HAProxy's health counter of one server's checks, the verdicts it gives the
 * server's backend, and the interval it sets to the next check. The counter
 * runs from 0 to {@code rise + fall - 1}; a failure takes one off and, below
 * {@code rise}, drops it to 0 and the server DOWN; a success adds one and, at
 * {@code rise}, raises it to the top and the server UP (a conditional success,
 * {@code disable-on-404}, to STOPPING). It starts at {@code rise}, so the first
 * failed check marks a dead server DOWN at once.
 *
 * <p>Not thread-safe: owned by its {@link HealthCheck}, on one loop. The
 * counters may be read from other threads, and then give recent values.
 */
final class HealthCounter {
    private final Backend backend;
    private final Server server;
    private final ServerCheckSpec options;
    private final SplittableRandom random;
    private final int spreadPercent;
    private int health;
    private Backend.Verdict verdict = Backend.Verdict.UP;
    private volatile long passed;
    private volatile long failed;
    private volatile long conditional;

    HealthCounter(Backend backend, Server server, ServerCheckSpec options, int spreadPercent) {
        this.backend = backend;
        this.server = server;
        this.options = options;
        this.random = new SplittableRandom(((long) backend.name().hashCode() << 32) ^ server.name().hashCode());
        this.spreadPercent = spreadPercent;
        this.health = options.rise();
    }

    /** Out of maintenance the server is UP at rise. */
    void restart() {
        health = options.rise();
        verdict = Backend.Verdict.UP;
    }

    /**
     * HAProxy's health counter; returns whether the result moved it. A
     * verdict that changes goes to the backend, with {@code detail}.
     */
    boolean apply(CheckStatus status, String detail) {
        int top = options.rise() + options.fall() - 1;
        boolean moved = false;
        switch (status.result()) {
            case FAILED -> {
                failed++;
                if (health > 0) {
                    moved = true;
                    health--;
                    if (health < options.rise()) {
                        health = 0;
                    }
                }
                if (health == 0) {
                    decide(Backend.Verdict.DOWN, status, detail);
                }
            }
            case PASSED, CONDITIONAL -> {
                if (status.result() == CheckStatus.Result.PASSED) {
                    passed++;
                } else {
                    conditional++;
                }
                if (health < top) {
                    moved = true;
                    health++;
                    if (health >= options.rise()) {
                        health = top;
                    }
                }
                if (health >= options.rise()) {
                    decide(status.result() == CheckStatus.Result.PASSED ? Backend.Verdict.UP : Backend.Verdict.STOPPING,
                            status, detail);
                }
            }
        }
        return moved;
    }

    private void decide(Backend.Verdict v, CheckStatus status, String detail) {
        decide(v, status.description() + (detail.isEmpty() ? "" : " (" + detail + ")"));
    }

    private void decide(Backend.Verdict v, String reason) {
        if (v == verdict) {
            return;
        }
        verdict = v;
        backend.checkVerdict(server, v, reason);
    }

    /**
     * The stats page sets the counter, as if checks had said so: fully UP for
     * UP or STOPPING (NOLB), 0 for DOWN; the next results move it on from there.
     */
    void force(Backend.Verdict v) {
        health = v == Backend.Verdict.DOWN ? 0 : options.rise() + options.fall() - 1;
        decide(v, "set from the stats page");
    }

    /** Whether the last verdict was DOWN. */
    boolean down() {
        return verdict == Backend.Verdict.DOWN;
    }

    /** The time to the next check: {@link #interval()}, spread. */
    long nextNanos() {
        return spread(interval() * 1_000_000L);
    }

    /** {@code inter} when fully UP, {@code downinter} when fully DOWN, {@code fastinter} in between. */
    private long interval() {
        int top = options.rise() + options.fall() - 1;
        if (health == top) {
            return options.interMillis();
        }
        if (health == 0 && verdict == Backend.Verdict.DOWN) {
            return options.downinterMillis() > 0 ? options.downinterMillis() : options.interMillis();
        }
        return options.fastinterMillis() > 0 ? options.fastinterMillis() : options.interMillis();
    }

    /** {@code spread-checks}: a uniform draw within that many percent either side. */
    private long spread(long nanos) {
        if (spreadPercent <= 0) {
            return nanos;
        }
        long range = nanos * spreadPercent / 100;
        return nanos - range + (long) (2 * range * random.nextDouble());
    }

    /** HAProxy's health counter: 0 (DOWN) to {@code rise + fall - 1} (fully UP). */
    int health() {
        return health;
    }

    long passed() {
        return passed;
    }

    long failed() {
        return failed;
    }

    long conditional() {
        return conditional;
    }
}
