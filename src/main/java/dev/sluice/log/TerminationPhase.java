package dev.sluice.log;

/**
 * The second character of a termination state: what the session was doing when
 * it ended, by HAProxy's table.
 */
public enum TerminationPhase {
    /** {@code R}: waiting for a complete, valid request from the client (HTTP); nothing was sent to a server. */
    REQUEST('R'),
    /** {@code Q}: waiting in a queue for a server slot. */
    QUEUE('Q'),
    /** {@code C}: waiting for the connection to the server to establish. */
    CONNECT('C'),
    /** {@code H}: waiting for complete, valid response headers from the server (HTTP). */
    HEADERS('H'),
    /** {@code D}: transferring data. */
    DATA('D'),
    /** {@code L}: sending the last data to the client after the server had finished. */
    LAST('L'),
    /** {@code T}: the request was tarpitted. */
    TARPIT('T'),
    /** {@code -}: normal completion after the data transfer. */
    NONE('-');

    private final char code;

    TerminationPhase(char code) {
        this.code = code;
    }

    /** The character logged. */
    public char code() {
        return code;
    }
}
