package dev.sluice.cli;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthChecks;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerRole;
import dev.sluice.backend.ServerState;
import dev.sluice.backend.ServerStateListener;
import dev.sluice.config.BackendConfig;
import dev.sluice.config.BindConfig;
import dev.sluice.config.Config;
import dev.sluice.config.FrontendConfig;
import dev.sluice.config.Global;
import dev.sluice.config.HttpReuse;
import dev.sluice.config.Mode;
import dev.sluice.config.ServerAddress;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.Timeouts;
import dev.sluice.http.HttpRules;
import dev.sluice.log.Logging;
import dev.sluice.log.ProxyLog;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.net.Acceptor;
import dev.sluice.net.TlsServerContext;
import dev.sluice.net.Connection;
import dev.sluice.net.ListenerOptions;
import dev.sluice.net.NioConnector;
import dev.sluice.runtime.ProxyControl;
import dev.sluice.session.ClientPreamble;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.FrontendLog;
import dev.sluice.session.FrontendRequests;
import dev.sluice.session.HttpFrontend;
import dev.sluice.session.HttpRouting;
import dev.sluice.session.HttpSession;
import dev.sluice.session.HttpTimeouts;
import dev.sluice.session.SessionSet;
import dev.sluice.session.SessionTimeouts;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.TcpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one configuration file made: its backends and servers, its frontends'
 * limits and acceptors, and, per loop, the set of the sessions it started and
 * the connector they use. A reload builds a new generation beside the running
 * one; sessions keep the generation they began in, so they finish under the
 * configuration they began with, while the listeners hand new connections to
 * the new one. A replaced generation drains and is then dropped.
 *
 * <p>Built on the control thread; the acceptors run on the loops, the rest is
 * read from any thread.
 */
final class Generation {
    /**
     * Where a listener is and how its socket is set up: a reload keeps the
     * socket when both are unchanged. {@code occurrence} tells apart binds of
     * one address in one file (port 0 twice is two ports; a port twice is two
     * sockets sharing it), in the file's order.
     */
    record ListenerKey(InetSocketAddress address, ListenerOptions options, int occurrence) {
    }

    final int number;
    final Config config;
    /** Backends by name, in the file's order. */
    final Map<String, Backend> backends = new LinkedHashMap<>();
    /** Each server with its configuration, for the idle connection pools of every loop. */
    final Map<Server, ServerConfig> serverConfigs = new IdentityHashMap<>();
    final ConnectionLimit processLimit;
    final List<ProxyControl.Frontend> frontends = new ArrayList<>();
    /** Per loop, by loop id. */
    final List<SessionSet> sessions = new ArrayList<>();
    final List<NioConnector> connectors = new ArrayList<>();
    final Map<ListenerKey, Acceptor> acceptors = new LinkedHashMap<>();
    /** When a reload replaced it ({@link System#nanoTime()}), or 0 while it runs. */
    volatile long retiredAt;
    /** The servers with {@code check}, each with its backend's script and its own options. */
    final List<HealthChecks.Planned> planned = new ArrayList<>();
    /** Its health checks: made with the generation, running while it is the one in force. */
    HealthChecks checks;
    /** Its access logs: a ring per loop and a writer thread (none without a log target); closed when it is dropped. */
    final Logging logging;
    /** Its applets: the loops' applet arenas and the view of the process the stats page and exporter read. */
    final AppletWiring applets;
    /** Its TLS listeners' contexts and the loops' record arenas (carved only when some bind says ssl). */
    final TlsWiring tls;
    /**
     * Its stick tables by the name of their section, every entry allocated
     * as it is made; shared by every loop. A reload makes new, empty ones, as
     * a restart of HAProxy without peers does.
     */
    final Map<String, dev.sluice.stick.StickTable> stickTables = new LinkedHashMap<>();
    /** The DNS clients of the resolvers sections its servers use, while it is the one in force. */
    private final List<dev.sluice.runtime.Resolvers> resolvers = new ArrayList<>();

    /** The loops the sessions run on, and what else a session needs of its loop. */
    interface Loops {
        List<EventLoop> eventLoops();

        dev.sluice.session.SessionCounters counters(int loop);

        dev.sluice.backend.IdleServerConnections idle(int loop);

        /** Whether the process stopped accepting (its stop began). */
        boolean closed();
    }

