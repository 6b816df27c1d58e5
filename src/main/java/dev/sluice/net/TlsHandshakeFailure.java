package dev.sluice.net;

/**
 * Why a TLS client's handshake did not finish, in the words HAProxy's log
 * uses for it, so that an operator's alerts and greps keep working: the
 * frontend logs {@code client [date] frontend/listener: text} instead of a
 * traffic line.
 *
 * <p>Immutable.
 */
public enum TlsHandshakeFailure {
    // The order is that of LoopCounters.tlsHandshakeFailures: append, never reorder.
    /** The engine refused the client: no certificate for its name, no common version, suite or group. */
    REFUSED("SSL handshake failure", true),
    /** The client closed before the handshake ended. */
    CLOSED("Connection closed during SSL handshake", false),
    /** The connection broke (a reset) before the handshake ended. */
    BROKEN("Connection error during SSL handshake", false),
    /** {@code timeout client} ran out before the handshake ended. */
    TIMEOUT("Timeout during SSL handshake", false);

    private final String text;
    private final boolean loggedUnderDontLogNull;

    TlsHandshakeFailure(String text, boolean loggedUnderDontLogNull) {
        this.text = text;
        this.loggedUnderDontLogNull = loggedUnderDontLogNull;
    }

    /** The log's words for it. */
    public String text() {
        return text;
    }

    /**
     * Whether {@code option dontlognull} still logs it: a client that went
     * away or went quiet is left out, as in HAProxy; a refused one is not.
     */
    public boolean loggedUnderDontLogNull() {
        return loggedUnderDontLogNull;
    }
}
