package dev.sluice.session;

import dev.sluice.net.Connector;

import dev.sluice.backend.Backend;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.ForwardFor;
import dev.sluice.http.HttpRules;
import dev.sluice.http.ServerCounts;
import dev.sluice.http.TcpRequestRules;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What an HTTP session needs from the frontend that accepted it: how to route
 * a request, each backend's timeouts and reuse policy, the frontend's own
 * timeouts, the message limits, and the session limits it counts against.
 *
 * <p>Immutable once built (the tcp-request rules are set before the first
 * session), but for the limits, which are thread-safe.
 */
public final class HttpFrontend {
    private final String name;
    private final HttpRouting routing;
    private final long clientTimeout;
    private final HttpTimeouts httpTimeouts;
    private final Map<Backend, BackendPolicy> backends;
    private final HttpLimits limits;
    private final boolean forwardFor;
    private final boolean httpClose;
    private final long maxBodySize;
    private final HttpRules rules;
    private final ConnectionLimit limit;
    private volatile TcpRequestRules tcpRules = TcpRequestRules.NONE;
    private volatile FrontendLog log;
    private volatile ServerCounts serverCounts = ServerCounts.NONE;
    private volatile FrontendServices services = FrontendServices.NONE;
    private volatile FrontendRequests requests = FrontendRequests.NONE;

    /**
     * How requests sent to one backend behave.
     *
     * @param timeouts   its server, connect and queue timeouts (the client timeout is the frontend's)
     * @param reuse      whether idle server connections are shared between sessions ({@code http-reuse safe})
     * @param forwardFor whether to add X-Forwarded-For ({@code option forwardfor} in the backend)
     * @param httpClose  whether the client connection closes after each response ({@code option httpclose})
     * @param rules      the backend's {@code http-request} rules, run after the frontend's
     * @param maxBodySize the backend's {@code max-body-size} in bytes; 0 when it has none, which reads back as
     *                   {@link Long#MAX_VALUE} so that checking it is one comparison
     * @param tcpRules  the backend's {@code tcp-request content} rules, run when a request is routed to it
     * @param forwarding what {@code option forwardfor} of the frontend and the backend together add, or null
     * @param serverClose {@code option http-server-close} in the frontend or the backend (and no
     *                   {@code httpclose}): the server connection closes after each response, the client's stays
     * @param smartConnect {@code option tcp-smart-connect}: a new server connection's last handshake ACK
     *                   goes out with the request ({@link Connector#connect(java.net.InetSocketAddress,
     *                   dev.sluice.net.ConnectionHandler, boolean)})
     */
    public record BackendPolicy(SessionTimeouts timeouts, boolean reuse, boolean forwardFor, boolean httpClose,
                                HttpRules rules, long maxBodySize, boolean smartConnect, TcpRequestRules tcpRules,
                                boolean serverClose, ForwardFor forwarding) {
        public BackendPolicy {
            maxBodySize = noLimitAsMax(maxBodySize);
        }

        /** With {@code option forwardfor} as {@code forwardFor} says, without arguments. */
        public BackendPolicy(SessionTimeouts timeouts, boolean reuse, boolean forwardFor, boolean httpClose,
                             HttpRules rules, long maxBodySize, boolean smartConnect, TcpRequestRules tcpRules,
                             boolean serverClose) {
            this(timeouts, reuse, forwardFor, httpClose, rules, maxBodySize, smartConnect, tcpRules, serverClose,
                    forwardFor ? ForwardFor.DEFAULT : null);
        }

        /** Without {@code option http-server-close}. */
        public BackendPolicy(SessionTimeouts timeouts, boolean reuse, boolean forwardFor, boolean httpClose,
                             HttpRules rules, long maxBodySize, boolean smartConnect, TcpRequestRules tcpRules) {
            this(timeouts, reuse, forwardFor, httpClose, rules, maxBodySize, smartConnect, tcpRules, false);
        }

        /** A policy without {@code tcp-request content} rules of the backend's own. */
        public BackendPolicy(SessionTimeouts timeouts, boolean reuse, boolean forwardFor, boolean httpClose,
                             HttpRules rules, long maxBodySize, boolean smartConnect) {
            this(timeouts, reuse, forwardFor, httpClose, rules, maxBodySize, smartConnect, TcpRequestRules.NONE);
        }

        /** A policy without a body limit or smart connect. */
        public BackendPolicy(SessionTimeouts timeouts, boolean reuse, boolean forwardFor, boolean httpClose,
                             HttpRules rules) {
            this(timeouts, reuse, forwardFor, httpClose, rules, 0, false);
        }

        /** A policy with no rules, no X-Forwarded-For, keep-alive and reuse: the defaults. */
        public static BackendPolicy plain(SessionTimeouts timeouts) {
            return new BackendPolicy(timeouts, true, false, false, HttpRules.NONE);
        }
    }

