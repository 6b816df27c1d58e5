package dev.sluice.backend;

import dev.sluice.loop.Loop;
import dev.sluice.loop.Message;
import dev.sluice.util.IntrusiveList;

/**
 * A session waiting for a server slot: in its backend's queue (any server
 * will do), or in one server's queue (a hash chose that server). One per
 * session, reused, so queueing allocates nothing. The link is guarded by the
 * backend's lock.
 *
 * <p>The waiter is also the answer: the thread that frees a slot writes the
 * server into it, or the thread that takes its server away writes the reason
 * it gets none, and {@linkplain Loop#post posts} it to the waiter's loop, so an
 * answer allocates nothing and is never refused for lack of room. At most one
 * answer per waiter is ever on its way: either first takes the waiter out of
 * its queue, and only the waiter's own loop queues it again, after the answer
 * was delivered ({@link Backend#acquire} refuses a waiter still queued, and a
 * second post of a pending message fails). So the answers pending on a loop
 * are bounded by its sessions.
 *
 * <p>{@link #slotGranted(Server)} and {@link #slotRefused(SlotRefusal)} run on
 * the waiter's own loop, never on the thread that freed the slot or changed
 * the server's state.
 */
public abstract class SlotWaiter extends Message {
    /** The waiter's place in its backend's queue or one of its servers'; guarded by the backend's lock. */
    final IntrusiveList.Link<SlotWaiter> queueLink = new IntrusiveList.Link<>(this);
    /** The server whose own queue holds this waiter, or null when it waits in the backend's queue. */
    Server boundTo;
    /** Enqueue order across the backend's queue and its servers' queues: the lower one waited longer. */
    long ticket;
    /** When it joined a queue, on the backend's clock. */
    long queuedAt;
    /** The key's hash, kept so that a waiter can be sent elsewhere without its request bytes. */
    int hash;
    boolean hashed;
    /** Queued for the server its persistence cookie names: if that server goes, it waits for any server. */
    boolean persistent;
    /** The server of a grant on its way; written before the post, read at delivery. */
    private Server granted;
    /** The reason of a refusal on its way; written before the post, read at delivery. */
    private SlotRefusal refused;

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

    /** Hands the slot on {@code server} to this waiter, already out of its queue. Any thread. */
    final void grant(Server server) {
        answer(server, null);
        loop().post(this);
    }

    /** Tells this waiter, already out of its queue, that it gets no slot. Any thread. */
    final void refuse(SlotRefusal why) {
        answer(null, why);
        loop().post(this);
    }

    private void answer(Server server, SlotRefusal why) {
        if (granted != null || refused != null) {
            throw new IllegalStateException("a second answer (" + (server != null ? server : why) + ") while "
                    + (granted != null ? granted : refused) + " is on its way");
        }
        granted = server;
        refused = why;
    }

    @Override
    protected final void deliver() {
        Server server = granted;
        SlotRefusal why = refused;
        granted = null;
        refused = null;
        if (server != null) {
            slotGranted(server);
        } else {
            slotRefused(why);
        }
    }
}
