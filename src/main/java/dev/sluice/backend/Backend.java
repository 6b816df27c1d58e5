package dev.sluice.backend;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * A named group of servers: the choice among them ({@code balance}), their
 * states, and the queues of sessions waiting for a slot.
 *
 * <p>Sessions wait in the backend's FIFO when any server will do (a dynamic
 * algorithm found every server full), or in one server's FIFO when a hash
 * chose that server. A freed slot goes to the session that waited longest
 * among those two queues. A server's {@code maxqueue} bounds its own queue;
 * the backend's queue is bounded by the servers' {@code maxqueue} summed, or
 * unbounded (up to the global {@code maxconn}) when any server sets none.
 *
 * <p>The servers a new request may go to are a snapshot ({@link Farm}) rebuilt
 * whenever a server's state or weight changes; choosing reads it without a
 * lock, with each loop's own {@link Chooser}. When a server goes DOWN or into
 * maintenance, the sessions queued for it are sent to another server if
 * {@code option redispatch} allows, or refused ({@link SlotRefusal}); when a
 * server becomes UP it takes sessions from the backend's queue.
 *
 * <p>Thread-safe: servers and queues are shared by every loop. The queues,
 * {@link IntrusiveList}s of the waiters' own links, and state changes are
 * guarded by one lock, taken only when slots are scarce or a state changes; a
 * free slot with nobody waiting is taken by compare-and-set alone. A grant or
 * a refusal travels as the waiter itself, posted to its loop: nothing is
 * allocated and it cannot be lost.
 */
public final class Backend {
    /** What an administrator may change on a server. */
    enum Admin { MAINT_ON, MAINT_OFF, DRAIN_ON, DRAIN_OFF, WEIGHT, MAXCONN, RESOLVED, UNRESOLVED }

    /** A health check's verdict on its server. */
    enum Verdict { UP, DOWN, STOPPING }

    private final String name;
    private final BalanceSpec balance;
    private final KeyHasher hasher;
    private final RetryPolicy retry;
    private final ServerStateListener listener;
    private final SlotQueues slots;

    /** Round robin, HAProxy's retry defaults, state changes written to standard error. */
    public Backend(String name, List<Server> servers) {
        this(name, servers, BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT, ServerStateListener.STDERR);
    }

    public Backend(String name, List<Server> servers, BalanceSpec balance, RetryPolicy retry,
                   ServerStateListener listener) {
        this(name, servers, balance, retry, listener, System::nanoTime);
    }

