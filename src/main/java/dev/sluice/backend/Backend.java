package dev.sluice.backend;

import dev.sluice.util.IntrusiveList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
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

    private static final int MAX_LOOPS = 4096;

    private final String name;
    /** Replaced whole, under the lock, when a server is added or removed at run time. */
    private volatile Server[] servers;
    private int nextPosition;
    private final BalanceSpec balance;
    private final RetryPolicy retry;
    private final ServerStateListener listener;
    private volatile int queueBound;
    private volatile boolean anyMaxconn;
    private int weightDivisor;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Farm farm;
    private final AtomicReferenceArray<Chooser> choosers = new AtomicReferenceArray<>(MAX_LOOPS);
    private final NoServerException noServer;
    /** The backend's own queue: sessions any server may take, oldest first. Guarded by the lock, links included. */
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
    private long redispatched;
    private long refused;

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
        this.servers = servers.toArray(new Server[0]);
        this.balance = balance;
        this.retry = retry;
        this.listener = listener;
        this.clock = clock;
        for (int i = 0; i < this.servers.length; i++) {
            this.servers[i].attach(this, i);
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
        this.weightDivisor = weightDivisor(servers);
        this.farm = Farm.build(servers, balance, weightDivisor);
    }

    /**
     * Adds a server at run time ({@code add server}, DNS discovery), in the
     * state it was made with, at the next position (positions are never
     * reused).
     *
     * @throws IllegalArgumentException if the backend has a server of that name
     */
    public void addServer(Server s) {
        List<SlotWaiter> granted = new ArrayList<>();
        List<Server> grantedOn = new ArrayList<>();
        lock.lock();
        try {
            for (Server other : servers) {
                if (other.name().equals(s.name())) {
                    throw new IllegalArgumentException("backend " + name + " already has a server " + s.name());
                }
            }
            s.attach(this, nextPosition++);
            Server[] more = java.util.Arrays.copyOf(servers, servers.length + 1);
            more[servers.length] = s;
            servers = more;
            serversChanged();
            dispatchBackendQueue(farm, granted, grantedOn);
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < granted.size(); i++) {
            grant(granted.get(i), grantedOn.get(i));
        }
    }

    /**
     * Removes a server at run time ({@code del server}): only one in
     * maintenance, holding no slot, with nobody queued for it, as HAProxy asks.
     *
     * @throws IllegalStateException naming what keeps it
     */
    public void removeServer(Server s) {
        lock.lock();
        try {
            if (s.owner() != this) {
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

    /** The greatest common divisor of the non-zero configured weights, as HAProxy's map divides them. */
    private static int weightDivisor(Server[] servers) {
        int g = 0;
        for (Server s : servers) {
            int w = s.configuredWeight();
            while (w != 0) {
                int t = g % w;
                g = w;
                w = t;
            }
        }
        return g == 0 ? 1 : g;
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
        // Only the waiter's own loop queues it, and it learns of its answer after the
        // answer unlinked it, so reading its link here without the lock is safe.
        if (waiter.queueLink.isLinked()) {
            throw new IllegalStateException("session is already queued for a slot");
        }
        Farm f = farm;
        if (f.isEmpty()) {
            throw noServer;
        }
        long hashed = keyHash(key);
        if (hashed >= 0 && (balance.algorithm().kind() == BalanceAlgorithm.Kind.HASH)) {
            return acquireHashed(waiter, f, (int) hashed, avoid);
        }
        Chooser chooser = chooser(waiter);
        // Nobody waits for any server: the fast path. When somebody does, a newcomer must not
        // overtake them, so it goes through the lock and the queue.
        if (queued == 0) {
            Server s = takeDynamic(f, chooser, avoid);
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
            if (waiting.isEmpty()) {
                Server s = takeDynamic(f, chooser, avoid);
                if (s != null) {
                    return s;
                }
            }
            if (queued >= queueBound) {
                throw new QueueFullException(name, queued);
            }
            waiter.hashed = false;
            enqueue(waiter, null);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The server the hash designates: its slot if it has room and nobody waits for it, else its queue. */
    private Server acquireHashed(SlotWaiter waiter, Farm f, int hash, Server avoid) throws QueueFullException,
            NoServerException {
        Server s = hashed(f, hash, avoid);
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
                s = hashed(now, hash, avoid);
            }
            if (s.queued == 0 && s.tryTakeSlot()) {
                return s;
            }
            if (s.maxqueue() > 0 && s.queued >= s.maxqueue()) {
                throw new QueueFullException(name + "/" + s.name(), s.queued);
            }
            waiter.hash = hash;
            waiter.hashed = true;
            enqueue(waiter, s);
            return null;
        } finally {
            lock.unlock();
        }
    }

    private Server hashed(Farm f, int hash, Server avoid) {
        int c = f.ring != null ? f.ring.lookup(hash, f.candidate(avoid)) : f.map.forHash(hash);
        return f.candidates[c];
    }

    /** A dynamic choice among servers with room, with its slot taken; null when all are full. */
    private Server takeDynamic(Farm f, Chooser chooser, Server avoid) {
        int avoidIndex = f.candidate(avoid);
        // A slot seen free may be taken by another loop before the compare-and-set: choose again.
        for (int attempt = 0; attempt <= f.candidates.length; attempt++) {
            int c = switch (balance.algorithm()) {
                case STATIC_RR -> chooser.staticRoundRobin(f, avoidIndex);
                case LEASTCONN -> chooser.leastConnections(f, avoidIndex);
                case FIRST -> Chooser.first(f, avoidIndex);
                case RANDOM -> chooser.random(f, balance.draws(), avoidIndex);
                default -> chooser.roundRobin(f, avoidIndex);
            };
            if (c < 0) {
                return null;
            }
            Server s = f.candidates[c];
            if (s.tryTakeSlot()) {
                return s;
            }
        }
        return null;
    }

    private Chooser chooser(SlotWaiter waiter) {
        int id = waiter.loop().id();
        Chooser c = choosers.get(id);
        if (c == null) {
            // Once per loop: seeded from the backend and the loop so that a simulated run replays.
            c = new Chooser(servers.length, (long) name.hashCode() << 32 ^ id);
            if (!choosers.compareAndSet(id, null, c)) {
                c = choosers.get(id);
            }
        }
        return c;
    }

    /**
     * The key's hash for the backend's algorithm, as unsigned in the low 32
     * bits, or -1 when the key gives none (the request lacks it).
     */
    long keyHash(BalanceKey key) {
        BalanceAlgorithm algorithm = balance.algorithm();
        if (algorithm.kind() != BalanceAlgorithm.Kind.HASH) {
            return -1;
        }
        int h;
        switch (algorithm) {
            case SOURCE -> {
                byte[] a = key.address();
                if (a == null || a.length != 4 && a.length != 16) {
                    return -1;
                }
                // The address's 32-bit words, xored; no hash function, as in HAProxy.
                h = 0;
                for (int i = 0; i + 4 <= a.length; i += 4) {
                    h ^= (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | a[i + 3] & 0xff;
                }
            }
            case URI -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                h = uriHash(key);
            }
            case URL_PARAM -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                long p = paramHash(key);
                if (p < 0) {
                    return -1;
                }
                h = (int) p;
            }
            default -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                long v = headerHash(key);
                if (v < 0) {
                    return -1;
                }
                h = (int) v;
            }
        }
        if (balance.avalanche()) {
            h = HashFunction.avalanche(h);
        }
        return h & 0xffffffffL;
    }

    /** {@code balance uri}: the target from its path (with {@code path-only}), cut at {@code ?}, {@code len} and {@code depth}. */
    private int uriHash(BalanceKey key) {
        BalanceSpec.UriKey u = balance.uri();
        int start = key.start();
        int end = key.end();
        if (u.pathOnly()) {
            start = pathStart(key, start, end);
        }
        if (u.len() > 0) {
            end = Math.min(end, start + u.len());
        }
        int slashes = 0;
        int stop = start;
        while (stop < end) {
            int c = key.at(stop);
            if (c == '/') {
                slashes++;
                // depth N hashes N directory levels: it stops at the slash that opens level N + 1.
                if (u.depth() > 0 && slashes == u.depth() + 1) {
                    break;
                }
            } else if (c == '?' && !u.whole()) {
                break;
            }
            stop++;
        }
        return key.hash(balance.hashFunction(), start, stop);
    }

    /** Where the path begins: after {@code scheme://authority} of an absolute target, else at once. */
    private static int pathStart(BalanceKey key, int start, int end) {
        if (start < end && key.at(start) == '/') {
            return start;
        }
        for (int i = start; i + 2 < end; i++) {
            if (key.at(i) == ':' && key.at(i + 1) == '/' && key.at(i + 2) == '/') {
                for (int j = i + 3; j < end; j++) {
                    if (key.at(j) == '/') {
                        return j;
                    }
                }
                return end;
            }
        }
        return start;
    }

    /** {@code balance url_param}: the value of the first {@code name=} parameter of the query string, or -1. */
    private long paramHash(BalanceKey key) {
        String name = balance.argument();
        int plen = name.length();
        int end = key.end();
        int q = key.start();
        while (q < end && key.at(q) != '?') {
            q++;
        }
        if (q == end) {
            return -1;
        }
        int params = q + 1;
        while (end - params > plen) {
            if (key.at(params + plen) == '=' && startsWith(key, params, name)) {
                int v = params + plen + 1;
                int e = v;
                while (e < end && key.at(e) != '&') {
                    e++;
                }
                return key.hash(balance.hashFunction(), v, e) & 0xffffffffL;
            }
            int amp = params;
            while (amp < end && key.at(amp) != '&') {
                amp++;
            }
            if (amp == end) {
                return -1;
            }
            params = amp + 1;
        }
        return -1;
    }

    private static boolean startsWith(BalanceKey key, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (key.at(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code balance hdr(<name>)}: the first comma-separated element of the
     * value, trimmed, or its domain part with {@code use_domain_only}; -1 when empty.
     */
    private long headerHash(BalanceKey key) {
        int start = key.start();
        int end = key.end();
        int comma = start;
        while (comma < end && key.at(comma) != ',') {
            comma++;
        }
        end = comma;
        while (start < end && isSpace(key.at(start))) {
            start++;
        }
        while (end > start && isSpace(key.at(end - 1))) {
            end--;
        }
        if (start == end) {
            return -1;
        }
        if (balance.domainOnly()) {
            // The label before the last dot ("example" of "www.example.com"); the whole value without a dot.
            int lastDot = -1;
            for (int i = end - 1; i >= start; i--) {
                if (key.at(i) == '.') {
                    lastDot = i;
                    break;
                }
            }
            if (lastDot >= 0) {
                int from = lastDot;
                while (from > start && key.at(from - 1) != '.') {
                    from--;
                }
                start = from;
                end = lastDot;
            }
        }
        return key.hash(balance.hashFunction(), start, end) & 0xffffffffL;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t';
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
        return retry.redispatches(attempt, failed, balance.algorithm(), farm.activeUp);
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    // ---- slots and queues ----

    /**
     * Gives a slot back. If a session waits for this server, or in the
     * backend's queue while the server may take new requests, the slot goes to
     * the one that waited longest, without ever being free, and its loop is
     * told; otherwise it is freed.
     */
    public void releaseSlot(Server server) {
        if (!server.hasMaxconn()) {
            server.freeSlot();
            return;
        }
        SlotWaiter next;
        lock.lock();
        try {
            SlotWaiter mine = server.waiting.peekFirst();
            SlotWaiter any = farm.contains(server) ? waiting.peekFirst() : null;
            next = mine == null ? any : any == null || mine.ticket < any.ticket ? mine : any;
            if (next == null) {
                server.freeSlot();
                return;
            }
            unlink(next);
            server.slotTransferred();
        } finally {
            lock.unlock();
        }
        grant(next, server);
    }

    /**
     * Takes a waiter out of its queue (timeout, or its session closed).
     *
     * @return true if it was still queued; false if a slot was already granted
     *         to it (its {@link SlotWaiter#slotGranted} is on the way) or it was refused
     */
    public boolean cancel(SlotWaiter waiter) {
        lock.lock();
        try {
            IntrusiveList<SlotWaiter> list = waiter.boundTo == null ? waiting : waiter.boundTo.waiting;
            if (!list.contains(waiter.queueLink) || waiter.boundTo != null && waiter.boundTo.owner() != this) {
                return false;
            }
            unlink(waiter);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(SlotWaiter w, Server server) {
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

    private void unlink(SlotWaiter w) {
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

    private static void grant(SlotWaiter granted, Server server) {
        granted.grant(server);
    }

    private static void refuse(SlotWaiter w, SlotRefusal why) {
        w.refuse(why);
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
        change(s, op, weight, reason);
    }

    /** A health check's verdict (the check's loop). */
    void checkVerdict(Server s, Verdict verdict, String reason) {
        change(s, verdict, 0, reason);
    }

    /**
     * Applies one change under the lock: the server's flags, its state, the
     * farm, the queues; then, outside the lock, the grants and refusals it
     * caused and the listener.
     */
    private void change(Server s, Object what, int weight, String reason) {
        List<SlotWaiter> granted = new ArrayList<>();
        List<Server> grantedOn = new ArrayList<>();
        List<SlotWaiter> refusedDown = new ArrayList<>();
        List<SlotWaiter> refusedNone = new ArrayList<>();
        ServerStateChange event = null;
        lock.lock();
        try {
            if (what instanceof Admin a) {
                if (a == Admin.MAINT_ON || a == Admin.MAINT_OFF) {
                    // Leaving maintenance, a checked server is DOWN until its check passes (the check sees to it).
                    s.checkedDown = a == Admin.MAINT_OFF && s.checkedDown;
                }
                if (a == Admin.WEIGHT) {
                    s.weightNow(weight);
                }
                if (a == Admin.MAXCONN) {
                    s.maxconnNow(weight);
                    serversChanged();
                    // Room that a raised limit made: the sessions queued for this server take it first.
                    while (s.waiting.peekFirst() != null && s.tryTakeSlot()) {
                        SlotWaiter w = s.waiting.peekFirst();
                        unlink(w);
                        granted.add(w);
                        grantedOn.add(s);
                    }
                }
            } else if (what instanceof Verdict v) {
                if (s.maintenance) {
                    return;
                }
                s.checkedDown = v == Verdict.DOWN;
                s.checkStopping = v == Verdict.STOPPING;
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
                    unlink(w);
                    if (!retry.redispatch()) {
                        refusedDown.add(w);
                        refusedHere++;
                    } else if (f.isEmpty()) {
                        refusedNone.add(w);
                        refusedHere++;
                    } else {
                        Server to = hashed(f, w.hash, null);
                        if (to.queued == 0 && to.tryTakeSlot()) {
                            granted.add(w);
                            grantedOn.add(to);
                        } else {
                            enqueue(w, to);
                        }
                        requeued++;
                    }
                }
            }
            if (f.isEmpty()) {
                // Nothing can serve the backend's queue any more: 503 now rather than at the queue timeout.
                while (!waiting.isEmpty()) {
                    SlotWaiter w = waiting.peekFirst();
                    unlink(w);
                    refusedNone.add(w);
                    refusedHere++;
                }
            } else {
                dispatchBackendQueue(f, granted, grantedOn);
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
        for (int i = 0; i < granted.size(); i++) {
            grant(granted.get(i), grantedOn.get(i));
        }
        for (SlotWaiter w : refusedDown) {
            refuse(w, SlotRefusal.SERVER_DOWN);
        }
        for (SlotWaiter w : refusedNone) {
            refuse(w, SlotRefusal.NO_SERVER);
        }
        if (event != null) {
            listener.stateChanged(event);
        }
    }

    /** Servers that can take new requests take what waits in the backend's queue, oldest first. */
    private void dispatchBackendQueue(Farm f, List<SlotWaiter> granted, List<Server> grantedOn) {
        for (Server s : f.candidates) {
            while (!waiting.isEmpty() && s.queued == 0 && s.tryTakeSlot()) {
                SlotWaiter w = waiting.peekFirst();
                unlink(w);
                granted.add(w);
                grantedOn.add(s);
            }
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

    /** The listener state changes and check reports go to. */
    ServerStateListener listener() {
        return listener;
    }

    // ---- reading ----

    public String name() {
        return name;
    }

    public List<Server> servers() {
        return List.of(servers);
    }

    /** Slots in use over all the backend's servers ({@code %bc}), without allocating: a recent value. */
    public int slotsInUse() {
        int n = 0;
        for (Server s : servers) {
            n += s.slotsInUse();
        }
        return n;
    }

    public BalanceSpec balance() {
        return balance;
    }

    /** Servers that may take new requests now. */
    public int serversUp() {
        Farm f = farm;
        return f.activeUp + f.backupUp;
    }

    /** The servers the balancer chooses among now, in declaration order. */
    public List<Server> candidates() {
        return List.of(farm.candidates);
    }

    /** Sessions waiting now, in the backend's queue and its servers' queues. */
    public int queued() {
        return totalQueued;
    }

    public int peakQueued() {
        return peakQueued;
    }

    /** Sessions that ever waited here. */
    public long queuedTotal() {
        return queuedTotal;
    }

    /** Nanoseconds the ended queue waits of this backend lasted, in total (readable from any thread, no lock). */
    public long queueWaitNanos() {
        return queueWaitNanos;
    }

    /** Queued sessions sent to another server because theirs went DOWN ({@code option redispatch}). */
    public long redispatched() {
        return readLocked(() -> redispatched);
    }

    /** Queued sessions refused because their server went DOWN, or no server was left. */
    public long refused() {
        return readLocked(() -> refused);
    }

    public boolean anyMaxconn() {
        return anyMaxconn;
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
