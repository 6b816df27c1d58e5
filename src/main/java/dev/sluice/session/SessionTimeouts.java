package dev.sluice.session;

/**
 * A session's timeouts in nanoseconds; 0 means "none". {@code queue} falls
 * back to {@code connect} when unset, as in HAProxy.
 *
 * @param client  inactivity allowed while Sluice waits on the client (to send, or to take bytes)
 * @param server  inactivity allowed while Sluice waits on the server
 * @param connect how long a server connection may take to open
 * @param queue   how long a session may wait for a server slot
 */
public record SessionTimeouts(long client, long server, long connect, long queue) {
    public SessionTimeouts {
        if (client < 0 || server < 0 || connect < 0 || queue < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** From milliseconds, as the configuration gives them. */
    public static SessionTimeouts ofMillis(long client, long server, long connect, long queue) {
        return new SessionTimeouts(client * 1_000_000L, server * 1_000_000L, connect * 1_000_000L, queue * 1_000_000L);
    }

    long queueOrConnect() {
        return queue > 0 ? queue : connect;
    }
}
