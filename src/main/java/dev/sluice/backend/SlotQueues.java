package dev.sluice.backend;

import dev.sluice.backend.Backend.NoServerException;
import dev.sluice.backend.Backend.QueueFullException;
import dev.sluice.util.IntrusiveList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A backend's slots and queues: its servers and the snapshot of those that
 * may take requests ({@link Farm}), the choice of a server with its slot
 * taken, the backend's FIFO and its servers' FIFOs, the grant of a freed slot
 * to the session that waited longest, and how a server's change of state
 * moves what waits. {@link Backend} is its face to the rest of Sluice; this
 * is the part that holds the lock. The backend's own FIFO, the tickets and
 * the counts of every queue are its {@link BackendQueue}'s.
 *
 * <p>Thread-safe: the queues, {@link IntrusiveList}s of the waiters' own links,
 * and state changes are guarded by one lock, taken only when slots are scarce
 * or a state changes; a free slot with nobody waiting is taken by
 * compare-and-set alone. A grant or a refusal travels as the waiter itself,
 * posted to its loop: nothing is allocated and it cannot be lost. What a
 * change of state or of the server list decides for the waiters is collected
 * in a {@link SlotMoves} and delivered once the lock is released.
 */
final class SlotQueues {
    private final Backend backend;
    private final String name;
    private final BalanceSpec balance;
    private final RetryPolicy retry;
    private final ServerStateListener listener;
    private final LongSupplier clock;
    /** Replaced whole, under the lock, when a server is added or removed at run time. */
    private volatile Server[] servers;
    private int nextPosition;
    private volatile int queueBound;
    private volatile boolean anyMaxconn;
    private int weightDivisor;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Farm farm;
    private final ServerChoice choice;
    private final NoServerException noServer;
    /** {@link #acquirePersistent}'s answer when the named server takes no persistent request: balance instead. */
    private static final Server PASS = new Server("(no persistence)", null, 0, 0);
    /** The backend's own queue and the book of all its queues. Guarded by the lock, links included. */
    private final BackendQueue queue;
    private long redispatched;
    private long refused;

    SlotQueues(Backend backend, List<Server> servers, BalanceSpec balance, RetryPolicy retry,
               ServerStateListener listener, LongSupplier clock) {
        this.backend = backend;
        this.name = backend.name();
        this.balance = balance;
        this.retry = retry;
        this.listener = listener;
        this.clock = clock;
        this.queue = new BackendQueue(clock);
        this.choice = new ServerChoice(name, balance);
        this.servers = servers.toArray(new Server[0]);
        for (int i = 0; i < this.servers.length; i++) {
            this.servers[i].attach(backend, i);
        }
        this.nextPosition = this.servers.length;
        this.noServer = new NoServerException(name);
        lock.lock();
        try {
            serversChanged();
        } finally {
            lock.unlock();
        }
    }

