package dev.sluice.session;

import dev.sluice.http.ServerCounts;
import dev.sluice.backend.Backend;
import dev.sluice.http.TcpRequestRules;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a TCP session needs from the frontend that accepted it: its
 * {@code tcp-request} rules, where to send its bytes ({@code use_backend} on
 * layer-4 conditions, then {@code default_backend}), each backend's timeouts
 * and options, and the session limits it counts against (its own
 * {@code maxconn} and the process's).
 *
 * <p>Immutable but for the limits, which are thread-safe.
 */
public final class TcpFrontend {
    /**
     * How connections sent to one backend behave.
     *
     * @param timeouts     the frontend's client side and the backend's server side
     * @param smartConnect the backend's {@code option tcp-smart-connect}: when the client has sent bytes
     *                     before the server connection opens, its last handshake ACK goes out with them
     * @param rules        the backend's {@code tcp-request content} rules, run once it is chosen
     * @param inspectDelayNanos the backend's {@code tcp-request inspect-delay}: how long its content rules may
     *                     wait for the client's bytes, counted from when the session began to inspect them
     * @param stickRules   the backend's {@code stick on|match|store-request} rules (key {@code src})
     */
    public record BackendPolicy(SessionTimeouts timeouts, boolean smartConnect, TcpRequestRules rules,
                                long inspectDelayNanos, dev.sluice.http.StickRules stickRules) {
        /** Without stick rules. */
        public BackendPolicy(SessionTimeouts timeouts, boolean smartConnect, TcpRequestRules rules,
                             long inspectDelayNanos) {
            this(timeouts, smartConnect, rules, inspectDelayNanos, dev.sluice.http.StickRules.NONE);
        }

        public BackendPolicy(SessionTimeouts timeouts, boolean smartConnect) {
            this(timeouts, smartConnect, TcpRequestRules.NONE, 0);
        }

        public BackendPolicy(SessionTimeouts timeouts, boolean smartConnect, TcpRequestRules rules) {
            this(timeouts, smartConnect, rules, 0);
        }
    }

    private final String name;
    private final HttpRouting routing;
    private final TcpRequestRules rules;
    private final Map<Backend, BackendPolicy> backends;
    private final ConnectionLimit limit;
    private final SessionTimeouts headerTimeouts;

    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit) {
        this(name, backend, timeouts, limit, false);
    }

    /** A frontend that sends every connection to {@code backend}. */
    public TcpFrontend(String name, Backend backend, SessionTimeouts timeouts, ConnectionLimit limit,
                       boolean smartConnect) {
        this(name, HttpRouting.to(backend), TcpRequestRules.NONE, Map.of(backend, new BackendPolicy(timeouts,
                smartConnect)), limit);
    }

    /**
     * @param routing  the backend for a connection, from its addresses; null when none applies (it is closed)
     * @param rules    the frontend's {@code tcp-request} rules
     * @param backends every backend the routing may choose, with its policy
     */
    public TcpFrontend(String name, HttpRouting routing, TcpRequestRules rules, Map<Backend, BackendPolicy> backends,
                       ConnectionLimit limit) {
        this.name = name;
        this.routing = routing;
        this.rules = rules;
        this.backends = new IdentityHashMap<>(backends);
        this.limit = limit;
        long client = backends.values().stream().findFirst().map(p -> p.timeouts().client()).orElse(0L);
        this.headerTimeouts = new SessionTimeouts(client, 0, 0, 0);
    }

    /** While a PROXY header is read, before any backend is chosen: the frontend's timeout client alone. */
    SessionTimeouts headerTimeouts() {
        return headerTimeouts;
    }

    private volatile FrontendLog log;
    private volatile long inspectDelayNanos;

    /**
     * The frontend's {@code tcp-request inspect-delay}: how long its content
     * rules may wait for the client's bytes; set once, before any session.
     */
    public TcpFrontend withInspectDelay(long nanos) {
        this.inspectDelayNanos = nanos;
        return this;
    }

    long inspectDelayNanos() {
        return inspectDelayNanos;
    }

    private volatile ServerCounts serverCounts = ServerCounts.NONE;

    /** How the frontend's sessions log; set once, before any session. Without it they log nothing. */
    /** Where {@code nbsrv(BACKEND)} reads server counts; set once, before any session. */
    public TcpFrontend withServerCounts(ServerCounts counts) {
        this.serverCounts = counts;
        return this;
    }

    ServerCounts serverCounts() {
        return serverCounts;
    }

    private volatile dev.sluice.stick.StickTables stickTables = dev.sluice.stick.StickTables.NONE;

    /** Where {@code track-sc}, {@code sc_*} and {@code src_*} find the configuration's stick tables; set once, before any session. */
    public TcpFrontend withStickTables(dev.sluice.stick.StickTables tables) {
        this.stickTables = tables;
        return this;
    }

    dev.sluice.stick.StickTables stickTables() {
        return stickTables;
    }

    public TcpFrontend withLog(FrontendLog log) {
        this.log = log;
        return this;
    }

    FrontendLog log() {
        return log;
    }

    public String name() {
        return name;
    }

    HttpRouting routing() {
        return routing;
    }

    TcpRequestRules rules() {
        return rules;
    }

    BackendPolicy policy(Backend backend) {
        BackendPolicy p = backends.get(backend);
        if (p == null) {
            throw new IllegalStateException("frontend " + name + " routed to backend " + backend.name() + " it does not know");
        }
        return p;
    }

    /**
     * The sessions this frontend counts against its {@code maxconn} (and the
     * process's, chained behind it): the acceptor enters them, a session leaves
     * when it closes.
     */
    public ConnectionLimit limit() {
        return limit;
    }
}
