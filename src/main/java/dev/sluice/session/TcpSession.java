package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.AddressView;
import dev.sluice.http.ProxyHeader;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.TcpRequestRules;
import dev.sluice.log.TerminationPhase;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.TlsHandshakeFailure;
import dev.sluice.net.Connector;
import java.io.IOException;

/**
 * One client connection's life in TCP mode: wait for a server slot, connect,
 * relay bytes both ways with back-pressure and half-close, then give the slot
 * back. The session task ({@link #run()}) is what the seed called
 * {@code process_session()}; each run is counted. The server side (the slot,
 * the connection, its retries) is {@link TcpUpstream}'s.
 *
 * <p>Criticality follows DESIGN.md's progress rule: until the session holds a
 * server slot it reads its client with {@link Criticality#NORMAL} allocations;
 * from the moment it holds one its progress is what frees the slot, so each
 * direction's first buffer is {@link Criticality#URGENT} and the buffer that
 * completes its pair (the other direction holds one already) is
 * {@link Criticality#CRITICAL}.
 *
 * <p>Sans-I/O: it sees only {@link Loop}, {@link Connection} and
 * {@link Connector}, so the simulator drives the very same code.
 *
 * <p>Not thread-safe: owned by the loop that accepted the client. The only
 * call from elsewhere, a slot grant, arrives as a message posted to that loop
 * ({@link Loop#post}).
 */
public final class TcpSession extends Session {
    /** {@code ADMITTING}: the slot is held, and the session waits for its claim on both pools ({@link ExchangeClaim}). */
    enum State { PROXY_HEADER, HANDSHAKE, INSPECT, WAITING_FOR_SLOT, ADMITTING, CONNECTING, ESTABLISHED, CLOSED }

    private final TcpFrontend frontend;
    /** Chosen when the session starts, from the frontend's rules; null until then, or when none was. */
    Backend backend;
    SessionTimeouts timeouts;
    boolean smartConnect;
    private final SessionSet sessions;
    final SessionCounters counters;
    final Connection client;
    final Channel request;
    final Channel response;
    private final TcpUpstream upstream;
    State state = State.WAITING_FOR_SLOT;
    long phaseDeadline;
    private final TcpDeadlines.State times = new TcpDeadlines.State();
    private SessionOutcome outcome;
    /** The connection's addresses as the rules see them. */
    AddressView view;
    /** The PROXY header a server with send-proxy gets first, naming the client {@link #view} holds. */
    ServerPreamble serverPreamble;
    /** The PROXY header still to read, under accept-proxy; null otherwise. */
    private ProxyHeader proxyHeader;
    /** The access log's record of the session. */
    final ExchangeLog log;
    /** When the content rules first ran: the inspect delay counts from here. */
    private long inspectStart;

    private TcpSession(Loop loop, Connector connector, TcpFrontend frontend, SessionSet sessions,
                       SessionCounters counters, Connection client) {
        super(loop);
        this.frontend = frontend;
        this.sessions = sessions;
        this.counters = counters;
        this.client = client;
        this.log = ExchangeLog.of(frontend.log(), loop.id(), frontend.limit());
        this.request = new Channel(this, loop, Channel.Direction.REQUEST, Channel.EndOfStream.RELAY);
        this.response = new Channel(this, loop, Channel.Direction.RESPONSE, Channel.EndOfStream.RELAY);
        Channel.pair(request, response);
        this.upstream = new TcpUpstream(this, connector);
    }

    /**
     * Starts a session for an accepted client connection: asks the backend for
     * a slot and, meanwhile, reads what the client sends (NORMAL allocations).
     * The caller has counted it in with the frontend's {@link TcpFrontend#limit()}; the
     * session counts itself out when it closes.
     */
    public static TcpSession start(Loop loop, Connector connector, TcpFrontend frontend, SessionSet sessions,
                                   SessionCounters counters, Connection client) {
        return start(loop, connector, frontend, sessions, counters, client, ClientPreamble.NONE);
    }

    /** The same, for a connection that first sends {@code preamble} (a PROXY header under accept-proxy). */
    public static TcpSession start(Loop loop, Connector connector, TcpFrontend frontend, SessionSet sessions,
                                   SessionCounters counters, Connection client, ClientPreamble preamble) {
        TcpSession s = new TcpSession(loop, connector, frontend, sessions, counters, client);
        s.begin(preamble);
        return s;
    }

