package dev.sluice.session;

import dev.sluice.loop.Task;

/**
 * What every session (TCP or HTTP) is to its loop: a task, a member of the
 * loop's {@link SessionSet}, and something a hard stop can abort.
 *
 * <p>Not thread-safe: owned by the loop that accepted its client.
 */
public abstract class Session extends Task {
    Session prevInSet;
    Session nextInSet;

    /** Ends the session at once, resetting its connections. */
    abstract void abort(SessionOutcome why);

    /**
     * Closes the session if it sits between two exchanges (an idle keep-alive
     * connection), for a graceful stop. Returns whether it did.
     */
    abstract boolean closeIfIdle();
}
