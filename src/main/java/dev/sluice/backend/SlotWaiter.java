package dev.sluice.backend;

import dev.sluice.loop.Loop;

/**
 * A session waiting for a server slot: in its backend's queue (any server
 * will do), or in one server's queue (a hash chose that server). One per
 * session, reused, so queueing allocates nothing. The links are guarded by the
 * backend's lock.
 *
 * <p>{@link #slotGranted(Server)} and {@link #slotRefused(SlotRefusal)} run on
 * the waiter's own loop (through its inbox), never on the thread that freed
 * the slot or changed the server's state.
 */
public abstract class SlotWaiter {
    SlotWaiter prev;
    SlotWaiter next;
    boolean queued;
    Backend queuedIn;
    /** The server whose own queue holds this waiter, or null when it waits in the backend's queue. */
    Server boundTo;
    /** Enqueue order across the backend's queue and its servers' queues: the lower one waited longer. */
    long ticket;
    /** The key's hash, kept so that a waiter can be sent elsewhere without its request bytes. */
    int hash;
    boolean hashed;

    /** The loop that owns the session; the grant is delivered there. */
    protected abstract Loop loop();

    /**
     * The session now holds a slot on {@code server}. If it no longer wants it
     * (it closed meanwhile), it must give it back with {@link Backend#releaseSlot(Server)}.
     */
    protected abstract void slotGranted(Server server);

    /**
     * The session will get no slot: the server it waited for went DOWN or into
     * maintenance and the backend may not send it elsewhere (no {@code option
     * redispatch}), or no server is left at all. It is out of every queue; an
     * HTTP session answers 503.
     */
    protected abstract void slotRefused(SlotRefusal why);

    /** The server whose own queue this waiter is in, or null. */
    public final Server waitingFor() {
        return boundTo;
    }
}