    private void begin(ClientPreamble preamble) {
        sessions.add(this);
        counters.opened++;
        long now = loop.clock().nanoTime();
        clientActiveAt = now;
        serverActiveAt = now;
        request.readFrom(client);
        response.writeTo(client);
        client.handler(client.isTls() ? handshakeAware(eventsFor(request)) : eventsFor(request));
        if (client.isTls()) {
            client.slotProgress(new ClientSlotProgress(this));
        }
        view = new AddressView(new ConnectionAddresses().set(client.remoteAddress(), client.remotePort(),
                client.localAddress()).servers(frontend.serverCounts()).tls(client)
                .stickTables(frontend.stickTables()));
        log.accepted(view.addresses(), now);
        serverPreamble = new ServerPreamble(view.addresses());
        // Connection rules see the socket's addresses; the rest sees the client a PROXY header names.
        if (!frontend.rules().accepts(TcpRequestRules.Phase.CONNECTION, view)) {
            close(SessionOutcome.REJECTED, CloseMode.ORDERLY);
            return;
        }
        if (preamble == ClientPreamble.PROXY_HEADER) {
            state = State.PROXY_HEADER;
            proxyHeader = new ProxyHeader();
            timeouts = frontend.headerTimeouts();
            client.readInterest(true);
            request.tryReceive();
            armTimer();
            return;
        }
        if (!client.handshakeDone()) {
            awaitHandshake();
            return;
        }
        route(now);
    }

    /**
     * A TLS client's handshake ends before the session is routed, as in
     * HAProxy: the rules then see what it agreed ({@code ssl_fc_sni}), and a
     * client slow to finish it holds no server slot meanwhile. Its records
     * take the request's class, {@code NORMAL} before a slot, as an HTTP
     * session's do. Bytes the client sends after it wait in the request
     * buffer until the server connection is established.
     */
    private void awaitHandshake() {
        state = State.HANDSHAKE;
        timeouts = frontend.headerTimeouts();
        client.readInterest(true);
        request.tryReceive();
        armTimer();
        if (client.handshakeDone()) {
            wake();
        }
    }

    /** The client's events, and a wake-up when its handshake ends while the session waits for it. */
    private ConnectionHandler handshakeAware(ConnectionHandler events) {
        return new ConnectionHandler() {
            @Override
            public void readable() {
                events.readable();
                if (state == State.HANDSHAKE && client.handshakeDone()) {
                    wake();
                }
            }

            @Override
            public void writable() {
                events.writable();
            }
        };
    }

    /**
     * Reads the PROXY header the connection starts with; once it is whole it
     * leaves the buffer and the session is routed. A malformed one drops the
     * connection, as HAProxy does.
     */
    private void readProxyHeader(long now) {
        ProxyHeader.Result r = ClientPreamble.readProxyHeader(request, proxyHeader, view.addresses());
        if (r == ProxyHeader.Result.NEED_MORE) {
            if (request.sourceEnded()) {
                close(SessionOutcome.CLIENT_ABORT, CloseMode.ORDERLY);
            }
            return;
        }
        if (r == ProxyHeader.Result.BAD) {
            close(SessionOutcome.BAD_REQUEST, CloseMode.ABORTIVE);
            return;
        }
        proxyHeader = null;
        log.clientKnown(view.addresses());
        state = State.WAITING_FOR_SLOT;
        route(now);
    }

    /**
     * Content rules, the backend, and a slot on one of its servers. While a
     * content rule waits for the client's bytes ({@code req.ssl_sni} before
     * the ClientHello is whole), the session inspects: it reads into its
     * request buffer as any session does before a slot ({@code NORMAL}), and
     * the rules run again as bytes come, and a last time, on what is there,
     * when the inspect delay is over, the buffer is full or the client has
     * ended. It holds no slot and is in no queue meanwhile, so nothing waits
     * on it (docs/design.md, "Why it cannot deadlock").
     */
    private void route(long now) {
        if (state != State.INSPECT) {
            inspectStart = now;
        }
        view.payload(request.buffer(), request.inputFull() || request.sourceEnded());
        TcpRouting.Decision d = TcpRouting.route(frontend, view);
        if (d.waits()) {
            long until = inspectStart + d.waitNanos();
            if (d.waitNanos() > 0 && now - until < 0) {
                view.payload(null, true);
                inspect(until);
                return;
            }
            view.payload(request.buffer(), true);
            d = TcpRouting.route(frontend, view);
        }
        view.payload(null, true);
        if (d.refusal() != null) {
            close(d.refusal(), CloseMode.ORDERLY);
            return;
        }
        state = State.WAITING_FOR_SLOT;
        phaseDeadline = 0;
        backend = d.backend();
        timeouts = d.policy().timeouts();
        smartConnect = d.policy().smartConnect();
        log.routed(backend);
        client.readInterest(true);
        upstream.stuck = upstream.sticks.request(d.policy().stickRules(), backend, view, view.addresses().stickTables(),
                false);
        upstream.acquire(now, null);
    }