    Generation(int number, Config config, Loops loops) {
        this.number = number;
        this.config = config;
        this.processLimit = new ConnectionLimit("global", config.global().maxconn());
        buildBackends();
        for (dev.sluice.config.StickTableSpec t : config.stickTables()) {
            stickTables.put(t.name(), t.make(dev.sluice.stick.StickTable.Clock.SYSTEM));
        }
        for (EventLoop loop : loops.eventLoops()) {
            sessions.add(new SessionSet());
            connectors.add(new NioConnector(loop, keepAliveServers()));
        }
        tls = new TlsWiring(config, loops.eventLoops());
        tls.originate(serverConfigs);
        // The checks' arenas are carved with the generation, apart from the client pools.
        checks = HealthChecks.create(planned, loops.eventLoops(), connectors, config.global().bufsize(),
                config.global().spreadChecks());
        applets = new AppletWiring(config, loops, tls.arenas());
        Logging.Builder logs = Logging.builder(config.global().log().identity()).global(config.global().log().targets());
        Map<String, ProxyLog> proxyLogs = new LinkedHashMap<>();
        for (FrontendConfig f : config.frontends()) {
            proxyLogs.put(f.name(), f.log().register(logs, f.name(), f.maxconn()));
        }
        try {
            logging = logs.start(loops.eventLoops().size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a log target: " + e.getMessage(), e);
        }
        for (FrontendConfig f : config.frontends()) {
            ConnectionLimit limit = new ConnectionLimit(f.name(), f.maxconn(), processLimit);
            boolean http = f.mode() == Mode.HTTP || config.upgradesToHttp(f);
            FrontendRequests requests = http ? new FrontendRequests(loops.eventLoops().size()) : FrontendRequests.NONE;
            frontends.add(new ProxyControl.Frontend(f.name(), http ? "http" : "tcp", limit, requests));
            FrontendLog log = new FrontendLog(proxyLogs.get(f.name()), logging);
            SessionStarter starter = http ? httpSessions(f, limit, loops, log, requests)
                    : tcpSessions(f, limit, loops, log);
            int listenerNumber = 0;
            for (BindConfig bind : f.binds()) {
                listenerNumber++;
                // As HAProxy names a listener in its handshake failures: its name, else its number in the frontend.
                String listenerName = bind.name() != null ? bind.name() : Integer.toString(listenerNumber);
                ListenerOptions options = new ListenerOptions(bind.ipv6() == BindConfig.Ipv6.V6_ONLY,
                        bind.deferAccept(), bind.fastOpen(), f.tcpKeepAlive());
                int occurrence = 0;
                while (acceptors.containsKey(new ListenerKey(bind.address(), options, occurrence))) {
                    occurrence++;
                }
                acceptors.put(new ListenerKey(bind.address(), options, occurrence), acceptor(limit, loops, starter,
                        bind.acceptProxy() ? ClientPreamble.PROXY_HEADER : ClientPreamble.NONE,
                        bind.ssl() ? tls.listener(bind, http, listenerName) : null));
            }
        }
        applets.fill(this);
    }

    private void buildBackends() {
        for (BackendConfig b : config.backends()) {
            if (b.servers().isEmpty()) {
                // A listen section that answers itself (stats, a service) has no backend half to build.
                continue;
            }
            List<Server> servers = new ArrayList<>();
            for (ServerConfig s : b.servers()) {
                Server server = new Server(s.name(), s.address(), s.maxconn(), s.maxqueue(), s.weight(),
                        s.backup() ? ServerRole.BACKUP : ServerRole.ACTIVE,
                        s.disabled() ? ServerState.MAINT : ServerState.UP);
                server.connectAs(s.sendProxy(), s.target().port() == ServerAddress.Port.CLIENT_DESTINATION,
                        s.target().portOffset());
                server.cookie(s.cookie());
                serverConfigs.put(server, s);
                servers.add(server);
            }
            backends.put(b.name(), new Backend(b.name(), servers, b.balance(), b.retry(), ServerStateListener.STDERR));
            for (int i = 0; i < servers.size(); i++) {
                ServerConfig s = b.servers().get(i);
                if (s.check() != null) {
                    planned.add(new HealthChecks.Planned(servers.get(i), b.check(), s.check()));
                }
            }
            for (Server server : servers) {
                if (serverConfigs.get(server).unresolved()) {
                    // No address yet: in maintenance until the resolver's first answer.
                    server.setResolved(false);
                }
            }
        }
    }

    /**
     * Starts the DNS clients of the resolvers sections this generation's
     * servers use: one target per server line, one per server-template.
     */
    void startDiscovery(java.util.function.Consumer<Server> addressChanged) throws java.io.IOException {
        Map<String, List<dev.sluice.runtime.Resolvers.Target>> bySection = new LinkedHashMap<>();
        for (Backend b : backends.values()) {
            Map<String, List<Server>> templates = new LinkedHashMap<>();
            for (Server server : b.servers()) {
                ServerConfig c = serverConfigs.get(server);
                if (c == null || !c.discovery().discovered()) {
                    continue;
                }
                if (c.discovery().template() != null) {
                    templates.computeIfAbsent(c.discovery().template(), k -> new ArrayList<>()).add(server);
                } else {
                    bySection.computeIfAbsent(c.discovery().resolvers(), k -> new ArrayList<>()).add(
                            new dev.sluice.runtime.Resolvers.Target(c.discovery().hostname(), c.discovery().srv(),
                                    c.discovery().preferIpv6(), c.address().getPort(), List.of(server), false));
                }
            }
            for (List<Server> group : templates.values()) {
                ServerConfig c = serverConfigs.get(group.get(0));
                bySection.computeIfAbsent(c.discovery().resolvers(), k -> new ArrayList<>()).add(
                        new dev.sluice.runtime.Resolvers.Target(c.discovery().hostname(), c.discovery().srv(),
                                c.discovery().preferIpv6(), c.address().getPort(), List.copyOf(group), true));
            }
        }
        for (Map.Entry<String, List<dev.sluice.runtime.Resolvers.Target>> e : bySection.entrySet()) {
            resolvers.add(dev.sluice.runtime.Resolvers.start(config.resolvers(e.getKey()).orElseThrow(),
                    e.getValue(), addressChanged));
        }
    }

    /** Stops the DNS clients: a replaced generation's servers keep the addresses they have. */
    void stopDiscovery() {
        resolvers.forEach(dev.sluice.runtime.Resolvers::close);
        resolvers.clear();
    }

    /**
     * A reload's new servers resolved at run time start from the addresses the
     * old ones had (same backend, same name), so that no request finds them
     * without one while the new resolver asks.
     */
    void takeAddressesFrom(Generation old) {
        for (Map.Entry<Server, ServerConfig> e : serverConfigs.entrySet()) {
            if (!e.getValue().discovery().discovered()) {
                continue;
            }
            Server s = e.getKey();
            Backend before = old.backends.get(s.owner().name());
            if (before == null) {
                continue;
            }
            for (Server o : before.servers()) {
                if (o.name().equals(s.name()) && !o.unresolved()
                        && old.serverConfigs.get(o) != null && old.serverConfigs.get(o).discovery().discovered()) {
                    s.setAddress(o.address());
                    if (s.unresolved()) {
                        s.setResolved(true);
                    }
                }
            }
        }
    }

    /** The servers of every backend with {@code option srvtcpka}. */
    private Set<InetSocketAddress> keepAliveServers() {
        Set<InetSocketAddress> targets = new HashSet<>();
        for (BackendConfig b : config.backends()) {
            if (b.tcpKeepAlive()) {
                b.servers().forEach(s -> targets.add(s.address()));
            }
        }
        return targets;
    }

    /** Sets every server's idle connection limits on a loop's pool of idle connections; on that loop. */
    void idleLimits(dev.sluice.backend.IdleServerConnections idle) {
        serverConfigs.forEach((server, c) -> idle.limits(server, c.poolPurgeDelayMillis() * 1_000_000L,
                c.poolMaxConn()));
    }

    List<Backend> backendList() {
        return List.copyOf(backends.values());
    }

    /** Open sessions of this generation over every loop (a recent value). */
    int openSessions() {
        int n = 0;
        for (SessionSet s : sessions) {
            n += s.size();
        }
        return n;
    }

    private SessionStarter tcpSessions(FrontendConfig f, ConnectionLimit limit, Loops loops, FrontendLog log) {
        Map<Backend, TcpFrontend.BackendPolicy> policies = new IdentityHashMap<>();
        for (BackendConfig b : config.backends()) {
            if (b.mode() == Mode.TCP && backends.containsKey(b.name())) {
                policies.put(backends.get(b.name()), new TcpFrontend.BackendPolicy(timeouts(f.timeouts(), b.timeouts()),
                        b.smartConnect(), b.tcpRequestRules(f), b.isOtherHalfOf(f) ? 0
                        : b.routing().inspectDelayMillis() * 1_000_000L, b.stickRules()));
            }
        }
        // use_backend and default_backend, on the connection's addresses: a mode tcp frontend has no HTTP rules.
        HttpRules rules = f.httpRules();
        Backend[] targets = rules.backendNames().stream().map(backends::get).toArray(Backend[]::new);
        TcpFrontend frontend = new TcpFrontend(f.name(), HttpRouting.of(rules, targets), f.tcpRequestRules(), policies,
                limit).withServerCounts(serverCounts())
                .withStickTables(stickTables.isEmpty() ? dev.sluice.stick.StickTables.NONE : stickTables::get)
                .withLog(log)
                .withInspectDelay(f.routing().inspectDelayMillis() * 1_000_000L);
        return (id, loop, connection, preamble) -> TcpSession.start(loop, connectors.get(id), frontend,
                sessions.get(id), loops.counters(id), connection, preamble);
    }

    private SessionStarter httpSessions(FrontendConfig f, ConnectionLimit limit, Loops loops, FrontendLog log,
                                        FrontendRequests requests) {
        Global g = config.global();
        Map<Backend, HttpFrontend.BackendPolicy> policies = new IdentityHashMap<>();
        for (BackendConfig b : config.backends()) {
            if (b.mode() != Mode.HTTP || !backends.containsKey(b.name())) {
                continue;
            }
            policies.put(backends.get(b.name()), new HttpFrontend.BackendPolicy(timeouts(f.timeouts(), b.timeouts()),
                    b.http().httpReuse() != HttpReuse.NEVER, b.http().forwardFor(), b.http().httpClose(), b.httpRules(f),
                    b.http().maxBodySize(), b.smartConnect(), b.tcpRequestRules(f),
                    f.http().serverClose() || b.http().serverClose(),
                    dev.sluice.http.ForwardFor.combine(f.http().forwardFor() ? f.http().forwardForSpec() : null,
                            b.http().forwardFor() ? b.http().forwardForSpec() : null)));
        }
        HttpRules rules = f.httpRules();
        Backend[] targets = rules.backendNames().stream().map(backends::get).toArray(Backend[]::new);
        HttpFrontend frontend = new HttpFrontend(f.name(), HttpRouting.of(rules, targets), rules,
                f.timeouts().client() * 1_000_000L,
                HttpTimeouts.ofMillis(f.timeouts().httpRequest(), f.timeouts().httpKeepAlive()), policies,
                g.httpLimits(), f.http().forwardFor(), f.http().httpClose(), f.http().maxBodySize(), limit)
                .withTcpRequestRules(f.tcpRequestRules()).withServerCounts(serverCounts())
                .withStickTables(stickTables.isEmpty() ? dev.sluice.stick.StickTables.NONE : stickTables::get)
                .withLog(log)
                .withServices(applets.servicesOf(f, backends)).withRequests(requests);
        return (id, loop, connection, preamble) -> HttpSession.start(loop, connectors.get(id), frontend,
                sessions.get(id), loops.counters(id), loops.idle(id), connection, preamble);
    }

    /** What {@code nbsrv(BACKEND)} reads: the servers of the backend that may take a request now. */
    private dev.sluice.http.ServerCounts serverCounts() {
        return name -> {
            Backend b = backends.get(name);
            return b == null ? 0 : b.serversUp();
        };
    }

    /** Starts a session for an accepted connection on the loop that accepted it. */
    private interface SessionStarter {
        void start(int loopId, Loop loop, Connection connection, ClientPreamble preamble);
    }

    /**
     * The acceptor of one listener of a frontend: it holds accepting back while
     * the frontend or the process is at its {@code maxconn}, counts each session
     * in, and starts it, after the PROXY header when the bind line asks for one.
     */
    private Acceptor acceptor(ConnectionLimit limit, Loops loops, SessionStarter starter,
                                     ClientPreamble preamble, TlsServerContext tlsContext) {
        return new Acceptor() {
            @Override
            public void accepted(Loop loop, Connection connection) {
                if (!limit.tryEnter()) {
                    connection.close();
                    return;
                }
                if (tlsContext != null) {
                    connection = tls.accept(tlsContext, loop, connection);
                }
                starter.start(loop.id(), loop, connection, preamble);
            }

            @Override
            public boolean admitting() {
                return !loops.closed() && limit.hasRoom();
            }
        };
    }

    /** The client side's timeout comes from the frontend, the server side's from the backend. */
    private static SessionTimeouts timeouts(Timeouts front, Timeouts back) {
        return SessionTimeouts.ofMillis(front.client(), back.server(), back.connect(), back.queue())
                .withTunnelMillis(back.tunnel(), front.clientFin(), back.serverFin());
    }
}