    /**
     * @param rules      the frontend's {@code http-request} rules ({@link HttpRules#NONE} for none)
     * @param forwardFor {@code option forwardfor} in the frontend
     * @param httpClose  {@code option httpclose} in the frontend
     */
    public HttpFrontend(String name, HttpRouting routing, HttpRules rules, long clientTimeoutNanos,
                        HttpTimeouts httpTimeouts, Map<Backend, BackendPolicy> backends, HttpLimits limits,
                        boolean forwardFor, boolean httpClose, ConnectionLimit limit) {
        this(name, routing, rules, clientTimeoutNanos, httpTimeouts, backends, limits, forwardFor, httpClose, 0, limit);
    }

    /**
     * @param maxBodySize the frontend's {@code max-body-size} in bytes, 0 for none
     */
    public HttpFrontend(String name, HttpRouting routing, HttpRules rules, long clientTimeoutNanos,
                        HttpTimeouts httpTimeouts, Map<Backend, BackendPolicy> backends, HttpLimits limits,
                        boolean forwardFor, boolean httpClose, long maxBodySize, ConnectionLimit limit) {
        this.name = name;
        this.routing = routing;
        this.clientTimeout = clientTimeoutNanos;
        this.httpTimeouts = httpTimeouts;
        this.backends = new IdentityHashMap<>(backends);
        this.limits = limits;
        this.forwardFor = forwardFor;
        this.httpClose = httpClose;
        this.maxBodySize = noLimitAsMax(maxBodySize);
        this.rules = rules;
        this.limit = limit;
    }

    /** The frontend's {@code tcp-request} rules, run when a connection starts; set once, before any session. */
    public HttpFrontend withTcpRequestRules(TcpRequestRules rules) {
        this.tcpRules = rules;
        return this;
    }

    /** Where {@code nbsrv(BACKEND)} reads server counts; set once, before any session. */
    public HttpFrontend withServerCounts(ServerCounts counts) {
        this.serverCounts = counts;
        return this;
    }

    ServerCounts serverCounts() {
        return serverCounts;
    }

    private volatile dev.sluice.stick.StickTables stickTables = dev.sluice.stick.StickTables.NONE;

    /** Where {@code track-sc}, {@code sc_*} and {@code src_*} find the configuration's stick tables; set once, before any session. */
    public HttpFrontend withStickTables(dev.sluice.stick.StickTables tables) {
        this.stickTables = tables;
        return this;
    }

    dev.sluice.stick.StickTables stickTables() {
        return stickTables;
    }

    /** How the frontend's sessions log; set once, before any session. Without it they log nothing. */
    public HttpFrontend withLog(FrontendLog log) {
        this.log = log;
        return this;
    }

    /** What the frontend answers itself (monitor URI, services, stats page); set once, before any session. */
    public HttpFrontend withServices(FrontendServices s) {
        this.services = s;
        return this;
    }

    FrontendServices services() {
        return services;
    }

    /** Where the frontend counts its HTTP requests, per loop; set once, before any session. */
    public HttpFrontend withRequests(FrontendRequests r) {
        this.requests = r;
        return this;
    }

    /** A request head arrived on loop {@code loop}: counted for the frontend (that loop's slot, no lock). */
    void requestArrived(int loop) {
        requests.arrived(loop);
    }

    FrontendLog log() {
        return log;
    }

    TcpRequestRules tcpRequestRules() {
        return tcpRules;
    }

    public String name() {
        return name;
    }

    HttpRouting routing() {
        return routing;
    }

    long clientTimeout() {
        return clientTimeout;
    }

    HttpTimeouts httpTimeouts() {
        return httpTimeouts;
    }

    BackendPolicy policy(Backend backend) {
        BackendPolicy p = backends.get(backend);
        if (p == null) {
            throw new IllegalStateException("frontend " + name + " routed to backend " + backend.name() + " it does not know");
        }
        return p;
    }

    HttpLimits limits() {
        return limits;
    }

    boolean forwardFor() {
        return forwardFor;
    }

    boolean httpClose() {
        return httpClose;
    }

    /** The frontend's {@code max-body-size}; {@link Long#MAX_VALUE} when it has none. */
    long maxBodySize() {
        return maxBodySize;
    }

    /** 0 ("no limit" in the configuration) as the limit no body reaches. */
    private static long noLimitAsMax(long maxBodySize) {
        return maxBodySize == 0 ? Long.MAX_VALUE : maxBodySize;
    }

    HttpRules rules() {
        return rules;
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