    /** Waits for more of the client's bytes, or for the inspect delay to end at {@code until}. */
    private void inspect(long until) {
        state = State.INSPECT;
        timeouts = frontend.headerTimeouts();
        phaseDeadline = until;
        client.readInterest(true);
        request.tryReceive();
        armTimer();
    }

    /** The server connection is open (and its PROXY header sent): the relay begins. */
    void established() {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.ESTABLISHED;
        // Connected: the stick rules' key names this server from now on, as HAProxy stores then.
        upstream.sticks.served(upstream.slot);
        request.startStreaming();
        response.startStreaming();
        serverActiveAt = loop.clock().nanoTime();
        log.connected(serverActiveAt, upstream.retries);
        upstream.server.readInterest(true);
        wake();
    }

    /**
     * Which class this session's allocations in {@code direction} belong to now:
     * NORMAL for client bytes read before it holds a slot; once it holds one,
     * CRITICAL if the other direction already holds a buffer (this one completes
     * the pair), URGENT otherwise.
     */
    @Override
    public Criticality criticality(Channel.Direction direction) {
        if (direction == Channel.Direction.REQUEST && (upstream.slot == null || state == State.ADMITTING)) {
            return Criticality.NORMAL;
        }
        Channel other = direction == Channel.Direction.REQUEST ? response : request;
        return other.hasBuffer() ? Criticality.CRITICAL : Criticality.URGENT;
    }

