package dev.sluice.net;

import dev.sluice.loop.Loop;

/**
 * Receives the connections a {@link Listener} accepts.
 *
 * <p>Called on the thread of {@code loop}, which owns the connection: it is
 * registered there with no interest yet, and its handler is still unset.
 */
@FunctionalInterface
public interface Acceptor {
    void accepted(Loop loop, Connection connection);
}
