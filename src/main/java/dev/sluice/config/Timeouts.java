package dev.sluice.config;

/**
 * The {@code timeout} values of a frontend or backend, in milliseconds; 0 means
 * not set (no timeout). A frontend uses {@code client}, {@code httpRequest} and
 * {@code httpKeepAlive}; a backend uses {@code connect}, {@code server},
 * {@code queue}, {@code httpRequest} and {@code httpKeepAlive}. Values set in a
 * {@code defaults} section are carried by both kinds, as in HAProxy.
 *
 * <p>Immutable; safe to share between threads.
 */
public record Timeouts(long connect, long client, long server, long queue, long httpRequest, long httpKeepAlive) {
    /** No timeout set. */
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0, 0);

    public Timeouts {
        if (connect < 0 || client < 0 || server < 0 || queue < 0 || httpRequest < 0 || httpKeepAlive < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0 ms: " + connect + ", " + client + ", "
                    + server + ", " + queue + ", " + httpRequest + ", " + httpKeepAlive);
        }
    }
}
