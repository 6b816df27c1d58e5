package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;

/**
 * The admission of {@link BufferClaim}s over one loop's client pool and one
 * TLS record arena: a claim is admitted when both pools have its whole set
 * free beside what is set aside for claims admitted before it, and then that
 * set is set aside in both at once (the banker's rule in its plainest form:
 * a session starts only with all it may need). Claims that do not fit wait
 * in one FIFO, served in order as buffers come back to either pool or
 * admitted claims end.
 *
 * <p>Why it cannot deadlock (docs/design.md, TLS, "one account across the
 * pools"): an admitted session never waits for a buffer, so it finishes as
 * its peers allow, under their timeouts, and gives its set back. A claim
 * waits while its session holds only what it took {@code NORMAL} (it holds a
 * slot but does not work it yet), and {@code NORMAL} takes leave each pool's
 * reserve free beside the claims' sets; each pool's reserve is at least the
 * largest set asked of it. So when no claim is admitted and no holder of
 * another kind took into a reserve, the oldest claim fits; holders of other
 * kinds (a reply of Sluice's own, a plaintext exchange) wait in one pool only
 * and finish by that pool's own rule.
 *
 * <p>Not thread-safe: used on the loop that owns both pools.
 */
public final class ClaimGate {
    static final int POOLS = 2;

    private final BufferPool[] pools = new BufferPool[POOLS];
    /** This gate's place in each pool's list of gates with waiting claims. */
    @SuppressWarnings("unchecked")
    final IntrusiveList.Link<ClaimGate>[] poolLinks = new IntrusiveList.Link[POOLS];
    private final IntrusiveList<BufferClaim> queue = new IntrusiveList<>();
    private boolean checking;
    private int admittedNow;
    private long admissions;
    private long waits;

    /** A gate over {@code clientPool} and {@code records}, two pools of the same loop. */
    public ClaimGate(BufferPool clientPool, BufferPool records) {
        if (clientPool == records) {
            throw new IllegalArgumentException("a claim gate spans two pools");
        }
        pools[0] = clientPool;
        pools[1] = records;
        for (int i = 0; i < POOLS; i++) {
            poolLinks[i] = new IntrusiveList.Link<>(this);
        }
    }

    /** A claim of one session, for {@code listener}; made once per session. */
    public BufferClaim claim(BufferClaim.Listener listener) {
        return new BufferClaim(this, listener);
    }

    /** The gate's index of {@code pool}, or -1 when it is neither of its pools (an applet's arena). */
    int index(BufferPool pool) {
        return pools[0] == pool ? 0 : pools[1] == pool ? 1 : -1;
    }

    /** The claim is admitted at once if nothing waits before it and its set is free; else it queues. */
    boolean admitNow(BufferClaim claim) {
        if (queue.isEmpty() && fits(claim)) {
            setAside(claim);
            return true;
        }
        queue.addLast(claim.link);
        waits++;
        if (queue.size() == 1) {
            for (int i = 0; i < POOLS; i++) {
                pools[i].claims.gateWaits(poolLinks[i]);
            }
        }
        return false;
    }

    private boolean fits(BufferClaim claim) {
        for (int i = 0; i < POOLS; i++) {
            if (pools[i].available() < claim.need(i)) {
                return false;
            }
        }
        return true;
    }

    private void setAside(BufferClaim claim) {
        for (int i = 0; i < POOLS; i++) {
            int n = claim.need(i);
            claim.unfilled[i] = n;
            pools[i].claims.earmark(n);
        }
        claim.admitted = true;
        admittedNow++;
        admissions++;
    }

    /**
     * Buffers became available in one of the pools: the oldest waiting
     * claims that now fit are admitted, in order, and told so.
     */
    void availabilityRose() {
        if (checking) {
            return;
        }
        checking = true;
        try {
            BufferClaim head;
            while ((head = queue.peekFirst()) != null && fits(head)) {
                queue.removeFirst();
                setAside(head);
                if (queue.isEmpty()) {
                    leavePools();
                }
                head.notifyAdmitted();
            }
        } finally {
            checking = false;
        }
    }

    void end(BufferClaim claim) {
        if (claim.link.isLinked()) {
            queue.remove(claim.link);
            if (queue.isEmpty()) {
                leavePools();
            }
            // The claims behind it may fit now.
            availabilityRose();
            return;
        }
        if (!claim.admitted) {
            return;
        }
        claim.admitted = false;
        admittedNow--;
        for (int i = 0; i < POOLS; i++) {
            int n = claim.unfilled[i];
            claim.unfilled[i] = 0;
            pools[i].claims.unearmark(n);
        }
    }

    private void leavePools() {
        for (int i = 0; i < POOLS; i++) {
            pools[i].claims.gateDone(poolLinks[i]);
        }
    }

    /** Claims waiting now. */
    public int waiting() {
        return queue.size();
    }

    /** Claims admitted and not ended now. */
    public int admitted() {
        return admittedNow;
    }

    /** Claims admitted since the start, at once or after a wait. */
    public long admissions() {
        return admissions;
    }

    /** Claims that had to wait. */
    public long waits() {
        return waits;
    }

    /** The queue's links, and neither pool with more set aside than it has free; for tests and the simulator. */
    public void checkInvariants() {
        queue.checkInvariants();
        for (int i = 0; i < POOLS; i++) {
            if (pools[i].available() < 0) {
                throw new IllegalStateException("pool " + i + " has more set aside than free");
            }
        }
    }

    @Override
    public String toString() {
        return "claims[admitted " + admittedNow + ", waiting " + queue.size() + ", admissions " + admissions
                + ", waits " + waits + "]";
    }
}
