package dev.sluice.backend;

import dev.sluice.net.TlsClientContext;

import dev.sluice.util.IntrusiveList;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One origin server of a backend: its connection slots, its weight, and its
 * state.
 *
 * <p>{@code maxconn} slots are shared by every loop (the limit is per server),
 * so the slot count is atomic. Taking a slot is a compare-and-set; giving one
 * back goes through the {@link Backend}, which hands it to the oldest session
 * queued for it if there is one.
 *
 * <p>The state ({@link ServerState}) follows from the administrator's choices
 * ({@link #setMaintenance}, {@link #setDrain}, {@link #setWeight}) and from
 * the health check's verdicts. Every change goes through the backend's lock,
 * which rebuilds the backend's choice of servers and sees to the requests
 * queued for this server, and is counted here and reported to the backend's
 * {@link ServerStateListener}.
 *
 * <p>Thread-safe.
 */
public final class Server {
    /** HAProxy's largest {@code weight}. */
    public static final int MAX_WEIGHT = 256;
    /** HAProxy's default {@code weight}. */
    public static final int DEFAULT_WEIGHT = 1;

    private final String name;
    /** Its name's number, the same in every backend: what a stick table stores ({@code srvkey name}). */
    private final int nameNumber;
    /** Changed at run time ({@code set server addr}, DNS): each new connection reads it. */
    private volatile InetSocketAddress address;
    /** {@code send-proxy} (1) or {@code send-proxy-v2} (2): the PROXY header each new connection starts with; 0: none. */
    private volatile int sendProxy;
    /** An address without a port: connections go to the port the client connected to, plus {@link #portOffset}. */
    private volatile boolean portFromClient;
    private volatile int portOffset;
    /** The {@code cookie} value its backend's persistence cookie names it by, or null; set once, before traffic. */
    private volatile String cookie;
    private volatile byte[] cookieBytes;
    /** Changed at run time ({@code set maxconn server}) through the backend, which then serves its queues. */
    private volatile int maxconn;
    private final int maxqueue;
    private final int configuredWeight;
    private final ServerRole role;
    private final AtomicInteger slotsInUse = new AtomicInteger();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong connectErrors = new AtomicLong();
    private volatile int peakSlotsInUse;

    /** Set once, when the backend that owns the server is built. */
    private Backend backend;
    private int position = -1;

    // Guarded by the backend's lock; volatile so that the request path reads them without it.
    private volatile ServerState state;
    private volatile int weight;
    boolean maintenance;
    boolean drained;
    /** The health check's verdict: failed (DOWN) until it passes again. */
    boolean checkedDown;
    /** The health check asked for a drain ({@code disable-on-404}). */
    boolean checkStopping;
    /** DNS discovery has no address for it (HAProxy's RMAINT): in maintenance until one comes. */
    boolean unresolved;
    private final long[] entered = new long[ServerState.values().length];
    private volatile long lastChangeNanos = System.nanoTime();

    /** The sessions queued for this server alone (a hash chose it), oldest first: guarded by the backend's lock. */
    final IntrusiveList<SlotWaiter> waiting = new IntrusiveList<>();
    /** Their number, published for the lock-free fast path. */
    volatile int queued;

    /**
     * An active server of weight 1, UP.
     *
     * @param maxconn  slots, or 0 for no limit
     * @param maxqueue how many sessions may wait for this server, or 0 for no limit
     */
    public Server(String name, InetSocketAddress address, int maxconn, int maxqueue) {
        this(name, address, maxconn, maxqueue, DEFAULT_WEIGHT, ServerRole.ACTIVE, ServerState.UP);
    }

    /**
     * @param weight  {@code weight}, 0 to {@link #MAX_WEIGHT}; 0 starts the server drained
     * @param role    whether it is a {@code backup}
     * @param initial {@link ServerState#UP}, or {@link ServerState#MAINT} for a {@code disabled} server
     */
    public Server(String name, InetSocketAddress address, int maxconn, int maxqueue, int weight, ServerRole role,
                  ServerState initial) {
        if (maxconn < 0 || maxqueue < 0) {
            throw new IllegalArgumentException("maxconn and maxqueue must not be negative");
        }
        checkWeight(weight);
        if (initial != ServerState.UP && initial != ServerState.MAINT) {
            throw new IllegalArgumentException("a server starts UP or in MAINT, not " + initial);
        }
        this.name = name;
        this.nameNumber = dev.sluice.stick.ServerNames.number(name);
        this.address = address;
        this.maxconn = maxconn;
        this.maxqueue = maxqueue;
        this.configuredWeight = weight;
        this.weight = weight;
        this.role = role;
        this.maintenance = initial == ServerState.MAINT;
        this.state = derivedState();
    }

    /** Called once by the backend being built. */
    void attach(Backend owner, int index) {
        if (backend != null) {
            throw new IllegalStateException("server " + name + " already belongs to backend " + backend.name());
        }
        backend = owner;
        position = index;
    }

    /** The state the flags give, in HAProxy's order of precedence. Called under the backend's lock. */
    ServerState derivedState() {
        if (maintenance || unresolved) {
            return ServerState.MAINT;
        }
        if (checkedDown) {
            return ServerState.DOWN;
        }
        if (drained || checkStopping || weight == 0) {
            return ServerState.DRAIN;
        }
        return ServerState.UP;
    }

    /** Records a new state (under the backend's lock); returns the previous one. */
    ServerState enter(ServerState next, long nowNanos) {
        ServerState previous = state;
        state = next;
        entered[next.ordinal()]++;
        lastChangeNanos = nowNanos;
        return previous;
    }

    void weightNow(int w) {
        weight = w;
    }

    void maxconnNow(int n) {
        maxconn = n;
    }

    /** Takes a slot if one is free. */
    boolean tryTakeSlot() {
        while (true) {
            int n = slotsInUse.get();
            if (maxconn > 0 && n >= maxconn) {
                return false;
            }
            if (slotsInUse.compareAndSet(n, n + 1)) {
                if (n + 1 > peakSlotsInUse) {
                    peakSlotsInUse = n + 1;
                }
                sessions.incrementAndGet();
                return true;
            }
        }
    }

    /** Whether a new request would have to wait for this server: its slots are taken, or others already wait. */
    boolean isFull() {
        return queued > 0 || maxconn > 0 && slotsInUse.get() >= maxconn;
    }

    /** Returns a slot to the free count (when no queued session takes it over). */
    void freeSlot() {
        int n = slotsInUse.decrementAndGet();
        if (n < 0) {
            throw new IllegalStateException("server " + name + " released more slots than it gave");
        }
    }

    /** A slot moves from one session to a queued one without ever being free. */
    void slotTransferred() {
        sessions.incrementAndGet();
    }

    // ---- administration (any thread) ----

    /** Puts the server in maintenance (no traffic, no checks) or takes it out; out, a checked server is DOWN until its checks pass. */
    public void setMaintenance(boolean on) {
        backend().administer(this, on ? Backend.Admin.MAINT_ON : Backend.Admin.MAINT_OFF, 0);
    }

    /** Drains the server (no new requests, queued and persistent ones still served) or ends the drain. */
    public void setDrain(boolean on) {
        backend().administer(this, on ? Backend.Admin.DRAIN_ON : Backend.Admin.DRAIN_OFF, 0);
    }

    /** Sets the weight, 0 to {@link #MAX_WEIGHT}; 0 drains the server. Static algorithms keep using the configured weight. */
    public void setWeight(int w) {
        checkWeight(w);
        backend().administer(this, Backend.Admin.WEIGHT, w);
    }

    /**
     * Sends new connections to another address ({@code set server addr}, a DNS
     * answer). Connections open to the old one finish there; the caller drops
     * the idle ones, which the loops own.
     */
    public void setAddress(InetSocketAddress to) {
        address = to;
    }

    /**
     * How connections to this server open, set once before the server serves:
     * the PROXY protocol version each new connection sends first (0: none, 1:
     * {@code send-proxy}, 2: {@code send-proxy-v2}), and whether its port is the
     * one the client connected to, shifted by {@code offset} ({@code ADDR},
     * {@code ADDR:+N}, {@code ADDR:-N}).
     */
    public void connectAs(int proxyVersion, boolean portOfClient, int offset) {
        if (proxyVersion < 0 || proxyVersion > 2) {
            throw new IllegalArgumentException("PROXY protocol version 0, 1 or 2: " + proxyVersion);
        }
        sendProxy = proxyVersion;
        portFromClient = portOfClient;
        portOffset = portOfClient ? offset : 0;
    }

    /** The server's {@code cookie} value, by which a persistence cookie names it; null for none. */
    public void cookie(String value) {
        cookie = value;
        cookieBytes = value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The {@code cookie} value, or null. */
    public String cookie() {
        return cookie;
    }

    /** Whether its cookie value is the bytes {@code [from, to)} of {@code b}. */
    boolean cookieIs(dev.sluice.buffer.Buffer b, int from, int to) {
        byte[] mine = cookieBytes;
        return mine != null && b.holdsAt(from, to, mine);
    }

    /** The PROXY protocol version new connections send first; 0: none. */
    public int sendProxy() {
        return sendProxy;
    }

    /**
     * Whether a connection to this server belongs to the session that opened
     * it: its PROXY header names that session's client, or its port is that
     * client's. Such a connection is never parked for another session (HAProxy
     * reuses a connection only for a request with the same PROXY header and
     * destination); the session may keep it for its own next request.
     */
    public boolean privateConnections() {
        return sendProxy != 0 || portFromClient
                || tls != null && (tls.sni() == TlsClientContext.Sni.HOST || tls.sni() == TlsClientContext.Sni.CLIENT);
    }

    private volatile TlsClientContext tls;
    private volatile TlsClientContext checkTls;

    /**
     * Connections to this server speak TLS through {@code traffic} ({@code
     * ssl}), and its health checks through {@code checks} ({@code ssl} or
     * {@code check-ssl}); null for the clear. Set once, before any session.
     */
    public void originateTls(TlsClientContext traffic, TlsClientContext checks) {
        this.tls = traffic;
        this.checkTls = checks;
    }

    /** The TLS of the server's connections, or null when they are in the clear. */
    public TlsClientContext tls() {
        return tls;
    }

    /** The TLS of the server's health checks, or null when they are in the clear. */
    public TlsClientContext checkTls() {
        return checkTls;
    }

    /**
     * Where a connection for a client that connected to {@code clientPort} goes:
     * the server's address, with that port (shifted) when the server has none
     * of its own. A port shifted out of 1..65535 is given as 0, to which a
     * connection fails.
     */
    public InetSocketAddress addressFor(int clientPort) {
        InetSocketAddress a = address;
        if (!portFromClient) {
            return a;
        }
        int port = clientPort + portOffset;
        return new InetSocketAddress(a.getAddress(), port < 1 || port > 65535 ? 0 : port);
    }

    /**
     * Sets {@code maxconn} (0: no limit). Slots in use above a lowered limit are
     * kept until they are given back; a raised one serves the queues at once.
     */
    public void setMaxconn(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxconn must not be negative, got " + n);
        }
        backend().administer(this, Backend.Admin.MAXCONN, n);
    }

    private Backend backend() {
        if (backend == null) {
            throw new IllegalStateException("server " + name + " belongs to no backend");
        }
        return backend;
    }

    private static void checkWeight(int w) {
        if (w < 0 || w > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be in [0, " + MAX_WEIGHT + "], got " + w);
        }
    }

    // ---- reading ----

    public String name() {
        return name;
    }

    /** Its name's {@link dev.sluice.stick.ServerNames#number}: how a stick table's entry names it. */
    public int nameNumber() {
        return nameNumber;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int maxconn() {
        return maxconn;
    }

    public int maxqueue() {
        return maxqueue;
    }

    public boolean hasMaxconn() {
        return maxconn > 0;
    }

    public ServerRole role() {
        return role;
    }

    public ServerState state() {
        return state;
    }

    /** In maintenance by the administrator's choice (not a health check's). */
    public boolean inMaintenance() {
        return maintenance;
    }

    /** Without an address from DNS discovery: in maintenance until the resolver gives one. */
    public boolean unresolved() {
        return unresolved;
    }

    /**
     * DNS discovery found an address for the server ({@code true}: it leaves
     * the maintenance the lack of one put it in) or lost it ({@code false}).
     */
    public void setResolved(boolean resolved) {
        backend().administer(this, resolved ? Backend.Admin.RESOLVED : Backend.Admin.UNRESOLVED, 0);
    }

    /** Drained by the administrator's choice (not a weight of 0 or a check's 404). */
    public boolean drained() {
        return drained;
    }

    /** Whether the balancer may choose it for a new request: UP (which implies a weight above 0). */
    public boolean takesNewRequests() {
        return state == ServerState.UP;
    }

    public int weight() {
        return weight;
    }

    public int configuredWeight() {
        return configuredWeight;
    }

    /** Position in its backend, from 0 (HAProxy's server id minus one); -1 before it belongs to one. */
    public int position() {
        return position;
    }

    /** The backend it belongs to, or {@code null}. */
    public Backend owner() {
        return backend;
    }

    /** How many times the server entered {@code s} (its initial state not counted). */
    public long timesEntered(ServerState s) {
        Backend b = backend;
        if (b == null) {
            return entered[s.ordinal()];
        }
        return b.readLocked(() -> entered[s.ordinal()]);
    }

    /** Every state change, in total. */
    public long stateChanges() {
        long n = 0;
        for (ServerState s : ServerState.values()) {
            n += timesEntered(s);
        }
        return n;
    }

    /** {@link System#nanoTime()} (or the loop clock of the change) at the last state change, or at creation. */
    public long lastChangeNanos() {
        return lastChangeNanos;
    }

    public int slotsInUse() {
        return slotsInUse.get();
    }

    public int peakSlotsInUse() {
        return peakSlotsInUse;
    }

    /** Sessions waiting for this server alone (sent here by a hash). */
    public int queued() {
        return queued;
    }

    /** Sessions that were given a slot on this server, in total. */
    public long sessions() {
        return sessions.get();
    }

    public long connectErrors() {
        return connectErrors.get();
    }

    public void countConnectError() {
        connectErrors.incrementAndGet();
    }

    @Override
    public String toString() {
        return name + "(" + address + ")";
    }
}
