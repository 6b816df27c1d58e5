package dev.sluice.net;

import java.io.IOException;

/**
 * Receives a connection's readiness events, on the connection's loop thread.
 * Implementations do the cheap thing (a receive, or waking their task) and return.
 */
public interface ConnectionHandler {
    /** Bytes or the end of the stream are waiting and read interest is on. */
    void readable();

    /** The connection can take more bytes and write interest is on. */
    void writable();

    /** An outgoing connection completed. */
    default void connected() {
    }

    /** An outgoing connection failed; the connection is closed already. */
    default void connectFailed(IOException cause) {
    }
}
