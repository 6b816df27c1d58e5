package dev.sluice.backend;

import dev.sluice.loop.Loop;
import dev.sluice.loop.Message;
import dev.sluice.util.IntrusiveList;

/**
 * A session waiting in a backend's queue for a server slot. One per session,
 * reused, so queueing allocates nothing. The link is guarded by the backend's
 * lock.
 *
 * <p>The waiter is also the grant: the thread that frees a slot writes the
 * server into it and {@linkplain Loop#post posts} it to the waiter's loop, so a
 * grant allocates nothing and is never refused for lack of room. At most one
 * grant per waiter is ever on its way: a grant first takes the waiter out of
 * the queue, and only the waiter's own loop queues it again, after the grant
 * was delivered ({@link Backend#acquire} refuses a waiter still queued, and a
 * second post of a pending message fails). So the grants pending on a loop are
 * bounded by its sessions.
 *
 * <p>{@link #slotGranted(Server)} runs on the waiter's own loop, never on the
 * thread that freed the slot.
 */
public abstract class SlotWaiter extends Message {
    /** The waiter's place in a backend's queue; guarded by that backend's lock. */
    final IntrusiveList.Link<SlotWaiter> queueLink = new IntrusiveList.Link<>(this);
    /** The server of a grant on its way; written before the post, read at delivery. */
    private Server granted;

    /** The loop that owns the session; the grant is delivered there. */
    protected abstract Loop loop();

    /**
     * The session now holds a slot on {@code server}. If it no longer wants it
     * (it closed meanwhile), it must give it back with {@link Backend#releaseSlot(Server)}.
     */
    protected abstract void slotGranted(Server server);

    /** Hands the slot on {@code server} to this waiter, already out of its queue. Any thread. */
    final void grant(Server server) {
        if (granted != null) {
            throw new IllegalStateException("a second grant (" + server + ") while " + granted + "'s is on its way");
        }
        granted = server;
        loop().post(this);
    }

    @Override
    protected final void deliver() {
        Server server = granted;
        granted = null;
        slotGranted(server);
    }
}