    /** What follows from the list of servers: the queue bound, the weights' divisor, the farm. Under the lock. */
    private void serversChanged() {
        int bound = 0;
        boolean limited = true;
        boolean maxconn = false;
        for (Server s : servers) {
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
        this.weightDivisor = Farm.weightDivisor(servers);
        this.farm = Farm.build(servers, balance, weightDivisor);
    }

    /**
     * Adds a server at run time ({@code add server}, DNS discovery), in the
     * state it was made with, at the next position (positions are never
     * reused).
     *
     * @throws IllegalArgumentException if the backend has a server of that name
     */
    void addServer(Server s) {
        SlotMoves moves = new SlotMoves();
        lock.lock();
        try {
            for (Server other : servers) {
                if (other.name().equals(s.name())) {
                    throw new IllegalArgumentException("backend " + name + " already has a server " + s.name());
                }
            }
            s.attach(backend, nextPosition++);
            Server[] more = java.util.Arrays.copyOf(servers, servers.length + 1);
            more[servers.length] = s;
            servers = more;
            serversChanged();
            queue.dispatch(farm, moves);
        } finally {
            lock.unlock();
        }
        moves.deliver();
    }

    /**
     * Removes a server at run time ({@code del server}): only one in
     * maintenance, holding no slot, with nobody queued for it, as HAProxy asks.
     *
     * @throws IllegalStateException naming what keeps it
     */
    void removeServer(Server s) {
        lock.lock();
        try {
            if (s.owner() != backend) {
                throw new IllegalStateException("server " + s.name() + " is not in backend " + name);
            }
            if (s.state() != ServerState.MAINT) {
                throw new IllegalStateException("Only servers in maintenance mode can be deleted.");
            }
            if (s.slotsInUse() > 0 || s.queued > 0) {
                throw new IllegalStateException("Server still has connections attached to it, cannot remove it.");
            }
            if (servers.length == 1) {
                throw new IllegalStateException("A backend keeps at least one server.");
            }
            Server[] fewer = new Server[servers.length - 1];
            int j = 0;
            for (Server other : servers) {
                if (other != s) {
                    fewer[j++] = other;
                }
            }
            servers = fewer;
            serversChanged();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Chooses a server for a new request and takes one of its slots, or queues
     * the waiter: at the tail of the chosen server's queue when a hash chose a
     * server that is full, at the tail of the backend's queue when every server
     * is full. The grant then arrives through {@link SlotWaiter#slotGranted}.
     *
     * @param key   the request's key for a hashing algorithm (see {@link #keySource()}); an empty key, or
     *              {@link BalanceKey#NONE}, falls back to round robin as in HAProxy
     * @param avoid for a retry that redispatches: the server that failed, chosen again only when no other
     *              one can be (map-based hashing ignores it, as HAProxy does); null otherwise
     * @return the server whose slot is now held, or {@code null} with {@code waiter} queued
     * @throws QueueFullException if the queue it would join is at its bound
     * @throws NoServerException if no server may take requests (all DOWN, in maintenance, or drained): a 503
     */
    Server acquire(SlotWaiter waiter, BalanceKey key, Server avoid) throws QueueFullException, NoServerException {
        // Only the waiter's own loop queues it, and it learns of its answer after the
        // answer unlinked it, so reading its link here without the lock is safe.
        if (waiter.queueLink.isLinked()) {
            throw new IllegalStateException("session is already queued for a slot");
        }
        Server persist = key.persistTo();
        if (persist != null && persist != avoid && persist.owner() == backend) {
            Server s = acquirePersistent(waiter, persist);
            if (s != PASS) {
                return s;
            }
        }
        Farm f = farm;
        if (f.isEmpty()) {
            throw noServer;
        }
        long hashed = backend.keyHash(key);
        if (hashed >= 0 && (balance.algorithm().kind() == BalanceAlgorithm.Kind.HASH)) {
            return acquireHashed(waiter, f, (int) hashed, avoid);
        }
        Chooser chooser = choice.chooser(waiter, servers.length);
        // Nobody waits for any server: the fast path. When somebody does, a newcomer must not
        // overtake them, so it goes through the lock and the queue.
        if (queue.length() == 0) {
            Server s = choice.takeDynamic(f, chooser, avoid);
            if (s != null) {
                return s;
            }
        }
        lock.lock();
        try {
            f = farm;
            if (f.isEmpty()) {
                throw noServer;
            }
            if (queue.isEmpty()) {
                Server s = choice.takeDynamic(f, chooser, avoid);
                if (s != null) {
                    return s;
                }
            }
            int queued = queue.length();
            if (queued >= queueBound) {
                throw new QueueFullException(name, queued);
            }
            waiter.hashed = false;
            waiter.persistent = false;
            queue.enqueue(waiter, null);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The server a persistence cookie names: its slot if it has room and
     * nobody waits for it, else its own queue, as a hash's choice. {@link #PASS}
     * when it no longer takes persistent requests (it went DOWN or into
     * maintenance since the cookie was read): the request is balanced.
     */
    private Server acquirePersistent(SlotWaiter waiter, Server s) throws QueueFullException {
        if (s.state().takesPersistentRequests() && s.queued == 0 && s.tryTakeSlot()) {
            return s;
        }
        lock.lock();
        try {
            // Its state changes under this lock, and a server that leaves drops its queue under it too.
            if (!s.state().takesPersistentRequests()) {
                return PASS;
            }
            if (s.queued == 0 && s.tryTakeSlot()) {
                return s;
            }
            if (s.maxqueue() > 0 && s.queued >= s.maxqueue()) {
                throw new QueueFullException(name + "/" + s.name(), s.queued);
            }
            waiter.hashed = false;
            waiter.persistent = true;
            queue.enqueue(waiter, s);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The server the hash designates: its slot if it has room and nobody waits for it, else its queue. */
    private Server acquireHashed(SlotWaiter waiter, Farm f, int hash, Server avoid) throws QueueFullException,
            NoServerException {
        Server s = choice.hashed(f, hash, avoid);
        if (s.queued == 0 && s.tryTakeSlot()) {
            return s;
        }
        lock.lock();
        try {
            Farm now = farm;
            if (now != f) {
                if (now.isEmpty()) {
                    throw noServer;
                }
                s = choice.hashed(now, hash, avoid);
            }
            if (s.queued == 0 && s.tryTakeSlot()) {
                return s;
            }
            if (s.maxqueue() > 0 && s.queued >= s.maxqueue()) {
                throw new QueueFullException(name + "/" + s.name(), s.queued);
            }
            waiter.hash = hash;
            waiter.hashed = true;
            waiter.persistent = false;
            queue.enqueue(waiter, s);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a slot back. If a session waits for this server, or in the
     * backend's queue while the server may take new requests, the slot goes to
     * the one that waited longest, without ever being free, and its loop is
     * told; otherwise it is freed.
     */
    void releaseSlot(Server server) {
        if (!server.hasMaxconn()) {
            server.freeSlot();
            return;
        }
        SlotWaiter next;
        lock.lock();
        try {
            SlotWaiter mine = server.waiting.peekFirst();
            SlotWaiter any = farm.contains(server) ? queue.first() : null;
            next = mine == null ? any : any == null || mine.ticket < any.ticket ? mine : any;
            if (next == null) {
                server.freeSlot();
                return;
            }
            queue.unlink(next);
            server.slotTransferred();
        } finally {
            lock.unlock();
        }
        next.grant(server);
    }

    /**
     * Takes a waiter out of its queue (timeout, or its session closed).
     *
     * @return true if it was still queued; false if a slot was already granted
     *         to it (its {@link SlotWaiter#slotGranted} is on the way) or it was refused
     */
    boolean cancel(SlotWaiter waiter) {
        lock.lock();
        try {
            boolean listed = waiter.boundTo == null ? queue.contains(waiter)
                    : waiter.boundTo.waiting.contains(waiter.queueLink);
            if (!listed || waiter.boundTo != null && waiter.boundTo.owner() != backend) {
                return false;
            }
            queue.unlink(waiter);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies one change under the lock: the server's flags, its state, the
     * farm, the queues; then, outside the lock, the grants and refusals it
     * caused and the listener.
     */
    void change(Server s, Object what, int weight, String reason) {
        SlotMoves moves = new SlotMoves();
        ServerStateChange event = null;
        lock.lock();
        try {
            if (what instanceof Backend.Admin a) {
                if (a == Backend.Admin.MAINT_ON || a == Backend.Admin.MAINT_OFF) {
                    // Leaving maintenance, a checked server is DOWN until its check passes (the check sees to it).
                    s.checkedDown = a == Backend.Admin.MAINT_OFF && s.checkedDown;
                }
                if (a == Backend.Admin.WEIGHT) {
                    s.weightNow(weight);
                }
                if (a == Backend.Admin.MAXCONN) {
                    s.maxconnNow(weight);
                    serversChanged();
                    // Room that a raised limit made: the sessions queued for this server take it first.
                    while (s.waiting.peekFirst() != null && s.tryTakeSlot()) {
                        SlotWaiter w = s.waiting.peekFirst();
                        queue.unlink(w);
                        moves.granted(w, s);
                    }
                }
            } else if (what instanceof Backend.Verdict v) {
                if (s.maintenance) {
                    return;
                }
                s.checkedDown = v == Backend.Verdict.DOWN;
                s.checkStopping = v == Backend.Verdict.STOPPING;
            }
            ServerState before = s.state();
            ServerState after = s.derivedState();
            if (after != before) {
                s.enter(after, clock.getAsLong());
            }
            farm = Farm.build(servers, balance, weightDivisor);
            Farm f = farm;
            int requeued = 0;
            int refusedHere = 0;
            if (after.dropsItsQueue() && !before.dropsItsQueue()) {
                while (!s.waiting.isEmpty()) {
                    SlotWaiter w = s.waiting.peekFirst();
                    queue.unlink(w);
                    if (!retry.redispatch()) {
                        moves.refusedDown(w);
                        refusedHere++;
                    } else if (f.isEmpty()) {
                        moves.refusedNone(w);
                        refusedHere++;
                    } else if (w.persistent) {
                        // Its cookie named this server only: now any server will do, in the backend's queue.
                        queue.enqueue(w, null);
                        requeued++;
                    } else {
                        Server to = choice.hashed(f, w.hash, null);
                        if (to.queued == 0 && to.tryTakeSlot()) {
                            moves.granted(w, to);
                        } else {
                            queue.enqueue(w, to);
                        }
                        requeued++;
                    }
                }
            }
            if (f.isEmpty()) {
                // Nothing can serve the backend's queue any more: 503 now rather than at the queue timeout.
                while (!queue.isEmpty()) {
                    SlotWaiter w = queue.first();
                    queue.unlink(w);
                    moves.refusedNone(w);
                    refusedHere++;
                }
            } else {
                queue.dispatch(f, moves);
            }
            redispatched += requeued;
            refused += refusedHere;
            if (after != before) {
                event = new ServerStateChange(name, s.name(), s.role(), before, after, reason, f.activeUp, f.backupUp,
                        requeued, refusedHere);
            }
        } finally {
            lock.unlock();
        }
        moves.deliver();
        if (event != null) {
            listener.stateChanged(event);
        }
    }

    /** Runs {@code read} under the lock (counters written under it). */
    <T> T readLocked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    // ---- reading ----

    Server[] servers() {
        return servers;
    }

    Farm farm() {
        return farm;
    }

    /** The backend's own queue, and the book of all its queues (readable without the lock). */
    BackendQueue queue() {
        return queue;
    }

    boolean anyMaxconn() {
        return anyMaxconn;
    }

    long redispatched() {
        return readLocked(() -> redispatched);
    }

    long refused() {
        return readLocked(() -> refused);
    }
}
