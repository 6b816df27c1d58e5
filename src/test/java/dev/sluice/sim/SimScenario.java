package dev.sluice.sim;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.HealthChecks;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerCheckSpec;
import dev.sluice.backend.ServerStateListener;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.HttpRules;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.HttpFrontend;
import dev.sluice.session.HttpRouting;
import dev.sluice.session.HttpSession;
import dev.sluice.session.HttpTimeouts;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionSet;
import dev.sluice.session.SessionTimeouts;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.TcpSession;
import dev.sluice.net.Connection;
import dev.sluice.net.TlsRecordArena;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * A workload, described fluently and run from a seed: the loops and their
 * pools, the backends and their servers, the clients and how they behave, the
 * network's shape and the timeouts. {@link #run(long)} builds a fresh
 * {@link SimWorld}, drives the real {@link TcpSession} and {@link HttpSession}
 * code through it and returns a {@link SimRun} to check.
 *
 * <p>{@link #tcp()} clients each send one upload and read one response.
 * {@link #http()} clients each send several requests on one keep-alive
 * connection (one at a time or pipelined; bodies by Content-Length or chunked;
 * upload and download sizes from the same ranges) to a backend of HTTP servers;
 * with {@link #tcpShare(double)} part of the clients are TCP clients of a second
 * backend ({@link #tcpServer(int)}), on the same loops and pools.
 *
 * <pre>{@code
 * SimRun run = SimScenario.tcp().pool(3, 1).bufsize(1024)
 *         .server(1).clients(1000).upload(3000, 5000).download(3000, 5000)
 *         .run(seed);
 * run.assertCompletedCleanly();
 * }</pre>
 */
final class SimScenario {
    private enum Health { ALIVE, DEAD, SILENT }

    private record ServerSpec(int maxconn, int maxqueue, Health health, double stallChance, double resetChance,
                              boolean tcp, double closeChance, long dieAtNanos, long idleCloseNanos, long reviveAtNanos) {
        ServerSpec(int maxconn, int maxqueue, Health health, double stallChance, double resetChance) {
            this(maxconn, maxqueue, health, stallChance, resetChance, false, 0, -1, 0, -1);
        }

        ServerSpec(int maxconn, int maxqueue, Health health, double stallChance, double resetChance, boolean tcp,
                   double closeChance, long dieAtNanos, long idleCloseNanos) {
            this(maxconn, maxqueue, health, stallChance, resetChance, tcp, closeChance, dieAtNanos, idleCloseNanos, -1);
        }
    }

    private final boolean http;
    private int requestsMin = 1;
    private int requestsMax = 1;
    private int maxDepth = 1;
    private double getChance;
    private double chunkedChance;
    private final double[] endingWeights = {1, 1, 1};
    private final double[] httpBehaviorWeights = {1, 0, 0, 0, 0, 0};
    private HttpTimeouts httpTimeouts = new HttpTimeouts(0, 0);
    private double tunnelChance;
    private int tunnelMin = 1;
    private int tunnelMax = 1;
    private boolean reuse = true;
    private int maxRewrite = 256;
    private HttpRules frontendRules = HttpRules.NONE;
    /** Cookie persistence on the HTTP backend: its options, or null for none. */
    private dev.sluice.http.PersistCookie.Options persistence;
    /** Stick-table persistence on the HTTP backend ({@code stick on req.cook(SRV)}): see {@link #stickPersistence}. */
    private boolean stick;
    private boolean httpClose;
    private double tcpShare;

    private int loops = 1;
    private List<dev.sluice.log.LogTarget> logTargets = List.of();
    private int poolSize = 3;
    private int reserve = 1;
    private int bufsize = 1024;
    private final List<ServerSpec> servers = new ArrayList<>();
    private SimServer.Mode mode = SimServer.Mode.DOWNLOAD;
    private int clients = 100;
    private int uploadMin = 2048;
    private int uploadMax = 4096;
    private int downloadMin = 2048;
    private int downloadMax = 4096;
    private long arrivalWindowNanos = 50_000_000L;
    private long arrivalStartNanos;
    private final double[] behaviorWeights = {1, 0, 0, 0};
    private long slowPauseNanos = 2_000_000L;
    /** The longest an HTTP client waits after a response before it sends its next request (0: at once). */
    private long thinkNanos;
    private SessionTimeouts timeouts = new SessionTimeouts(0, 0, 0, 0);
    private long minLatencyNanos = 20_000L;
    private long maxLatencyNanos = 500_000L;
    private long bytesPerMilli = 100_000L;
    private int segmentMax = 512;
    private int minWindow = 512;
    private int maxWindow = 2048;
    private long stallNanos = 30_000_000_000L;
    private long limitNanos = 3_600_000_000_000L;
    private HealthCheckSpec checkSpec;
    private ServerCheckSpec checkOptions;
    private long checksUntilNanos;
    private BalanceSpec balance = BalanceSpec.ROUNDROBIN;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private int sendProxy;
    /** TLS between the clients and Sluice, or null for plain TCP (see {@link #tls}). */
    private TlsSpec tls;
    /** Sluice speaks TLS to the servers too (see {@link #tlsToServers}). */
    private boolean serverTls;
    /** SNI routing without termination (see {@link #sniRouting}): server i's name, or null. */
    private List<String> sniNames;
    private long inspectDelayNanos;
    /** Watchers: what each asks for, and when (see {@link #watch}). */
    private final List<String> watchTargets = new ArrayList<>();
    private final List<Long> watchTimes = new ArrayList<>();

    private SimScenario(boolean http) {
        this.http = http;
    }

    /**
     * An operator asks for {@code target} ({@code /metrics} for the exporter,
     * {@code /stats} for the stats page) at {@code atNanos}, on a frontend
     * that serves itself from each loop's applet arena.
     */
    SimScenario watch(String target, long atNanos) {
        watchTargets.add(target);
        watchTimes.add(atNanos);
        return this;
    }

    static SimScenario tcp() {
        return new SimScenario(false);
    }

    static SimScenario http() {
        return new SimScenario(true);
    }

    /** HTTP: requests per client connection, drawn uniformly. */
    SimScenario requests(int min, int max) {
        this.requestsMin = min;
        this.requestsMax = Math.max(max, min);
        return this;
    }

    /** HTTP: a client sends up to this many requests ahead of its responses (drawn from 1 to it; 1 is no pipelining). */
    /**
     * HTTP clients wait up to {@code ms} (drawn per response) after each
     * response before they send their next request: long pauses let idle
     * sessions park between their exchanges.
     */
    SimScenario thinkMillis(long ms) {
        this.thinkNanos = ms * 1_000_000L;
        return this;
    }

    SimScenario pipelining(int depth) {
        this.maxDepth = depth;
        return this;
    }

    /** HTTP: chance that a request is a GET without a body, and that a body (either way) is chunked. */
    SimScenario bodies(double getChance, double chunkedChance) {
        this.getChance = getChance;
        this.chunkedChance = chunkedChance;
        return this;
    }

    /** HTTP: relative weights of how a connection ends: the client closes, it half-closes after its last request, its last request says close. */
    SimScenario endings(double clientCloses, double halfClose, double connectionClose) {
        endingWeights[0] = clientCloses;
        endingWeights[1] = halfClose;
        endingWeights[2] = connectionClose;
        return this;
    }

    /** HTTP: relative weights of client behaviours, in {@link SimHttpClient.Behavior}'s order. */
    SimScenario httpBehaviors(double fast, double slow, double vanish, double idle, double malformed, double linger) {
        double[] w = {fast, slow, vanish, idle, malformed, linger};
        System.arraycopy(w, 0, httpBehaviorWeights, 0, w.length);
        return this;
    }

    /**
     * HTTP: a share of the clients switch protocols (an upgrade answered 101)
     * and relay a payload of {@code min} to {@code max} bytes through the tunnel.
     */
    SimScenario tunnels(double chance, int min, int max) {
        this.tunnelChance = chance;
        this.tunnelMin = min;
        this.tunnelMax = Math.max(min, max);
        return this;
    }

    /** HTTP: {@code timeout http-request} and {@code timeout http-keep-alive}. */
    SimScenario httpTimeouts(HttpTimeouts t) {
        this.httpTimeouts = t;
        return this;
    }

    /** HTTP: whether idle server connections are reused ({@code http-reuse safe}). */
    SimScenario reuse(boolean on) {
        this.reuse = on;
        return this;
    }

    /** HTTP: the share of clients that are TCP clients of the TCP backend instead. */
    SimScenario tcpShare(double share) {
        this.tcpShare = share;
        return this;
    }

    /** HTTP: adds a live HTTP server with these chances, per request, to stall, to reset mid-response, to close after the response. */
    SimScenario httpServer(int maxconn, double stallChance, double resetChance, double closeChance) {
        servers.add(new ServerSpec(maxconn, 0, Health.ALIVE, stallChance, resetChance, false, closeChance, -1, 0));
        return this;
    }

    /** Adds a live server that dies (resets its connections, refuses new ones) at this virtual time. */
    SimScenario serverDyingAtMillis(int maxconn, long ms) {
        servers.add(new ServerSpec(maxconn, 0, Health.ALIVE, 0, 0, false, 0, ms * 1_000_000L, 0));
        return this;
    }

    /** Adds a server that dies at {@code fromMs} (resets its connections, refuses new ones) and accepts again from {@code toMs}. */
    SimScenario serverDownBetweenMillis(int maxconn, long fromMs, long toMs) {
        servers.add(new ServerSpec(maxconn, 0, Health.ALIVE, 0, 0, false, 0, fromMs * 1_000_000L, 0, toMs * 1_000_000L));
        return this;
    }

    /**
     * Checks every server with this script and these options, on the loops,
     * through connections that do not count as progress; they run until every
     * client finished and at least until {@link #checksUntilMillis}.
     */
    SimScenario healthChecks(HealthCheckSpec spec, ServerCheckSpec options) {
        this.checkSpec = spec;
        this.checkOptions = options;
        return this;
    }

    /** Health checks go on at least until this virtual time, clients or not. */
    SimScenario checksUntilMillis(long ms) {
        this.checksUntilNanos = ms * 1_000_000L;
        return this;
    }

    /** How the backends choose their servers. */
    SimScenario balance(BalanceSpec spec) {
        this.balance = spec;
        return this;
    }

    /**
     * What the clients' TLS asks of the handshake, and the record arena of each loop.
     *
     * @param tls12Share the share of clients that speak TLS 1.2 (two round trips)
     * @param retryShare the share of TLS 1.3 clients whose first key share the listener does not take
     *     (a HelloRetryRequest: two round trips)
     * @param arenaBuffers record buffers per loop; 0 for as many as the client pool, as Sluice carves them
     */
    record TlsSpec(double tls12Share, double retryShare, int arenaBuffers) {
    }

    /**
     * The clients speak TLS to Sluice, each through its own {@link
     * SimTlsRelay}; Sluice's ends are {@link dev.sluice.net.TlsConnection}s
     * over the drawn links, with the listener's groups x25519 and P-256.
     */
    SimScenario tls(TlsSpec spec) {
        this.tls = spec;
        return this;
    }

    /**
     * Sluice speaks TLS to every server ({@code server ... ssl verify required
     * sni str(localhost)}), each behind a {@link SimTlsRelay} of its own with a
     * server engine; with {@link #tls} too, sessions hold TLS on both sides and
     * the arena is a deep one (docs/design.md, TLS).
     */
    SimScenario tlsToServers() {
        this.serverTls = true;
        return this;
    }

    /**
     * SNI routing in mode tcp, TLS passed through: server {@code i} is the
     * one server of a backend of its own, chosen by {@code use_backend} when
     * the ClientHello names {@code names[i]} ({@code req.ssl_sni}); the
     * frontend waits for the hello ({@code tcp-request inspect-delay},
     * {@code tcp-request content accept if { req.ssl_hello_type 1 }}, then
     * {@code reject}). Client {@code id} sends a real ClientHello naming
     * {@code names[id % n]} ahead of its upload; the servers echo.
     */
    SimScenario sniRouting(long inspectDelayMillis, String... names) {
        this.sniNames = List.of(names);
        this.inspectDelayNanos = inspectDelayMillis * 1_000_000L;
        this.mode = SimServer.Mode.ECHO;
        return this;
    }

    /** The name client {@code id}'s ClientHello asks for under {@link #sniRouting}. */
    String sniOf(int id) {
        return sniNames.get(id % sniNames.size());
    }

    /** The frontend of {@link #sniRouting}: each name's backend, the hello awaited, anything else refused. */
    private TcpFrontend sniFrontend(List<Backend> byServer, ConnectionLimit limit) {
        dev.sluice.http.Acl isHello = dev.sluice.http.Acl.compile(dev.sluice.http.Fetch.REQ_SSL_HELLO_TYPE, null,
                dev.sluice.http.AclMatch.INT, false, List.of("1"));
        dev.sluice.http.TcpRequestRules rules = dev.sluice.http.TcpRequestRules.builder()
                .rule(dev.sluice.http.TcpRequestRules.Phase.CONTENT, true,
                        new dev.sluice.http.Condition.Builder().term(false, List.of(isHello)).build(false))
                .rule(dev.sluice.http.TcpRequestRules.Phase.CONTENT, false, dev.sluice.http.Condition.always())
                .build();
        HttpRules.Builder routing = HttpRules.builder();
        Map<Backend, TcpFrontend.BackendPolicy> policies = new HashMap<>();
        for (int i = 0; i < byServer.size(); i++) {
            dev.sluice.http.Acl named = dev.sluice.http.Acl.compile(dev.sluice.http.Fetch.REQ_SSL_SNI, null,
                    dev.sluice.http.AclMatch.STR, true, List.of(sniNames.get(i)));
            routing.useBackend(byServer.get(i).name(), new dev.sluice.http.Condition.Builder()
                    .term(false, List.of(named)).build(false));
            policies.put(byServer.get(i), new TcpFrontend.BackendPolicy(timeouts, false));
        }
        return new TcpFrontend("tcp", HttpRouting.of(routing.build(), byServer.toArray(new Backend[0])), rules,
                policies, limit).withInspectDelay(inspectDelayNanos);
    }

    /** Every server's connections start with a PROXY header of this version ({@code send-proxy}: 1, {@code -v2}: 2). */
    SimScenario sendProxy(int version) {
        this.sendProxy = version;
        return this;
    }

    /** The backends' retries and redispatch. */
    SimScenario retry(RetryPolicy policy) {
        this.retry = policy;
        return this;
    }

    /** HTTP: adds a live HTTP server that closes a keep-alive connection idle for this many microseconds after a response. */
    SimScenario httpServerClosingIdleAfterMicros(int maxconn, long micros) {
        servers.add(new ServerSpec(maxconn, 0, Health.ALIVE, 0, 0, false, 0, -1, micros * 1_000L));
        return this;
    }

    /** Mixed load: adds a TCP server ({@link #mode(SimServer.Mode)}) to the TCP backend. */
    SimScenario tcpServer(int maxconn) {
        servers.add(new ServerSpec(maxconn, 0, Health.ALIVE, 0, 0, true, 0, -1, 0));
        return this;
    }

    /**
     * The frontends log every exchange ({@code option httplog} for HTTP, {@code
     * option tcplog} for TCP) to {@code targets}, through a real {@link
     * dev.sluice.log.Logging} whose writer thread runs beside the simulated world;
     * the run's {@link SimRun#logging} must be closed by the test.
     */
    SimScenario logging(List<dev.sluice.log.LogTarget> targets) {
        this.logTargets = List.copyOf(targets);
        return this;
    }

    SimScenario loops(int n) {
        this.loops = n;
        return this;
    }

    /** Buffers per loop, and how many of them only critical allocations may take. */
    SimScenario pool(int size, int reserveBuffers) {
        this.poolSize = size;
        this.reserve = reserveBuffers;
        return this;
    }

    SimScenario bufsize(int bytes) {
        this.bufsize = bytes;
        return this;
    }

    /** Adds a live, well-behaved server with this {@code maxconn} (0: none) and no queue bound. */
    SimScenario server(int maxconn) {
        return server(maxconn, 0, 0, 0);
    }

    /** Adds a live server whose connections stall, or reset mid-response, with these chances. */
    SimScenario server(int maxconn, int maxqueue, double stallChance, double resetChance) {
        servers.add(new ServerSpec(maxconn, maxqueue, Health.ALIVE, stallChance, resetChance));
        return this;
    }

    /** Adds a server in the backend that refuses every connection. */
    SimScenario deadServer(int maxconn) {
        servers.add(new ServerSpec(maxconn, 0, Health.DEAD, 0, 0));
        return this;
    }

    /** Adds a server in the backend that never answers a connect. */
    SimScenario silentServer(int maxconn) {
        servers.add(new ServerSpec(maxconn, 0, Health.SILENT, 0, 0));
        return this;
    }

    SimScenario mode(SimServer.Mode m) {
        this.mode = m;
        return this;
    }

    SimScenario clients(int n) {
        this.clients = n;
        return this;
    }

    /** Upload sizes, drawn uniformly per client. */
    SimScenario upload(int min, int max) {
        this.uploadMin = Math.max(min, Payload.HEADER);
        this.uploadMax = Math.max(max, uploadMin);
        return this;
    }

    /** Response sizes (DOWNLOAD mode), drawn from each upload's hash. */
    SimScenario download(int min, int max) {
        this.downloadMin = min;
        this.downloadMax = Math.max(max, min);
        return this;
    }

    /** Clients arrive uniformly within this many milliseconds from the start. */
    SimScenario arrivalsWithinMillis(long ms) {
        this.arrivalWindowNanos = Math.max(1, ms * 1_000_000L);
        return this;
    }

    /** Clients arrive uniformly between these two virtual times, in milliseconds. */
    SimScenario arrivalsBetweenMillis(long fromMs, long toMs) {
        this.arrivalStartNanos = fromMs * 1_000_000L;
        this.arrivalWindowNanos = Math.max(1, (toMs - fromMs) * 1_000_000L);
        return this;
    }

    /** Relative weights of client behaviours: fast, slow, vanish, idle. */
    SimScenario behaviors(double fast, double slow, double vanish, double idle) {
        behaviorWeights[0] = fast;
        behaviorWeights[1] = slow;
        behaviorWeights[2] = vanish;
        behaviorWeights[3] = idle;
        return this;
    }

    SimScenario timeouts(SessionTimeouts t) {
        this.timeouts = t;
        return this;
    }

    /** One-way latency range per connection, in microseconds. */
    SimScenario latencyMicros(long min, long max) {
        this.minLatencyNanos = min * 1_000L;
        this.maxLatencyNanos = Math.max(max, min) * 1_000L;
        return this;
    }

    /** Send window range per connection, in bytes. */
    SimScenario window(int min, int max) {
        this.minWindow = min;
        this.maxWindow = Math.max(max, min);
        return this;
    }

    SimScenario segmentMax(int bytes) {
        this.segmentMax = bytes;
        return this;
    }

    /** Virtual time without progress, while work is pending, after which the run is declared deadlocked. */
    SimScenario stallAfterMillis(long ms) {
        this.stallNanos = ms * 1_000_000L;
        return this;
    }

    /**
     * Cookie persistence ({@code cookie SRV ...}) on the HTTP backend: server
     * {@code i} is named {@code server<i>}, and client {@code c} brings the
     * cookie {@code SRV=server<c mod servers>} on each request.
     */
    SimScenario persistence(dev.sluice.http.PersistCookie.Options options) {
        persistence = options;
        return this;
    }

    /**
     * Server persistence by stick table on the HTTP backend: {@code stick on
     * req.cook(SRV)} in a string table whose entry {@code server<i>} names
     * server {@code i} before the run starts; clients bring the cookies of
     * {@link #persistence}, so each request goes to the server its key's entry
     * names, and stores it there again once that server answers.
     */
    SimScenario stickPersistence() {
        stick = true;
        return this;
    }

    /** The HTTP frontend's request rules, and whether it closes every connection after its response. */
    SimScenario frontendRules(HttpRules rules, boolean close) {
        frontendRules = rules;
        httpClose = close;
        return this;
    }

    /** The servers' client contexts, given the loops' arenas once they exist. */
    private final List<dev.sluice.net.TlsClientContext> run0Origins = new ArrayList<>();

    SimRun run(long seed) {
        run0Origins.clear();
        SimWorld world = new SimWorld(seed);
        SplittableRandom random = world.random();
        List<Server> tcpServers = new ArrayList<>();
        List<Server> httpServers = new ArrayList<>();
        Map<InetSocketAddress, SimServer> simServers = new HashMap<>();
        List<SimServer> serverList = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            ServerSpec spec = servers.get(i);
            boolean speaksHttp = http && !spec.tcp();
            InetSocketAddress address = InetSocketAddress.createUnresolved("server" + i, 80);
            Server server = new Server("server" + i, address, spec.maxconn(), spec.maxqueue());
            if (persistence != null) {
                server.cookie("server" + i);
            }
            server.connectAs(sendProxy, false, 0);
            if (serverTls) {
                dev.sluice.net.TlsClientContext origin = SimTls.shared().origin();
                server.originateTls(origin, null);
                run0Origins.add(origin);
            }
            (speaksHttp ? httpServers : tcpServers).add(server);
            SimServer s = new SimServer(world, address, speaksHttp ? SimServer.Mode.HTTP : mode, downloadMin, downloadMax,
                    spec.stallChance(), spec.resetChance()).closeChance(spec.closeChance()).idleClose(spec.idleCloseNanos())
                    .helloFirst(sniNames != null);
            if (spec.health() == Health.DEAD) {
                s.kill();
            } else if (spec.health() == Health.SILENT) {
                s.silence();
            }
            if (spec.dieAtNanos() >= 0) {
                s.dieAt(spec.dieAtNanos());
            }
            if (spec.reviveAtNanos() >= 0) {
                s.reviveAt(spec.reviveAtNanos());
            }
            simServers.put(address, s);
            serverList.add(s);
        }
        List<Backend> backends = new ArrayList<>();
        List<SimRun.StateChange> changes = new ArrayList<>();
        ServerStateListener listener = change -> changes.add(new SimRun.StateChange(world.now(), change));
        Backend tcpBackend = tcpServers.isEmpty() || sniNames != null ? null
                : new Backend("tcp", tcpServers, balance, retry, listener, world::now);
        Backend httpBackend = httpServers.isEmpty() ? null
                : new Backend("http", httpServers, balance, retry, listener, world::now);
        if (tcpBackend != null) {
            backends.add(tcpBackend);
        }
        SimRun run = new SimRun(world, backends, serverList, clients);
        run.persistentRequests = new long[servers.size()];
        run.stateChanges = changes;
        // One process: both frontends count against the same process limit.
        ConnectionLimit process = new ConnectionLimit("process", 0);
        if (!tcpServers.isEmpty() && sniNames != null) {
            List<Backend> byServer = new ArrayList<>();
            for (Server s : tcpServers) {
                byServer.add(new Backend("sni-" + s.name(), List.of(s), balance, retry, listener, world::now));
            }
            backends.addAll(byServer);
            run.frontend = sniFrontend(byServer, new ConnectionLimit("tcp", 0, process));
        } else if (tcpBackend != null) {
            run.frontend = new TcpFrontend("tcp", tcpBackend, timeouts, new ConnectionLimit("tcp", 0, process));
        }
        if (httpBackend != null) {
            backends.add(httpBackend);
            HttpRules backendRules = HttpRules.NONE;
            if (persistence != null) {
                backendRules = HttpRules.builder().persistCookie(dev.sluice.http.PersistCookie.compile("SRV",
                        persistence, httpServers.stream().map(Server::cookie).toList())).build();
            } else if (stick) {
                backendRules = HttpRules.builder().stickRules(dev.sluice.http.StickRules.of(List.of(
                        dev.sluice.http.StickRule.of(dev.sluice.http.StickRule.Kind.ON,
                                dev.sluice.http.StickRule.Source.COOKIE, "SRV", "sim", null)))).build();
                run.stickTable = stickTable(world, httpServers);
            }
            run.httpFrontend = new HttpFrontend("http", HttpRouting.to(httpBackend), frontendRules, timeouts.client(), httpTimeouts,
                    Map.of(httpBackend, new HttpFrontend.BackendPolicy(timeouts, reuse, false, false, backendRules)),
                    HttpLimits.forBuffer(bufsize, maxRewrite), false, httpClose, new ConnectionLimit("http", 0, process));
            if (run.stickTable != null) {
                dev.sluice.stick.StickTable table = run.stickTable;
                run.httpFrontend = run.httpFrontend.withStickTables(name -> name.equals("sim") ? table : null);
            }
        }
        if (tls != null) {
            run.tlsContext = SimTls.shared().listener(http ? List.of("http/1.1") : List.of(),
                    List.of("x25519", "secp256r1"));
        }
        for (int l = 0; l < loops; l++) {
            SimLoop loop = world.addLoop(poolSize, bufsize, reserve);
            if (tls != null || serverTls) {
                int depth = tls != null && serverTls ? 3 : 1;
                int buffers = tls != null && tls.arenaBuffers() > 0 ? tls.arenaBuffers()
                        : Math.max(TlsRecordArena.reserve(depth) + 2, poolSize);
                run.tlsArenas.add(new TlsRecordArena(loop.pool(), buffers, TlsRecordArena.packetSize(), depth, world::now));
            }
            run.sessionSets.add(new SessionSet());
            run.sessionCounters.add(new SessionCounters());
            SimConnector connector = new SimConnector(world, loop, simServers, () -> drawLink(random));
            if (serverTls) {
                connector.serversSpeakTls(far -> {
                    SimTlsRelay relay = new SimTlsRelay(world, far.toString(), SimTls.shared().server(), far, null);
                    run.serverRelays.add(relay);
                    relay.start();
                    return relay.clientEnd();
                });
            }
            run.connectors.add(connector);
            run.idle.add(new IdleServerConnections(loop, 4));
            run.checkConnectors.add(new SimConnector(world, loop, simServers, () -> drawLink(random), true));
        }
        for (dev.sluice.net.TlsClientContext origin : run0Origins) {
            origin.arenas(run.tlsArenas.toArray(new TlsRecordArena[0]));
        }
        if (!logTargets.isEmpty()) {
            startLogging(run);
        }
        if (!watchTimes.isEmpty()) {
            SimWatching.start(run, watchTargets, watchTimes, HttpLimits.forBuffer(bufsize, maxRewrite), bufsize);
        }
        if (checkSpec != null) {
            List<HealthChecks.Planned> planned = new ArrayList<>();
            for (Backend b : backends) {
                for (Server s : b.servers()) {
                    planned.add(new HealthChecks.Planned(s, checkSpec, checkOptions));
                }
            }
            run.checks = HealthChecks.create(planned, world.loops(), run.checkConnectors, bufsize, 0);
            run.checks.start();
            run.checksUntil = checksUntilNanos;
            world.at(checksUntilNanos, run::stopChecksIfDone);
        }
        for (int i = 0; i < clients; i++) {
            if (http && !(tcpShare > 0 && random.nextDouble() < tcpShare)) {
                startHttpClient(run, i, random);
            } else {
                startClient(run, i, random);
            }
        }
        SimWorld.Ending ending = world.run(() -> run.finishedClients == clients, stallNanos, limitNanos);
        run.ending(ending);
        return run;
    }

    /**
     * The client's connection to Sluice, made at its arrival: a plain pair,
     * or one whose client end is a {@link SimTlsRelay}'s (the relay's engine
     * drawn from {@code engine}). Returns Sluice's end and the client's.
     */
    private SimConnection[] connect(SimRun run, int id, SimLink link, SimLoop loop, SimPeer client, SSLEngine engine) {
        SimConnection[] pair = SimConnection.pair(run.world, "client" + id, link, loop, client);
        if (engine == null) {
            return pair;
        }
        pair[0].carriesTls();
        SimTlsRelay relay = new SimTlsRelay(run.world, "client" + id, engine, pair[1], client);
        run.relays.add(relay);
        relay.start();
        return new SimConnection[] {pair[0], relay.clientEnd()};
    }

    /** The client's TLS engine, drawn from the scenario's shares; null without TLS. */
    private SSLEngine drawEngine(SplittableRandom random, int id) {
        if (tls == null) {
            return null;
        }
        boolean twelve = random.nextDouble() < tls.tls12Share();
        boolean retry = !twelve && random.nextDouble() < tls.retryShare();
        return SimTls.shared().client(id, twelve ? "TLSv1.2" : "TLSv1.3", retry ? List.of("secp384r1", "secp256r1") : null,
                http ? List.of("http/1.1") : List.of());
    }

    /** Sluice's end as its session sees it: the end itself, or TLS over it on the loop's arena, as a listener accepts it. */
    private Connection accepted(SimRun run, int loopIndex, SimLoop loop, SimConnection end) {
        if (run.tlsContext == null) {
            return end;
        }
        try {
            return run.tlsContext.accept(end, loop, run.tlsArenas.get(loopIndex));
        } catch (SSLException e) {
            throw new SimFailure("the listener refused an engine: " + e);
        }
    }

    private SimLink drawLink(SplittableRandom random) {
        return SimLink.draw(random, minLatencyNanos, maxLatencyNanos, bytesPerMilli, segmentMax, minWindow, maxWindow);
    }

    private void startClient(SimRun run, int id, SplittableRandom random) {
        SimWorld world = run.world;
        int loopIndex = id % loops;
        SimLoop loop = world.loops().get(loopIndex);
        int length = uploadMin + random.nextInt(uploadMax - uploadMin + 1);
        byte[] upload = Payload.upload(id, length);
        if (sniNames != null) {
            byte[] hello = SimTls.shared().clientHello(sniOf(id));
            byte[] both = java.util.Arrays.copyOf(hello, hello.length + upload.length);
            System.arraycopy(upload, 0, both, hello.length, upload.length);
            upload = both;
        }
        byte[] expected = mode == SimServer.Mode.ECHO ? upload : Payload.download(Payload.hash(upload), downloadMin, downloadMax);
        SimClient client = new SimClient(world, id, drawBehavior(random), upload, expected, slowPauseNanos);
        client.onFinish(run::clientFinished);
        run.clients.add(client);
        long arrival = arrivalStartNanos + random.nextLong(arrivalWindowNanos);
        SimLink link = drawLink(random);
        SSLEngine engine = drawEngine(random, id);
        world.at(arrival, () -> {
            SimConnection[] pair = connect(run, id, link, loop, client, engine);
            client.start(pair[1]);
            // Accepted by the loop in its next turn, as a listener's accept would be.
            loop.execute(() -> run.sessions[id] = run.frontend.limit().tryEnter() ? TcpSession.start(loop, run.connectors.get(loopIndex), run.frontend,
                    run.sessionSets.get(loopIndex), run.sessionCounters.get(loopIndex), accepted(run, loopIndex, loop, pair[0])) : null);
        });
    }

    /**
     * A client that asks to switch protocols: its upgrade request and, right
     * behind it, a payload that the server echoes once it answered 101; it then
     * half-closes. The TCP client checks the 101 head Sluice forwards and every
     * echoed byte, as it checks a relayed response.
     */
    private void startTunnelClient(SimRun run, int id, SplittableRandom random, int loopIndex, SimLoop loop) {
        SimWorld world = run.world;
        int length = tunnelMin + random.nextInt(tunnelMax - tunnelMin + 1);
        byte[] payload = Payload.upload(id, length);
        byte[] head = SimHttpServerConnection.tunnelRequest(id, length);
        byte[] upload = new byte[head.length + payload.length];
        System.arraycopy(head, 0, upload, 0, head.length);
        System.arraycopy(payload, 0, upload, head.length, payload.length);
        byte[] switched = SimHttpServerConnection.SWITCHED;
        byte[] expected = new byte[switched.length + payload.length];
        System.arraycopy(switched, 0, expected, 0, switched.length);
        System.arraycopy(payload, 0, expected, switched.length, payload.length);
        SimClient client = new SimClient(world, id, drawBehavior(random), upload, expected, slowPauseNanos);
        client.onFinish(() -> run.finishedClients++);
        run.clients.add(client);
        long arrival = random.nextLong(arrivalWindowNanos);
        SimLink link = drawLink(random);
        SSLEngine engine = drawEngine(random, id);
        world.at(arrival, () -> {
            SimConnection[] pair = connect(run, id, link, loop, client, engine);
            client.start(pair[1]);
            loop.execute(() -> {
                if (run.httpFrontend.limit().tryEnter()) {
                    run.httpCounters[id] = new SessionCounters();
                    run.sessions[id] = HttpSession.start(loop, run.connectors.get(loopIndex), run.httpFrontend,
                            run.sessionSets.get(loopIndex), run.httpCounters[id], run.idle.get(loopIndex),
                            accepted(run, loopIndex, loop, pair[0]));
                }
            });
        });
    }

    /** The table of {@link #stickPersistence}: key {@code server<i>} names server i (its id, i + 1, and its name). */
    private static dev.sluice.stick.StickTable stickTable(SimWorld world, List<Server> servers) {
        dev.sluice.stick.StickTable t = new dev.sluice.stick.StickTable("sim", dev.sluice.stick.StickTable.Type.STRING,
                32, 1024, 0, false, Map.of(), true, () -> world.now() / 1_000_000L);
        for (int i = 0; i < servers.size(); i++) {
            byte[] key = servers.get(i).name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            t.storeServer(key, key.length, false, i + 1, servers.get(i).nameNumber());
        }
        return t;
    }

    /** The server client {@code id}'s persistence cookie names. */
    private int persistentServer(int id) {
        int http = (int) servers.stream().filter(spec -> !spec.tcp()).count();
        return id % http;
    }

    private void startHttpClient(SimRun run, int id, SplittableRandom random) {
        SimWorld world = run.world;
        int loopIndex = id % loops;
        SimLoop loop = world.loops().get(loopIndex);
        if (random.nextDouble() < tunnelChance) {
            startTunnelClient(run, id, random, loopIndex, loop);
            return;
        }
        SimHttpClient.Ending ending = SimHttpClient.Ending.values()[draw(random, endingWeights)];
        boolean lastSaysClose = ending == SimHttpClient.Ending.WAIT_FOR_SLUICE;
        HttpExchange[] exchanges = new HttpExchange[requestsMin + random.nextInt(requestsMax - requestsMin + 1)];
        for (int k = 0; k < exchanges.length; k++) {
            boolean get = random.nextDouble() < getChance;
            int body = get ? 0 : uploadMin + random.nextInt(uploadMax - uploadMin + 1);
            int response = downloadMin + random.nextInt(downloadMax - downloadMin + 1);
            exchanges[k] = new HttpExchange(id, k, body, !get && random.nextDouble() < chunkedChance, response,
                    random.nextDouble() < chunkedChance, lastSaysClose && k == exchanges.length - 1,
                    persistence == null && !stick ? null : "a=1; SRV=server" + persistentServer(id) + "; b=2");
            if (persistence != null || stick) {
                run.persistentRequests[persistentServer(id)]++;
            }
        }
        SimHttpClient.Behavior behavior = SimHttpClient.Behavior.values()[draw(random, httpBehaviorWeights)];
        SimHttpClient client = new SimHttpClient(world, id, behavior, exchanges, 1 + random.nextInt(maxDepth), ending, slowPauseNanos);
        client.onFinish(run::clientFinished);
        client.think(thinkNanos);
        run.clients.add(client);
        long arrival = arrivalStartNanos + random.nextLong(arrivalWindowNanos);
        SimLink link = drawLink(random);
        SSLEngine engine = drawEngine(random, id);
        world.at(arrival, () -> {
            SimConnection[] pair = connect(run, id, link, loop, client, engine);
            client.start(pair[1]);
            loop.execute(() -> {
                if (run.httpFrontend.limit().tryEnter()) {
                    run.httpCounters[id] = new SessionCounters();
                    run.sessions[id] = HttpSession.start(loop, run.connectors.get(loopIndex), run.httpFrontend,
                            run.sessionSets.get(loopIndex), run.httpCounters[id], run.idle.get(loopIndex),
                            accepted(run, loopIndex, loop, pair[0]));
                }
            });
        });
    }

    /** An index drawn with these relative weights. */
    private void startLogging(SimRun run) {
        dev.sluice.log.Logging.Builder b = dev.sluice.log.Logging.builder(dev.sluice.log.SyslogIdentity.ofThisProcess());
        dev.sluice.log.ProxyLog tcpLog = b.proxy("tcp", dev.sluice.log.LogFormat.tcplog(dev.sluice.log.LogMode.TCP),
                logTargets, java.util.Set.of());
        dev.sluice.log.ProxyLog httpLog = b.proxy("http", dev.sluice.log.LogFormat.httplog(dev.sluice.log.LogMode.HTTP),
                logTargets, java.util.Set.of());
        try {
            run.logging = b.start(loops);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (run.frontend != null) {
            run.frontend.withLog(new dev.sluice.session.FrontendLog(tcpLog, run.logging));
        }
        if (run.httpFrontend != null) {
            run.httpFrontend.withLog(new dev.sluice.session.FrontendLog(httpLog, run.logging));
        }
    }

    private static int draw(SplittableRandom random, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return 0;
    }

    private SimClient.Behavior drawBehavior(SplittableRandom random) {
        return SimClient.Behavior.values()[draw(random, behaviorWeights)];
    }
}
