package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;

/**
 * What a {@link BufferPool} keeps for the {@link ClaimGate}s over it: the free
 * buffers set aside for admitted {@link BufferClaim}s and not taken yet, the
 * gates whose claims wait for buffers to become available, and the takes that
 * came out of a claim. The pool asks it whether a waiter's take comes out of
 * an admitted claim, and counts each buffer taken for a waiter to that
 * waiter's claim; what the pool's rules see is {@code free - earmarked}. The
 * gates set buffers aside here as they admit claims ({@link #earmark}) and
 * give back what an ended claim did not take ({@link #unearmark}).
 *
 * <p>Not thread-safe: owned by the pool, on the pool's loop.
 */
final class PoolClaims {
    private final BufferPool pool;
    /**
     * Free buffers set aside for admitted {@link BufferClaim}s and not taken
     * yet: every rule but a claim's own take sees {@code free - earmarked}.
     */
    int earmarked;
    /** The {@link ClaimGate}s over this pool with claims waiting: told when buffers become available. */
    private final IntrusiveList<ClaimGate> waitingGates = new IntrusiveList<>();
    long claimedTakes;

    PoolClaims(BufferPool pool) {
        this.pool = pool;
    }

    /**
     * A buffer out of the waiter's admitted claim, whatever the class's
     * margin, or null when it has none here (no claim, not admitted, not one
     * of its gate's pools, or its set for this pool all taken).
     */
    Buffer claimed(BufferWaiter waiter, Criticality asClass) {
        if (!claimable(waiter)) {
            return null;
        }
        BufferClaim c = waiter.claim;
        int i = c.gate.index(pool);
        c.unfilled[i]--;
        earmarked--;
        claimedTakes++;
        Buffer b = pool.take(asClass);
        b.claim = c;
        c.took(i);
        return b;
    }

    /** Sets {@code n} available buffers aside for a claim being admitted. */
    void earmark(int n) {
        if (n < 0 || n > pool.available()) {
            throw new IllegalStateException("cannot set aside " + n + " of " + pool.available() + " available");
        }
        earmarked += n;
    }

    /**
     * An admitted claim ended with {@code n} of its set untaken: they are
     * available again, to the waiters they may serve, then to waiting claims.
     */
    void unearmark(int n) {
        if (n < 0 || n > earmarked) {
            throw new IllegalStateException("cannot give back " + n + " of " + earmarked + " set aside");
        }
        if (n == 0) {
            return;
        }
        earmarked -= n;
        pool.handToEligibleWaiters();
        notifyGates();
    }

    /** Whether a take for {@code waiter} would come out of its admitted claim. */
    boolean claimable(BufferWaiter waiter) {
        BufferClaim c = waiter.claim;
        if (c == null || !c.admitted) {
            return false;
        }
        int i = c.gate.index(pool);
        return i >= 0 && c.unfilled[i] > 0;
    }

    /** Counts {@code b}, just taken for {@code waiter}, to the waiter's claim if it has one over this pool. */
    void tag(Buffer b, BufferWaiter waiter) {
        BufferClaim c = waiter.claim;
        if (c != null) {
            int i = c.gate.index(pool);
            if (i >= 0) {
                b.claim = c;
                c.took(i);
            }
        }
    }

    /**
     * A released buffer leaves the claim it was counted to; true when it goes
     * back to that claim, still admitted: set aside again, available to nobody else.
     */
    boolean returned(Buffer buffer) {
        BufferClaim c = buffer.claim;
        if (c == null) {
            return false;
        }
        buffer.claim = null;
        if (c.returned(c.gate.index(pool))) {
            earmarked++;
            return true;
        }
        return false;
    }

    void gateWaits(IntrusiveList.Link<ClaimGate> link) {
        if (!link.isLinked()) {
            waitingGates.addLast(link);
        }
    }

    void gateDone(IntrusiveList.Link<ClaimGate> link) {
        if (link.isLinked()) {
            waitingGates.remove(link);
        }
    }

    /** Buffers became available: the gates with claims waiting look whether their oldest now fits. */
    void notifyGates() {
        IntrusiveList.Link<ClaimGate> l = waitingGates.first();
        while (l != null) {
            IntrusiveList.Link<ClaimGate> next = l.next();
            l.owner().availabilityRose();
            l = next;
        }
    }
}
