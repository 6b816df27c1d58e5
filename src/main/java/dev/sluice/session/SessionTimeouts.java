package dev.sluice.session;

/**
 * A session's timeouts in nanoseconds; 0 means "none". {@code queue} falls
 * back to {@code connect} when unset, as in HAProxy.
 *
 * @param client  inactivity allowed while Sluice waits on the client (to send, or to take bytes)
 * @param server  inactivity allowed while Sluice waits on the server
 * @param connect how long a server connection may take to open
 * @param queue   how long a session may wait for a server slot
 * @param tunnel  inactivity allowed in both directions at once once the session is a tunnel (a TCP relay, an
 *                HTTP exchange that switched protocols); it then stands in for {@code client} and {@code server}
 * @param clientFin inactivity allowed on a client connection that one side has shut ({@code timeout client-fin});
 *                0: the tunnel or client timeout goes on
 * @param serverFin the same for the server connection ({@code timeout server-fin})
 */
public record SessionTimeouts(long client, long server, long connect, long queue, long tunnel, long clientFin,
                              long serverFin) {
    public SessionTimeouts {
        if (client < 0 || server < 0 || connect < 0 || queue < 0 || tunnel < 0 || clientFin < 0 || serverFin < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** Without tunnel and half-close timeouts. */
    public SessionTimeouts(long client, long server, long connect, long queue) {
        this(client, server, connect, queue, 0, 0, 0);
    }

    /** The same, with {@code timeout tunnel}, {@code client-fin} and {@code server-fin} from milliseconds. */
    public SessionTimeouts withTunnelMillis(long tunnelMillis, long clientFinMillis, long serverFinMillis) {
        return new SessionTimeouts(client, server, connect, queue, tunnelMillis * 1_000_000L,
                clientFinMillis * 1_000_000L, serverFinMillis * 1_000_000L);
    }

    /** From milliseconds, as the configuration gives them. */
    public static SessionTimeouts ofMillis(long client, long server, long connect, long queue) {
        return new SessionTimeouts(client * 1_000_000L, server * 1_000_000L, connect * 1_000_000L, queue * 1_000_000L);
    }

    long queueOrConnect() {
        return queue > 0 ? queue : connect;
    }
}
