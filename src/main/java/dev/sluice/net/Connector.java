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
}