    @Override
    public void wake() {
        if (state != State.CLOSED) {
            loop.schedule(this);
        }
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** A read or write on one side failed (a reset, a broken pipe). */
    @Override
    public void peerFailed(Side side, IOException cause) {
        close(side == Side.CLIENT ? SessionOutcome.CLIENT_ABORT : SessionOutcome.SERVER_ABORT, CloseMode.ABORTIVE);
    }

    /** The session task: timeouts, then forwarding in both directions. */
    @Override
    protected void run() {
        if (state == State.CLOSED) {
            return;
        }
        loop.counters().sessionTaskRuns++;
        long now = loop.clock().nanoTime();
        if (expired(now)) {
            return;
        }
        if (state == State.PROXY_HEADER) {
            readProxyHeader(now);
            if (state == State.PROXY_HEADER || state == State.CLOSED) {
                if (state != State.CLOSED) {
                    armTimer();
                }
                return;
            }
        }
        if (state == State.HANDSHAKE) {
            if (!client.handshakeDone()) {
                if (request.sourceEnded()) {
                    close(SessionOutcome.CLIENT_ABORT, CloseMode.ORDERLY);
                    return;
                }
                armTimer();
                return;
            }
            state = State.WAITING_FOR_SLOT;
            route(now);
            if (state == State.CLOSED || state == State.INSPECT) {
                return;
            }
        }
        if (state == State.INSPECT) {
            route(now);
            if (state == State.CLOSED || state == State.INSPECT) {
                return;
            }
        }
        if (state == State.ESTABLISHED) {
            if (!request.forward() || !response.forward()) {
                return;
            }
            if (request.sinkShut() && response.sinkShut()) {
                close(SessionOutcome.DONE, CloseMode.ORDERLY);
                return;
            }
        }
        armTimer();
    }

    /** Closes the session if one of its deadlines has passed. */
    private boolean expired(long now) {
        switch (state) {
            case WAITING_FOR_SLOT -> {
                if (phaseDeadline != 0 && now - phaseDeadline >= 0 && upstream.leaveQueue()) {
                    close(SessionOutcome.QUEUE_TIMEOUT, CloseMode.ORDERLY);
                    return true;
                }
            }
            case CONNECTING -> {
                if (phaseDeadline != 0 && now - phaseDeadline >= 0) {
                    return upstream.connectDeadlinePassed();
                }
            }
            default -> {
            }
        }
        TcpDeadlines.State t = refreshTimes();
        long tunnelDeadline = TcpDeadlines.tunnel(t);
        if (tunnelDeadline != 0 && now - tunnelDeadline >= 0) {
            close(SessionOutcome.TUNNEL_TIMEOUT, CloseMode.ABORTIVE);
            return true;
        }
        long clientDeadline = TcpDeadlines.client(t);
        if (clientDeadline != 0 && now - clientDeadline >= 0) {
            close(SessionOutcome.CLIENT_TIMEOUT, cutIfRelaying());
            return true;
        }
        long serverDeadline = TcpDeadlines.server(t);
        if (serverDeadline != 0 && now - serverDeadline >= 0) {
            close(SessionOutcome.SERVER_TIMEOUT, cutIfRelaying());
            return true;
        }
        return false;
    }

    /** A timeout in the middle of a relay cuts both streams; before one, nothing was relayed to cut. */
    private CloseMode cutIfRelaying() {
        return state == State.ESTABLISHED ? CloseMode.ABORTIVE : CloseMode.ORDERLY;
    }

    /** The deadline state, with what the session knows now. */
    private TcpDeadlines.State refreshTimes() {
        TcpDeadlines.State t = times;
        t.relaying = state == State.ESTABLISHED;
        t.phaseDeadline = phaseDeadline;
        t.timeouts = timeouts;
        t.clientActiveAt = clientActiveAt;
        t.serverActiveAt = serverActiveAt;
        t.waitsOnClient = request.wantsInput() || response.holdsBytes();
        t.waitsOnServer = response.wantsInput() || request.holdsBytes();
        t.clientHalfClosed = request.sourceEnded() || response.sinkShut();
        t.serverHalfClosed = response.sourceEnded() || request.sinkShut();
        return t;
    }

    @Override
    long nextDeadline() {
        return TcpDeadlines.next(refreshTimes());
    }

    /** A TCP session is never between exchanges: it carries one stream. */
    @Override
    boolean uses(Server server) {
        return upstream.slot == server;
    }

    @Override
    boolean softStop(long now, long idleGraceNanos) {
        // A TCP stream has no boundary to stop at: it runs to its end, or to hard-stop-after.
        return false;
    }

    @Override
    void abort(SessionOutcome why) {
        close(why, CloseMode.ABORTIVE);
    }

    /**
     * Ends the session and gives back everything it holds, resetting both
     * connections or closing them in order.
     */
    void close(SessionOutcome why, CloseMode mode) {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        outcome = why;
        request.dispose();
        response.dispose();
        loop.cancel(timer);
        upstream.giveBack(was == State.WAITING_FOR_SLOT);
        TlsHandshakeFailure unfinished = unfinishedHandshake(client, why);
        if (unfinished != null) {
            loop.counters().tlsHandshakeFailures[unfinished.ordinal()]++;
            log.handshakeFailed(loop.clock().nanoTime(), client.listenerName(), unfinished);
        }
        // Logged with its slot given back, as HAProxy counts the server's connections.
        log.end(loop.clock().nanoTime(), request, response, why, switch (was) {
            case PROXY_HEADER, HANDSHAKE, INSPECT -> TerminationPhase.REQUEST;
            case WAITING_FOR_SLOT, ADMITTING -> TerminationPhase.QUEUE;
            case CONNECTING -> TerminationPhase.CONNECT;
            case ESTABLISHED, CLOSED -> TerminationPhase.DATA;
        });
        Connection server = upstream.server;
        if (mode == CloseMode.ABORTIVE) {
            client.abort();
            if (server != null) {
                server.abort();
            }
        } else {
            client.close();
            if (server != null) {
                server.close();
            }
        }
        if (view != null && view.addresses().tracking() != null) {
            view.addresses().tracking().connectionEnded();
        }
        counters.closed(why, request.forwarded(), response.forwarded());
        sessions.remove(this);
        frontend.limit().leave();
    }

    /** How the session ended, or {@code null} while it is open. */
    public SessionOutcome outcome() {
        return outcome;
    }

    /** The session's state, for {@code show sess} and failure reports. */
    @Override
    public String toString() {
        return "TcpSession[" + (client.isTls() ? client.toString() : client.peer()) + " fe=" + frontend.name() + " be=" + (backend == null ? "-" : backend.name()) + " srv="
                + (upstream.slot == null ? "-" : upstream.slot.name()) + " state=" + state + " request{" + request.describe()
                + "} response{" + response.describe() + "}]";
    }
}
