package dev.sluice.config;

/**
 * The {@code timeout} values of a frontend or backend, in milliseconds; 0 means
 * not set (no timeout). A frontend uses {@code client}, {@code httpRequest} and
 * {@code httpKeepAlive}; a backend uses {@code connect}, {@code server},
 * {@code queue}, {@code httpRequest} and {@code httpKeepAlive}; {@code tunnel} and
 * {@code serverFin} are a backend's, {@code clientFin} a frontend's. Values set in a
 * {@code defaults} section are carried by both kinds, as in HAProxy.
 *
 * <p>Immutable; safe to share between threads.
 */
public record Timeouts(long connect, long client, long server, long queue, long httpRequest, long httpKeepAlive,
                       long tunnel, long clientFin, long serverFin) {
    /** No timeout set. */
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0, 0);

    public Timeouts {
        if (connect < 0 || client < 0 || server < 0 || queue < 0 || httpRequest < 0 || httpKeepAlive < 0
                || tunnel < 0 || clientFin < 0 || serverFin < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0 ms: " + connect + ", " + client + ", "
                    + server + ", " + queue + ", " + httpRequest + ", " + httpKeepAlive + ", " + tunnel + ", "
                    + clientFin + ", " + serverFin);
        }
    }

    /** Without tunnel and half-close timeouts. */
    public Timeouts(long connect, long client, long server, long queue, long httpRequest, long httpKeepAlive) {
        this(connect, client, server, queue, httpRequest, httpKeepAlive, 0, 0, 0);
    }
}
