package dev.sluice.cli;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferPool;
import dev.sluice.config.BindConfig;
import dev.sluice.config.Config;
import dev.sluice.config.FrontendConfig;
import dev.sluice.config.Global;
import dev.sluice.config.Mode;
import dev.sluice.config.Timeouts;
import dev.sluice.loop.Clock;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.net.Acceptor;
import dev.sluice.net.Connection;
import dev.sluice.net.Listener;
import dev.sluice.net.ListenerOptions;
import dev.sluice.net.NioConnector;
import dev.sluice.config.HttpReuse;
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
import dev.sluice.stats.Summary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A running proxy: the event loops with their pools, the backends, and the
 * listeners of every frontend, built from a checked {@link Config}.
 *
 * <p>Start-up carves every buffer; nothing grows afterwards. {@link #close()}
 * is the graceful stop: listeners close, open sessions get up to
 * {@code hard-stop-after} to finish, the rest are aborted, and the loops end.
 *
 * <p>Thread-safe: built and stopped from one control thread; the loops run on
 * their own threads.
 */
public final class Sluice implements AutoCloseable {
    /**
     * The most idle server connections kept per server and loop when
     * {@code pool-max-conn} sets no limit, so that their memory stays bounded.
     */
    private static final int IDLE_CONNECTIONS_PER_SERVER = 256;
    /**
     * How long a keep-alive connection may sit idle between two requests
     * during a soft stop before it closes: long enough for a request sent the
     * moment the last response arrived to reach Sluice (it is then answered
     * with {@code Connection: close}), short enough not to hold a stop.
     */
    static final long SOFT_STOP_IDLE_GRACE_NANOS = 1_000_000_000L;
    /** How often a soft stop looks again for sessions that ended or went idle. */
    private static final long SWEEP_MILLIS = 20;

    private final Config config;
    private final List<LoopState> loops = new ArrayList<>();
    private final Map<String, Backend> backends = new HashMap<>();
    /** Each running server with its configuration, for the idle connection pools of every loop. */
    private final Map<Server, dev.sluice.config.ServerConfig> serverConfigs = new IdentityHashMap<>();
    private final List<ConnectionLimit> limits = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private volatile boolean closed;

    /** One loop and what its sessions need there. */
    private record LoopState(EventLoop loop, NioConnector connector, SessionSet sessions, SessionCounters counters,
                             IdleServerConnections idle) {
    }

    private Sluice(Config config) {
        this.config = config;
    }

    /** Builds and starts everything the configuration describes. */
    public static Sluice start(Config config) throws IOException {
        Sluice sluice = new Sluice(config);
        try {
            // Backends first: each loop's idle connection pools take their servers' limits before the loop runs.
            sluice.buildBackends();
            sluice.startLoops();
            sluice.openListeners();
        } catch (IOException | RuntimeException e) {
            sluice.stopLoops();
            throw e;
        }
        return sluice;
    }

    private void startLoops() throws IOException {
        Global g = config.global();
        for (int i = 0; i < g.nbthread(); i++) {
            Clock clock = Clock.SYSTEM;
            BufferPool pool = new BufferPool(g.buffersPerLoop(), g.bufsize(), g.buffersReserve(), clock::nanoTime);
            EventLoop loop = new EventLoop(i, pool);
            SessionSet sessions = new SessionSet();
            IdleServerConnections idle = new IdleServerConnections(loop, IDLE_CONNECTIONS_PER_SERVER);
            serverConfigs.forEach((server, c) -> idle.limits(server, c.poolPurgeDelayMillis() * 1_000_000L,
                    c.poolMaxConn()));
            loop.onClose(() -> {
                sessions.abortAll();
                idle.closeAll();
            });
            loops.add(new LoopState(loop, new NioConnector(loop, keepAliveServers()), sessions, new SessionCounters(),
                    idle));
        }
        for (LoopState l : loops) {
            l.loop().start();
        }
    }

    /** The servers of every backend with {@code option srvtcpka}. */
    private Set<InetSocketAddress> keepAliveServers() {
        Set<InetSocketAddress> targets = new HashSet<>();
        for (dev.sluice.config.BackendConfig b : config.backends()) {
            if (b.tcpKeepAlive()) {
                b.servers().forEach(s -> targets.add(s.address()));
            }
        }
        return targets;
    }

    private void buildBackends() {
        for (dev.sluice.config.BackendConfig b : config.backends()) {
            List<Server> servers = new ArrayList<>();
            for (dev.sluice.config.ServerConfig s : b.servers()) {
                Server server = new Server(s.name(), s.address(), s.maxconn(), s.maxqueue());
                serverConfigs.put(server, s);
                servers.add(server);
            }
            backends.put(b.name(), new Backend(b.name(), servers));
        }
    }

    private void openListeners() throws IOException {
        ConnectionLimit processLimit = new ConnectionLimit("global", config.global().maxconn());
        List<EventLoop> eventLoops = loops.stream().map(LoopState::loop).toList();
        for (FrontendConfig f : config.frontends()) {
            ConnectionLimit limit = new ConnectionLimit(f.name(), f.maxconn(), processLimit);
            limits.add(limit);
            // A mode tcp frontend whose backend is in mode http serves HTTP, as HAProxy upgrades its connections.
            Acceptor acceptor = f.mode() == Mode.HTTP || config.upgradesToHttp(f) ? httpAcceptor(f, limit)
                    : tcpAcceptor(f, limit);
            for (BindConfig bind : f.binds()) {
                ListenerOptions options = new ListenerOptions(bind.ipv6() == BindConfig.Ipv6.V6_ONLY,
                        bind.deferAccept(), bind.fastOpen(), f.tcpKeepAlive());
                listeners.add(Listener.bind(bind.address(), eventLoops, acceptor, options));
            }
        }
    }

    private Acceptor tcpAcceptor(FrontendConfig f, ConnectionLimit limit) {
        dev.sluice.config.BackendConfig b = config.backend(f.defaultBackend()).orElseThrow();
        TcpFrontend frontend = new TcpFrontend(f.name(), backends.get(b.name()), timeouts(f.timeouts(), b.timeouts()),
                limit, b.smartConnect());
        return acceptor(limit,
                (l, connection) -> TcpSession.start(l.loop(), l.connector(), frontend, l.sessions(), l.counters(), connection));
    }

    private Acceptor httpAcceptor(FrontendConfig f, ConnectionLimit limit) {
        Global g = config.global();
        Map<Backend, HttpFrontend.BackendPolicy> policies = new IdentityHashMap<>();
        for (dev.sluice.config.BackendConfig b : config.backends()) {
            if (b.mode() != Mode.HTTP) {
                continue;
            }
            policies.put(backends.get(b.name()), new HttpFrontend.BackendPolicy(timeouts(f.timeouts(), b.timeouts()),
                    b.http().httpReuse() != HttpReuse.NEVER, b.http().forwardFor(), b.http().httpClose(), b.httpRules(f),
                    b.http().maxBodySize(), b.smartConnect()));
        }
        HttpRules rules = f.httpRules();
        Backend[] targets = rules.backendNames().stream().map(backends::get).toArray(Backend[]::new);
        HttpFrontend frontend = new HttpFrontend(f.name(), HttpRouting.of(rules, targets), rules,
                f.timeouts().client() * 1_000_000L,
                HttpTimeouts.ofMillis(f.timeouts().httpRequest(), f.timeouts().httpKeepAlive()), policies,
                g.httpLimits(), f.http().forwardFor(), f.http().httpClose(), f.http().maxBodySize(), limit);
        return acceptor(limit, (l, connection) -> HttpSession.start(l.loop(),
                l.connector(), frontend, l.sessions(), l.counters(), l.idle(), connection));
    }

    /** Starts a session for an accepted connection on the loop that accepted it. */
    private interface SessionStarter {
        void start(LoopState loop, Connection connection);
    }

    /**
     * The acceptor of one frontend: it holds accepting back while the frontend or
     * the process is at its {@code maxconn}, counts each session in, and starts it.
     */
    private Acceptor acceptor(ConnectionLimit limit, SessionStarter starter) {
        return new Acceptor() {
            @Override
            public void accepted(Loop loop, Connection connection) {
                if (closed || !limit.tryEnter()) {
                    connection.close();
                    return;
                }
                starter.start(loops.get(loop.id()), connection);
            }

            @Override
            public boolean admitting() {
                return !closed && limit.hasRoom();
            }
        };
    }

    /** The client side's timeout comes from the frontend, the server side's from the backend. */
    private static SessionTimeouts timeouts(Timeouts front, Timeouts back) {
        return SessionTimeouts.ofMillis(front.client(), back.server(), back.connect(), back.queue());
    }

    /** The addresses the listeners are bound to (a port 0 in the file becomes the real one). */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(Listener::address).toList();
    }

    public Backend backend(String name) {
        return backends.get(name);
    }

    public Config config() {
        return config;
    }

    /** Open sessions over every loop. */
    public int openSessions() {
        int n = 0;
        for (LoopState l : loops) {
            n += l.sessions().size();
        }
        return n;
    }

    private static void addLoop(Summary.Builder b, LoopState l) {
        b.addLoop(l.loop().counters(), l.loop().pool(), l.counters());
        IdleServerConnections idle = l.idle();
        b.addIdleServerConnections(idle.parked(), idle.closedWhileIdle(), idle.purged(), idle.idleCount());
    }

    /** A consistent reading of every counter, each loop read on its own thread, then summed. */
    public Summary summary() {
        Summary.Builder b = new Summary.Builder();
        for (LoopState l : loops) {
            if (closed && !l.loop().isRunning()) {
                addLoop(b, l);
            } else {
                l.loop().call(() -> {
                    addLoop(b, l);
                    return null;
                });
            }
        }
        for (LoopState l : loops) {
            b.addLoopAllocation(l.loop().allocatedBytes());
        }
        for (Backend backend : backends.values()) {
            b.addBackend(backend);
        }
        for (ConnectionLimit limit : limits) {
            b.addFrontend(limit);
        }
        return b.build();
    }

    /** Runs {@code check} on every loop's pool, on its own thread (tests: "every buffer is back"). */
    public List<PoolReading> pools() {
        List<PoolReading> readings = new ArrayList<>();
        for (LoopState l : loops) {
            readings.add(l.loop().call(() -> {
                BufferPool p = l.loop().pool();
                p.checkInvariants();
                return new PoolReading(l.loop().id(), p.size(), p.free(), p.waitingTotal(), p.peakInUse());
            }));
        }
        return readings;
    }

    /** One pool's state, read on its loop. */
    public record PoolReading(int loop, int size, int free, int waiting, int peakInUse) {
    }

    /**
     * Stops accepting new sessions; open ones go on. Returns once every
     * listening socket is closed, so that a client whose connection the soft
     * stop ends is refused when it reconnects, not accepted into a backlog
     * that the close would then reset.
     */
    public void stopAccepting() {
        closed = true;
        for (Listener l : listeners) {
            l.close();
        }
        // Each socket closes on its own loop, through the inbox: what is posted after has run after it.
        for (LoopState l : loops) {
            if (l.loop().isRunning()) {
                l.loop().call(() -> null);
            }
        }
    }

    /**
     * The soft stop (SIGUSR1; SIGTERM and SIGINT too): stop accepting, then
     * every session ends after its current exchange, an HTTP response in
     * flight saying {@code Connection: close}. See {@link SessionSet#softStop}.
     */
    public void softStop() {
        stopAccepting();
        sweep();
    }

    /** Closes the sessions whose idle time passed the grace; each loop walks its own set. */
    private void sweep() {
        for (LoopState l : loops) {
            SessionSet sessions = l.sessions();
            Loop loop = l.loop();
            loop.execute(() -> sessions.softStop(loop.clock().nanoTime(), SOFT_STOP_IDLE_GRACE_NANOS));
        }
    }

    /**
     * After {@link #softStop()}: waits until no session is open, the deadline
     * passes, or {@code stopNow} says to stop at once. Returns whether every
     * session ended by itself.
     */
    public boolean drain(long deadlineNanos, BooleanSupplier stopNow) {
        while (openSessions() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0 || stopNow.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sweep();
        }
        return true;
    }

    /** Aborts every session still open and stops the loops. */
    public void hardStop() {
        stopLoops();
    }

    /**
     * The graceful stop: the soft stop, then up to {@code hard-stop-after} for
     * open sessions to finish, then the hard stop of what is left.
     */
    @Override
    public void close() {
        softStop();
        drain(System.nanoTime() + config.global().hardStopAfterMillis() * 1_000_000L, () -> false);
        stopLoops();
    }

    private void stopLoops() {
        closed = true;
        for (LoopState l : loops) {
            l.loop().stop();
        }
    }
}
