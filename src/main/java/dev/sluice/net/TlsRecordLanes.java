package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;

/**
 * A {@link TlsConnection}'s claims on its loop's record arena: the lane each
 * record buffer is asked in, its two waits (one per direction), and the
 * partner it counts its buffers with, the other TLS connection of the same
 * session.
 *
 * <p>The lane: {@code NORMAL}'s unless moving the buffer's bytes frees a
 * server slot ({@link SlotProgress}); otherwise the lane of what the session
 * still needs to finish, this buffer included, less one: two record buffers
 * per TLS connection of the session (one or two), less those it holds. So a
 * session with TLS on one side asks {@code URGENT} for its first and {@code
 * CRITICAL} for the one that completes its pair, and one with TLS on both
 * sides leaves three free for its first, two for its second, one for its
 * third and none for its fourth (docs/design.md, "Why it cannot deadlock",
 * TLS). A wait moves to the lane that follows whenever the session's state or
 * its holding changes, on either connection.
 *
 * <p>Not thread-safe: owned by its connection, on its loop.
 */
final class TlsRecordLanes {
    /** What the lanes need of their connection. */
    interface Owner {
        /** Whether the connection is closed: a buffer handed over then goes straight back. */
        boolean closed();

        /** Record buffers the connection holds now (0 to 2). */
        int held();

        /** A wait of {@code reading}'s direction was handed {@code b}: the connection stores it and retries. */
        void handedOver(boolean reading, Buffer b);
    }

    private final BufferPool pool;
    private final Owner owner;
    private final Wait in = new Wait(true);
    private final Wait out = new Wait(false);
    private SlotProgress progress = SlotProgress.DEFAULT;
    private TlsRecordLanes partner;

    TlsRecordLanes(BufferPool pool, Owner owner) {
        this.pool = pool;
        this.owner = owner;
    }

    /**
     * A record buffer for {@code reading}'s direction, in its lane; the
     * handshake's ({@code forSession} false) take the request's class either
     * way, {@code NORMAL} until the session holds a slot. Null when it waits
     * (already, or queued now); the caller stores what it got and then calls
     * {@link #took}.
     */
    Buffer take(boolean reading, boolean forSession) {
        Wait w = reading ? in : out;
        if (w.isWaiting()) {
            return null;
        }
        w.forSession = forSession;
        return pool.allocateOrWaitIn(lane(reading, forSession), w);
    }

    /** A record buffer is held now (and counted): the other waits move to the lanes that now follow. */
    void took() {
        changed();
        partnerChanged();
    }

    /** Record buffers went back: the same. */
    void released() {
        if (in.isWaiting() || out.isWaiting()) {
            changed();
        }
        partnerChanged();
    }

    boolean waiting(boolean reading) {
        return (reading ? in : out).isWaiting();
    }

    void progress(SlotProgress p) {
        this.progress = p;
    }

    private int lane(boolean reading, boolean forSession) {
        // The handshake's records, either way, hold back the request: they take its class, NORMAL until the
        // session holds a slot (no session of Sluice's routes before its handshake is done, but the rule does
        // not lean on that).
        boolean freesSlot = forSession ? reading ? progress.readingFreesSlot() : progress.writingFreesSlot()
                : progress.readingFreesSlot();
        if (!freesSlot) {
            return pool.normalLane();
        }
        int set = partner == null ? 2 : 4;
        int need = set - owner.held() - (partner == null ? 0 : partner.owner.held());
        return Math.max(0, Math.min(need - 1, pool.depth()));
    }

    /**
     * Both waits move to the lanes the session's state and holding now give
     * them: a request that waited {@code NORMAL} for its next record and has
     * since taken a slot must not stay behind the queued requests.
     */
    void changed() {
        reclassify(in);
        reclassify(out);
    }

    private void partnerChanged() {
        if (partner != null) {
            partner.changed();
        }
    }

    private void reclassify(Wait w) {
        if (!w.isWaiting() || owner.closed()) {
            return;
        }
        Buffer b = pool.reclassifyIn(w, lane(w.reading, w.forSession));
        if (b != null) {
            w.onBuffer(b);
        }
    }

    /** Counts this connection's record buffers with {@code other}'s, the session's other TLS connection. */
    void pairWith(TlsRecordLanes other) {
        unpair();
        other.unpair();
        partner = other;
        other.partner = this;
        changed();
        other.changed();
    }

    void unpair() {
        TlsRecordLanes t = partner;
        if (t != null) {
            partner = null;
            t.partner = null;
            t.changed();
            changed();
        }
    }

    /** Counts both directions' record buffers to the session's claim (null: to none). */
    void claimWith(dev.sluice.buffer.BufferClaim claim) {
        in.claimWith(claim);
        out.claimWith(claim);
    }

    /** Leaves the arena's queue, and the partner. */
    void cancel() {
        pool.cancel(in);
        pool.cancel(out);
        unpair();
    }

    /** One direction's place in the arena's queue. */
    private final class Wait extends BufferWaiter {
        private final boolean reading;
        /** Taken for the session's bytes (its class follows the session), not the handshake's. */
        boolean forSession;

        Wait(boolean reading) {
            this.reading = reading;
        }

        @Override
        protected void onBuffer(Buffer b) {
            if (owner.closed()) {
                pool.release(b);
                return;
            }
            owner.handedOver(reading, b);
            // The other direction, if it waits, now completes a pair; so may the partner's.
            reclassify(reading ? out : in);
            partnerChanged();
        }
    }
}
