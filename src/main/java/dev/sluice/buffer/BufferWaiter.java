package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;

/**
 * Something blocked on a buffer: a connection's receive, or a session's step.
 *
 * <p>A waiter is an intrusive node: its link lives here, so queueing and
 * cancelling allocate nothing and {@link BufferPool#cancel(BufferWaiter)} is O(1).
 * A waiter sits in at most one wait queue at a time; the pool refuses to queue
 * one that is already waiting.
 *
 * <p>Not thread-safe: owned by the loop that owns the pool it waits in.
 */
public abstract class BufferWaiter {
    /** The waiter's place in one of a {@link WaitQueue}'s FIFOs. */
    final IntrusiveList.Link<BufferWaiter> link = new IntrusiveList.Link<>(this);
    /** The lane of the FIFO this waiter sits in (a class's ordinal in a pool of depth 1), or -1. */
    int queuedClass = -1;
    /** The class that lane counts as, or null. */
    Criticality queuedAs;
    long waitingSince;
    /** The claim this waiter's takes count to and come out of while it is admitted, or null. */
    BufferClaim claim;

    /**
     * Called from {@link BufferPool#release(Buffer)} when this waiter reaches
     * the head of its queue and a buffer it may take comes back. The buffer is
     * handed over, never {@code null}: the waiter owns it from this call on,
     * has left its queue, and must release the buffer in time.
     *
     * <p>Called in the middle of another holder's release: implementations must
     * not perform I/O or release buffers here. They record the buffer and
     * schedule the retry of whatever failed.
     */
    protected abstract void onBuffer(Buffer buffer);

    /**
     * Counts every buffer taken through this waiter to {@code c} (null for
     * none), and takes them out of {@code c}'s set while it is admitted
     * ({@link BufferClaim}).
     */
    public final void claimWith(BufferClaim c) {
        this.claim = c;
    }

    /** The claim this waiter takes for, or null. */
    public final BufferClaim claim() {
        return claim;
    }

    /** True while this waiter sits in a wait queue. */
    public final boolean isWaiting() {
        return queuedClass >= 0;
    }

    /** The class this waiter queued with, or {@code null} when it is not waiting. */
    public final Criticality waitingAs() {
        return queuedAs;
    }
}
