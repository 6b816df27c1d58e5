package dev.sluice.backend;

import dev.sluice.loop.Loop;
import dev.sluice.util.IntrusiveList;

/**
 * A session waiting in a backend's queue for a server slot. One per session,
 * reused, so queueing allocates nothing. The links are guarded by the
 * backend's lock.
 *
 * <p>{@link #slotGranted(Server)} runs on the waiter's own loop (through its
 * inbox), never on the thread that freed the slot.
 */
public abstract class SlotWaiter {
    /** The waiter's place in a backend's queue; guarded by that backend's lock. */
    final IntrusiveList.Link<SlotWaiter> queueLink = new IntrusiveList.Link<>(this);

    /** The loop that owns the session; the grant is delivered there. */
    protected abstract Loop loop();

    /**
     * The session now holds a slot on {@code server}. If it no longer wants it
     * (it closed meanwhile), it must give it back with {@link Backend#releaseSlot(Server)}.
     */
    protected abstract void slotGranted(Server server);
}
