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

    /**
     * Whether new connections are wanted now. While this says no (a
     * {@code maxconn} is reached), the listener stops accepting and looks again
     * a little later: clients wait in the kernel's backlog instead of being
     * accepted and closed. Called on the accepting loop; must be cheap.
     */
    default boolean admitting() {
        return true;
    }
}
