package dev.sluice.backend;

import dev.sluice.util.IntrusiveList;
import java.util.function.LongSupplier;

/**
 * A backend's own queue, the sessions any server may take, oldest first, and
 * the book of every queue of the backend (its servers' included): the tickets
 * that order the waiters across queues, how many wait now and at the peak, how
 * many ever queued, and the time the waits that ended spent queued. A waiter
 * joins a queue and leaves it only here, so the counts always agree with the
 * lists.
 *
 * <p>Guarded by its {@link SlotQueues}' lock, links included; the lengths and
 * counters are published (volatile) for the lock-free fast path and for stats.
 */
final class BackendQueue {
    private final LongSupplier clock;
    /** The backend's own queue: sessions any server may take, oldest first. */
    private final IntrusiveList<SlotWaiter> waiting = new IntrusiveList<>();
    /** The backend queue's length, published for the lock-free fast path and for stats. */
    private volatile int queued;
    private volatile int totalQueued;
    private volatile int peakQueued;
    /** Written under the lock, read without it. */
    private volatile long queuedTotal;
    /** Time the waits that ended spent in this backend's queues (its servers' included); written under the lock. */
    private volatile long queueWaitNanos;
    private long nextTicket;

    BackendQueue(LongSupplier clock) {
        this.clock = clock;
    }

    /** The backend queue's length; read without the lock by the fast path. */
    int length() {
        return queued;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** The session that has waited longest in the backend's own queue, or null. */
    SlotWaiter first() {
        return waiting.peekFirst();
    }

    /** Whether {@code w} is in the backend's own queue. */
    boolean contains(SlotWaiter w) {
        return waiting.contains(w.queueLink);
    }

    /** Puts {@code w} at the tail of {@code server}'s queue, or of the backend's own when {@code server} is null. */
    void enqueue(SlotWaiter w, Server server) {
        w.boundTo = server;
        w.ticket = nextTicket++;
        if (server == null) {
            waiting.addLast(w.queueLink);
            queued = waiting.size();
        } else {
            server.waiting.addLast(w.queueLink);
            server.queued = server.waiting.size();
        }
        totalQueued++;
        queuedTotal = queuedTotal + 1;
        w.queuedAt = clock.getAsLong();
        if (totalQueued > peakQueued) {
            peakQueued = totalQueued;
        }
    }

    /** Takes {@code w} out of the queue it is in, counting the time it waited. */
    void unlink(SlotWaiter w) {
        Server s = w.boundTo;
        w.boundTo = null;
        if (s == null) {
            waiting.remove(w.queueLink);
            queued = waiting.size();
        } else {
            s.waiting.remove(w.queueLink);
            s.queued = s.waiting.size();
        }
        totalQueued--;
        queueWaitNanos = queueWaitNanos + (clock.getAsLong() - w.queuedAt);
    }

    /** Servers that can take new requests take what waits in the backend's queue, oldest first. */
    void dispatch(Farm f, SlotMoves moves) {
        for (Server s : f.candidates) {
            while (!waiting.isEmpty() && s.queued == 0 && s.tryTakeSlot()) {
                SlotWaiter w = waiting.peekFirst();
                unlink(w);
                moves.granted(w, s);
            }
        }
    }

    /** Sessions queued now, in the backend's queue and its servers'. */
    int totalQueued() {
        return totalQueued;
    }

    int peakQueued() {
        return peakQueued;
    }

    long queuedTotal() {
        return queuedTotal;
    }

    long queueWaitNanos() {
        return queueWaitNanos;
    }
}
