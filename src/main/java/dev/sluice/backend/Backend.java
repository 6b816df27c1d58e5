package dev.sluice.backend;

import dev.sluice.util.IntrusiveList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named group of servers, the round-robin choice among them, and the queue
 * of sessions waiting for a slot when every server is at its {@code maxconn}.
 *
 * <p>Sessions wait in one FIFO per backend rather than one per server: without
 * persistence any free slot fits any waiter, and one queue keeps the "oldest
 * waiter gets the next slot" rule exact across servers. A server's
 * {@code maxqueue} is its share of that queue: the queue is bounded by their
 * sum, or unbounded (up to the global {@code maxconn}) when any server sets none.
 *
 * <p>Thread-safe: servers and the queue are shared by every loop. The queue, an
 * {@link IntrusiveList} of the waiters' own links, is guarded by a lock taken
 * only when slots are limited and scarce; a free slot with nobody waiting is
 * taken by compare-and-set alone.
 */
public final class Backend {
    private final String name;
    private final Server[] servers;
    private final int queueBound;
    private final boolean anyMaxconn;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Sessions waiting for a slot, oldest first. Guarded by {@link #lock}, links included. */
    private final IntrusiveList<SlotWaiter> waiting = new IntrusiveList<>();
    /** The queue's length, published for the lock-free fast path and for stats. */
    private volatile int queued;
    private volatile int peakQueued;
    private long queuedTotal;

    public Backend(String name, List<Server> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + " has no server");
        }
        this.name = name;
        this.servers = servers.toArray(new Server[0]);
        int bound = 0;
        boolean limited = true;
        boolean maxconn = false;
        for (Server s : this.servers) {
            maxconn |= s.hasMaxconn();
            if (!s.hasMaxconn()) {
                continue;
            }
            if (s.maxqueue() == 0) {
                limited = false;
            }
            bound += s.maxqueue();
        }
        this.anyMaxconn = maxconn;
        this.queueBound = limited && maxconn ? bound : Integer.MAX_VALUE;
    }

    /**
     * Picks a server round-robin among those with a free slot and takes the
     * slot, or queues the waiter at the tail of the backend's FIFO.
     *
     * @return the server whose slot is now held, or {@code null} with
     *         {@code waiter} queued, or throws {@link QueueFullException}
     */
    public Server acquire(SlotWaiter waiter) throws QueueFullException {
        // Only the waiter's own loop queues it, and it learns of its grant after the
        // grant unlinked it, so reading its link here without the lock is safe.
        if (waiter.queueLink.isLinked()) {
            throw new IllegalStateException("session is already queued for a slot");
        }
        // Nobody waits: the fast path. When somebody does, a newcomer must not
        // overtake them, so it goes through the lock and the queue.
        if (queued == 0) {
            Server s = takeAnyFreeSlot();
            if (s != null) {
                return s;
            }
        }
        lock.lock();
        try {
            if (waiting.isEmpty()) {
                Server s = takeAnyFreeSlot();
                if (s != null) {
                    return s;
                }
            }
            if (queued >= queueBound) {
                throw new QueueFullException(name, queued);
            }
            waiting.addLast(waiter.queueLink);
            queued = waiting.size();
            queuedTotal++;
            if (queued > peakQueued) {
                peakQueued = queued;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a slot back. If a session waits, the slot goes to the oldest one
     * without ever being free, and its loop is told through the waiter itself
     * ({@link SlotWaiter#grant}): nothing is allocated and the grant cannot be
     * refused. Otherwise the slot is freed.
     */
    public void releaseSlot(Server server) {
        if (!server.hasMaxconn()) {
            server.freeSlot();
            return;
        }
        SlotWaiter next;
        lock.lock();
        try {
            next = waiting.removeFirst();
            if (next == null) {
                server.freeSlot();
                return;
            }
            queued = waiting.size();
            server.slotTransferred();
        } finally {
            lock.unlock();
        }
        next.grant(server);
    }

    /**
     * Takes a waiter out of the queue (timeout, or its session closed).
     *
     * @return true if it was still queued; false if a slot was already granted
     *         to it and its {@link SlotWaiter#slotGranted} is on the way
     */
    public boolean cancel(SlotWaiter waiter) {
        lock.lock();
        try {
            if (!waiting.contains(waiter.queueLink)) {
                return false;
            }
            waiting.remove(waiter.queueLink);
            queued = waiting.size();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private Server takeAnyFreeSlot() {
        int n = servers.length;
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Server s = servers[(start + i) % n];
            if (s.tryTakeSlot()) {
                return s;
            }
        }
        return null;
    }

    public String name() {
        return name;
    }

    public List<Server> servers() {
        return List.of(servers);
    }

    /** Sessions waiting now. */
    public int queued() {
        return queued;
    }

    public int peakQueued() {
        return peakQueued;
    }

    /** Sessions that ever waited here. */
    public long queuedTotal() {
        lock.lock();
        try {
            return queuedTotal;
        } finally {
            lock.unlock();
        }
    }

    public boolean anyMaxconn() {
        return anyMaxconn;
    }

    /** Thrown when a session would exceed the backend queue's bound. */
    public static final class QueueFullException extends Exception {
        QueueFullException(String backend, int queued) {
            super("backend " + backend + ": queue full (" + queued + " waiting)", null, false, false);
        }
    }
}