    /** @param clock the clock state changes are stamped with (the simulator's virtual time) */
    public Backend(String name, List<Server> servers, BalanceSpec balance, RetryPolicy retry,
                   ServerStateListener listener, LongSupplier clock) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + " has no server");
        }
        this.name = name;
        this.balance = balance;
        this.hasher = new KeyHasher(balance);
        this.retry = retry;
        this.listener = listener;
        this.slots = new SlotQueues(this, servers, balance, retry, listener, clock);
    }

    /**
     * Adds a server at run time ({@code add server}, DNS discovery), in the
     * state it was made with, at the next position (positions are never
     * reused).
     *
     * @throws IllegalArgumentException if the backend has a server of that name
     */
    public void addServer(Server s) {
        slots.addServer(s);
    }

    /**
     * Removes a server at run time ({@code del server}): only one in
     * maintenance, holding no slot, with nobody queued for it, as HAProxy asks.
     *
     * @throws IllegalStateException naming what keeps it
     */
    public void removeServer(Server s) {
        slots.removeServer(s);
    }

    // ---- what the session asks of the backend ----

    /** What of the request {@link #acquire(SlotWaiter, BalanceKey, Server)} hashes. */
    public BalanceKey.Source keySource() {
        return balance.algorithm().key();
    }

    /** For {@link BalanceKey.Source#HEADER}: the field whose first value to hash, in lower case. */
    public String keyHeader() {
        return balance.algorithm() == BalanceAlgorithm.HDR ? balance.argument() : "";
    }

    /** A round-robin choice among servers with a free slot, taking it; see {@link #acquire(SlotWaiter, BalanceKey, Server)}. */
    public Server acquire(SlotWaiter waiter) throws QueueFullException, NoServerException {
        return acquire(waiter, BalanceKey.NONE, null);
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
    public Server acquire(SlotWaiter waiter, BalanceKey key, Server avoid) throws QueueFullException, NoServerException {
        return slots.acquire(waiter, key, avoid);
    }

    /**
     * The server a persistence cookie's value {@code [from, to)} of {@code b}
     * names: the first, in declaration order, whose {@code cookie} it is and,
     * when {@code operational}, that takes persistent requests (UP or drained).
     * Null when there is none. Allocates nothing.
     */
    public Server cookieServer(dev.sluice.buffer.Buffer b, int from, int to, boolean operational) {
        for (Server s : slots.servers()) {
            if (s.cookieIs(b, from, to) && (!operational || s.state().takesPersistentRequests())) {
                return s;
            }
        }
        return null;
    }

    /**
     * Gives a slot back. If a session waits for this server, or in the
     * backend's queue while the server may take new requests, the slot goes to
     * the one that waited longest, without ever being free, and its loop is
     * told; otherwise it is freed.
     */
    public void releaseSlot(Server server) {
        slots.releaseSlot(server);
    }

    /**
     * Takes a waiter out of its queue (timeout, or its session closed).
     *
     * @return true if it was still queued; false if a slot was already granted
     *         to it (its {@link SlotWaiter#slotGranted} is on the way) or it was refused
     */
    public boolean cancel(SlotWaiter waiter) {
        return slots.cancel(waiter);
    }

    /**
     * The key's hash for the backend's algorithm, as unsigned in the low 32
     * bits, or -1 when the key gives none (the request lacks it).
     */
    long keyHash(BalanceKey key) {
        return hasher.hash(key);
    }

    // ---- retries ----

    /**
     * Whether retry number {@code attempt} (from 1) after a failed connection to
     * {@code failed} goes to another server (HAProxy's rule, see
     * {@link RetryPolicy}). If so, the server link gives the slot back with
     * {@link #releaseSlot(Server)} and asks again with
     * {@link #acquire(SlotWaiter, BalanceKey, Server)}, passing {@code failed}
     * as the server to avoid; the new choice goes through the same slots and
     * queues as a new request. If not, it keeps its slot and connects to the
     * same server again.
     */
    public boolean redispatches(int attempt, Server failed) {
        return retry.redispatches(attempt, failed, balance.algorithm(), slots.farm().activeUp);
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    // ---- state changes ----

    /** An administrative change (any thread). */
    void administer(Server s, Admin op, int weight) {
        String reason = switch (op) {
            case MAINT_ON -> {
                s.maintenance = true;
                yield "entered maintenance";
            }
            case MAINT_OFF -> {
                s.maintenance = false;
                yield "left maintenance";
            }
            case DRAIN_ON -> {
                s.drained = true;
                yield "entered drain";
            }
            case DRAIN_OFF -> {
                s.drained = false;
                yield "left drain";
            }
            case WEIGHT -> "weight set to " + weight;
            case MAXCONN -> "maxconn set to " + weight;
            case RESOLVED -> {
                s.unresolved = false;
                yield "address resolved to " + s.address().getAddress().getHostAddress();
            }
            case UNRESOLVED -> {
                s.unresolved = true;
                yield "entered maintenance: no address from DNS";
            }
        };
        slots.change(s, op, weight, reason);
    }

    /** A health check's verdict (the check's loop). */
    void checkVerdict(Server s, Verdict verdict, String reason) {
        slots.change(s, verdict, 0, reason);
    }

    /** Runs {@code read} under the lock (counters written under it). */
    <T> T readLocked(java.util.function.Supplier<T> read) {
        return slots.readLocked(read);
    }

    /** The listener state changes and check reports go to. */
    ServerStateListener listener() {
        return listener;
    }

    // ---- reading ----

    public String name() {
        return name;
    }

    public List<Server> servers() {
        return List.of(slots.servers());
    }

    /**
     * The server at {@code position} ({@link Server#position()}, HAProxy's
     * server id minus one), or null when none is there now. Allocates nothing.
     */
    public Server serverAt(int position) {
        Server[] all = slots.servers();
        if (position >= 0 && position < all.length && all[position].position() == position) {
            return all[position];
        }
        for (Server s : all) {
            if (s.position() == position) {
                return s;
            }
        }
        return null;
    }

    /**
     * The first server, in declaration order, whose name has the number
     * {@code nameNumber} ({@link dev.sluice.stick.ServerNames#number}), or
     * null. Allocates nothing.
     */
    public Server serverNamed(int nameNumber) {
        for (Server s : slots.servers()) {
            if (s.nameNumber() == nameNumber) {
                return s;
            }
        }
        return null;
    }

    /** Slots in use over all the backend's servers ({@code %bc}), without allocating: a recent value. */
    public int slotsInUse() {
        int n = 0;
        for (Server s : slots.servers()) {
            n += s.slotsInUse();
        }
        return n;
    }

    public BalanceSpec balance() {
        return balance;
    }

    /** Servers that may take new requests now. */
    public int serversUp() {
        Farm f = slots.farm();
        return f.activeUp + f.backupUp;
    }

    /** The servers the balancer chooses among now, in declaration order. */
    public List<Server> candidates() {
        return List.of(slots.farm().candidates);
    }

    /** Sessions waiting now, in the backend's queue and its servers' queues. */
    public int queued() {
        return slots.queue().totalQueued();
    }

    public int peakQueued() {
        return slots.queue().peakQueued();
    }

    /** Sessions that ever waited here. */
    public long queuedTotal() {
        return slots.queue().queuedTotal();
    }

    /** Nanoseconds the ended queue waits of this backend lasted, in total (readable from any thread, no lock). */
    public long queueWaitNanos() {
        return slots.queue().queueWaitNanos();
    }

    /** Queued sessions sent to another server because theirs went DOWN ({@code option redispatch}). */
    public long redispatched() {
        return slots.redispatched();
    }

    /** Queued sessions refused because their server went DOWN, or no server was left. */
    public long refused() {
        return slots.refused();
    }

    public boolean anyMaxconn() {
        return slots.anyMaxconn();
    }

    /** Why a session gets no slot at once and no place in a queue. */
    public abstract static sealed class SlotException extends Exception permits QueueFullException, NoServerException {
        SlotException(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown when a session would exceed the bound of the queue it would join. */
    public static final class QueueFullException extends SlotException {
        QueueFullException(String queue, int queued) {
            super("backend " + queue + ": queue full (" + queued + " waiting)");
        }
    }

    /**
     * Thrown when no server of the backend may take a request (DOWN, in
     * maintenance, drained). One instance per backend, without a stack trace,
     * so that refusing allocates nothing.
     */
    public static final class NoServerException extends SlotException {
        NoServerException(String backend) {
            super("backend " + backend + ": no server available");
        }
    }
}
