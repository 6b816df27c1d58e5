package dev.sluice.buffer;

import dev.sluice.util.IntrusiveList;

/**
 * One session's account with its loop's two pools, the client pool and the TLS
 * record arena (a {@link ClaimGate}'s): how many buffers of each it holds, and,
 * while it is <em>admitted</em>, the whole set it may need to finish its
 * exchange, set aside in both pools at once.
 *
 * <p>Why: a session that speaks TLS on a side holds buffers of both pools, and
 * each pool's own rule (its lanes: every take leaves free what the taker still
 * needs) sees only its own buffers. Slot holders that each hold one pool's
 * buffers while they wait for the other's can then close a cycle across the
 * pools that neither pool's rule forbids (docs/design.md, "Why it cannot
 * deadlock", TLS). So a slot holder whose exchange moves records first claims,
 * in both pools together, what it may still need: its set less what it holds.
 * From then on each of its takes comes out of the claim, at once and whatever
 * the lanes say, and each buffer it gives back returns to the claim until
 * {@link #end}; so an admitted session never waits for a buffer, and every
 * wait of either pool that is left is one of the pool's own rules.
 *
 * <p>Every buffer taken through a waiter that carries this claim ({@link
 * BufferWaiter#claimWith}) is counted as held by it, before admission too, so
 * the claim is the set less what the session really holds. A buffer taken
 * before the claim existed is not counted: the claim is then larger than
 * needed, never smaller.
 *
 * <p>Not thread-safe: owned by one session, on the loop that owns the gate.
 */
public final class BufferClaim {
    /** Hears that a claim that waited is admitted now. */
    public interface Listener {
        /**
         * Called in the middle of another holder's release: it must only
         * schedule the work that the admission lets go on.
         */
        void admitted();
    }

    final ClaimGate gate;
    private final Listener listener;
    /** By pool (the gate's order): buffers held, the set asked, and what of it is set aside and not taken. */
    final int[] held = new int[ClaimGate.POOLS];
    final int[] set = new int[ClaimGate.POOLS];
    final int[] unfilled = new int[ClaimGate.POOLS];
    boolean admitted;
    final IntrusiveList.Link<BufferClaim> link = new IntrusiveList.Link<>(this);

    BufferClaim(ClaimGate gate, Listener listener) {
        this.gate = gate;
        this.listener = listener;
    }

    /**
     * Asks for a set of {@code clientBuffers} client buffers and {@code
     * records} record buffers, counting those held already. True when the
     * claim is admitted (now, or it was already); false when it waits in the
     * gate's queue, and {@link Listener#admitted} follows.
     */
    public boolean admit(int clientBuffers, int records) {
        if (admitted) {
            return true;
        }
        if (!link.isLinked()) {
            set[0] = clientBuffers;
            set[1] = records;
            if (gate.admitNow(this)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the claim's set is held aside for it now. */
    public boolean admitted() {
        return admitted;
    }

    /** Whether it waits in the gate's queue. */
    public boolean waiting() {
        return link.isLinked();
    }

    /**
     * The exchange is over: out of the queue if it waits there, and the part
     * of the set not taken goes back to the pools (and to their waiters).
     * Buffers still held count as held, and go back to their pool as any.
     */
    public void end() {
        gate.end(this);
    }

    /** Buffers of the gate's pool {@code i} this claim's session holds. */
    public int held(int i) {
        return held[i];
    }

    /** What the set still needs of pool {@code i}: its set less what is held, at least 0. */
    int need(int i) {
        return Math.max(0, set[i] - held[i]);
    }

    void notifyAdmitted() {
        listener.admitted();
    }

    /** Pool {@code i} took a buffer for this claim's session. */
    void took(int i) {
        held[i]++;
    }

    /**
     * A buffer of pool {@code i} that this session held came back: true when
     * it returns to the claim (the session is admitted and now holds less than
     * its set), false when it goes back to the pool as any buffer.
     */
    boolean returned(int i) {
        held[i]--;
        if (admitted && held[i] + unfilled[i] < set[i]) {
            unfilled[i]++;
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "claim[" + (admitted ? "admitted" : link.isLinked() ? "waiting" : "idle") + " held " + held[0] + "/"
                + held[1] + " set " + set[0] + "/" + set[1] + " unfilled " + unfilled[0] + "/" + unfilled[1] + "]";
    }
}
