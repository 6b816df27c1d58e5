package dev.sluice.net;

import java.net.InetSocketAddress;

/**
 * Opens outgoing connections on the caller's loop without blocking. The result
 * arrives later as {@link ConnectionHandler#connected()} or
 * {@link ConnectionHandler#connectFailed}; a failure that is known at once is
 * reported the same way, from the loop, never by a throw.
 *
 * <p>Not thread-safe: called on the loop that will own the connection.
 */
public interface Connector {
    Connection connect(InetSocketAddress target, ConnectionHandler handler);

    /**
     * Like {@link #connect(InetSocketAddress, ConnectionHandler)}, for a caller
     * that writes as soon as it is connected. With {@code ackWithData} the
     * handshake's last ACK is held back to go out with those first bytes
     * (Linux: {@code TCP_QUICKACK} off before the connect; HAProxy's {@code
     * option tcp-smart-connect}), so the server gets the connection and the
     * request in one segment, and wakes once for both. The system sends the
     * ACK alone if nothing is written within its delayed-ACK time (200 ms on
     * Linux), so only a caller with bytes ready may ask for it.
     */
    default Connection connect(InetSocketAddress target, ConnectionHandler handler, boolean ackWithData) {
        return connect(target, handler);
    }
}
