package dev.sluice.session;

import dev.sluice.backend.IdleServerConnections;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.log.TerminationPhase;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.TlsHandshakeFailure;
import dev.sluice.net.Connector;
import java.io.IOException;

/**
 * One client connection's life in HTTP mode: requests one after the other
 * (keep-alive, pipelined requests answered in order), each routed to a
 * backend and sent over a new or a reused server connection, holding a server
 * slot until its response has been received.
 *
 * <p>The session is the state machine that drives the phases, each in a room
 * of its own: the client's admission before its first request
 * ({@link HttpAdmission}), waiting for the request ({@link RequestAnalyser}),
 * the request policy ({@link RequestPolicy}), the exchange's server side
 * ({@link HttpUpstream}) over the server link ({@link ServerLink}), waiting
 * for the response ({@link ResponseAnalyser}), the head rewriter
 * ({@code http.HeadRewriter}), replies of Sluice's own ({@link OwnReply}) and
 * the deadlines ({@link HttpDeadlines}, kept and acted on by
 * {@link HttpTimekeeper}). Every change of {@link Req} or {@link Resp} goes
 * through a table of the transitions that can happen; any other is a bug, and
 * ends the session loudly.
 *
 * <p>Parking: a session idle for {@link #PARK_NANOS} with nothing in flight
 * gives up its exchange's parts ({@link ExchangeParts}) and keeps only
 * itself, its deadlines and its socket; its client's next byte makes new
 * parts (docs/design.md, "Parked sessions").
 *
 * <p>Criticality (DESIGN.md, "Why it cannot deadlock"): the request head, and
 * the body read before the request holds a slot, are {@link Criticality#NORMAL}.
 * The response, every reply Sluice produces, and the request once it holds a
 * slot and goes out, free what the session holds by moving: their first buffer
 * is {@link Criticality#URGENT}, and the one that completes the pair (the other
 * direction holds a buffer already) is {@link Criticality#CRITICAL}. A session
 * holds at most one buffer per direction and gives each back once it is empty.
 *
 * <p>Not thread-safe: owned by the loop that accepted the client. A slot grant
 * arrives as a message posted to that loop ({@link Loop#post}).
 */
public final class HttpSession extends Session implements Refusals, ConnectionHandler {
    /** Where the current request is. */
    enum Req { HEAD, WAITING_FOR_SLOT, CONNECTING, SENDING, SENT, DISCARDING, TUNNEL }

    /** Where the current response is. */
    enum Resp { IDLE, HEAD, INTERIM, BODY, RECEIVED, REPLY, TUNNEL }

    /** The longest a client connection lingers after an answer given before its request was all read. */
    private static final long LINGER_NANOS = 5_000_000_000L;
    /** How long a connection sits idle between exchanges (or before its first) before it gives up its parts. */
    static final long PARK_NANOS = 1_000_000_000L;

    private final HttpFrontend frontend;
    private final SessionSet sessions;
    private final SessionCounters counters;
    private final Connection client;
    private final Connector connector;
    private final IdleServerConnections idle;
    /** The exchange's parts: its channels, analysers, server side and reply; null while the session is parked. */
    private ExchangeParts parts;
    /** The client and where it connected to, as rules and logs see them. */
    private final ConnectionAddresses addresses;
    /** The client's admission while a PROXY header is still to be read before the first request, else null. */
    private HttpAdmission admission;
    /** The deadlines' state, kept up to date, and what the session does when one passes. */
    private final HttpTimekeeper timekeeper;
    /** The access log's record of the current exchange. */
    final ExchangeLog log;

    private final ExchangeState state = new ExchangeState();
    private boolean closed;
    int requestsOnConnection;

    private HttpSession(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                        SessionCounters counters, IdleServerConnections idle, Connection client) {
        super(loop);
        this.frontend = frontend;
        this.sessions = sessions;
        this.counters = counters;
        this.client = client;
        this.connector = connector;
        this.idle = idle;
        this.log = ExchangeLog.of(frontend.log(), loop.id(), frontend.limit());
        this.addresses = new ConnectionAddresses().set(client.remoteAddress(), client.remotePort(),
                client.localAddress()).servers(frontend.serverCounts()).tls(client).stickTables(frontend.stickTables());
        this.timekeeper = new HttpTimekeeper(this, frontend);
        parts = makeParts();
    }

    private ExchangeParts makeParts() {
        return new ExchangeParts(this, frontend, counters, new ServerLink.Parts(loop, connector, idle, client),
                timekeeper, addresses);
    }


    /**
     * Starts a session for an accepted client connection. The caller has counted
     * it in with the frontend's {@link HttpFrontend#limit()}; it counts itself out when it closes.
     */
    public static HttpSession start(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                                    SessionCounters counters, IdleServerConnections idle, Connection client) {
        return start(loop, connector, frontend, sessions, counters, idle, client, ClientPreamble.NONE);
    }

    /** The same, for a connection that first sends {@code preamble} (a PROXY header under accept-proxy). */
    public static HttpSession start(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                                    SessionCounters counters, IdleServerConnections idle, Connection client,
                                    ClientPreamble preamble) {
        HttpSession s = new HttpSession(loop, connector, frontend, sessions, counters, idle, client);
        s.admission = preamble == ClientPreamble.PROXY_HEADER ? new HttpAdmission(s, frontend, counters, s.addresses)
                : null;
        s.begin();
        return s;
    }

    private void begin() {
        sessions.add(this);
        counters.opened++;
        long now = loop.clock().nanoTime();
        log.accepted(addresses, now);
        if (!HttpAdmission.accepted(frontend, addresses, admission != null)) {
            close(SessionOutcome.REJECTED, CloseMode.ORDERLY);
            return;
        }
        clientActiveAt = now;
        client.handler(this);
        if (client.isTls()) {
            client.slotProgress(new ClientSlotProgress(this));
        }
        timekeeper.headStarted(now, parts.request);
        waitForRequest(now);
        // Most clients send their request as soon as they are connected: read it now, not
        // after a select. A request read whole here never costs an epoll change for the client.
        parts.request.tryReceive();
    }

    Req req() {
        return state.req();
    }

    Resp resp() {
        return state.resp();
    }

    void req(Req to) {
        state.req(to, this);
    }

    void resp(Resp to) {
        state.resp(to, this);
    }

    /** Gets ready for the next request on this connection (the first, or one after keep-alive). */
    void waitForRequest(long now) {
        req(Req.HEAD);
        resp(Resp.IDLE);
        if (requestsOnConnection > 0) {
            // The next exchange's timers start at the end of the last one, as HAProxy's do.
            log.begin(now, parts.request, parts.response);
        }
        timekeeper.idleSince = now;
        if (parts.nextRequest()) {
            // A pipelined request is already here: parse it now.
            timekeeper.headStarted(now, parts.request);
            wake();
        }
        armTimer();
    }

    /**
     * NORMAL until the request holds a slot and goes out; then URGENT, or
     * CRITICAL to complete the pair. A tunnel holds its slot to its end and
     * relays both ways, as a TCP session does, under the same rule.
     */
    @Override
    public Criticality criticality(Channel.Direction direction) {
        if (parked()) {
            return Criticality.NORMAL;
        }
        boolean freesASlot = direction == Channel.Direction.RESPONSE
                || parts.link.holdsSlot() && (req() == Req.CONNECTING || req() == Req.SENDING || req() == Req.TUNNEL);
        if (!freesASlot) {
            return Criticality.NORMAL;
        }
        Channel other = direction == Channel.Direction.REQUEST ? parts.response : parts.request;
        return other.hasBuffer() ? Criticality.CRITICAL : Criticality.URGENT;
    }

    @Override
    public void wake() {
        if (!closed) {
            loop.schedule(this);
        }
    }

    /** The client connection is readable: a parked session makes its parts again, and reads. */
    @Override
    public void readable() {
        if (closed) {
            return;
        }
        if (parked()) {
            unpark();
        }
        parts.request.receive();
    }

    /** The client connection drains what the response channel sends it: the session task goes on. */
    @Override
    public void writable() {
        wake();
    }

    // --- parking: an idle connection without its exchange's parts ---

    /** Whether the session gave up its exchange's parts: it waits for its client's next byte, holding nothing else. */
    boolean parked() {
        return parts == null;
    }

    /**
     * Whether the session may give up its parts now: it waits for a request of
     * which no byte came, and its parts hold nothing. A TLS client never parks:
     * its connection counts its record buffers to the claim its parts made
     * ({@link ExchangeClaim}), and its engine's state is many times their size.
     */
    boolean parkable() {
        return !parked() && req() == Req.HEAD && resp() == Resp.IDLE && admission == null && !stopping
                && !client.isTls() && parts.holdNothing();
    }

    /**
     * Gives up the exchange's parts ({@link ExchangeParts}). The client
     * connection keeps its read interest, and its next byte makes new parts
     * ({@link #readable}); the log's and the counters' byte totals go on from
     * what these moved.
     */
    void park() {
        loop.counters().sessionsParked++;
        timekeeper.parking(parts.request);
        parts.retire(log, counters);
        parts = null;
        client.writeInterest(false);
        client.readInterest(true);
    }

    /** The client sent a byte to a parked session: new parts, waiting for the request's head. */
    private void unpark() {
        loop.counters().sessionsUnparked++;
        parts = makeParts();
        parts.nextRequest();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void peerFailed(Side side, IOException cause) {
        if (side == Side.CLIENT) {
            close(SessionOutcome.CLIENT_ABORT, CloseMode.ABORTIVE);
        } else {
            parts.upstream.serverFailed();
        }
    }

    @Override
    public void writeFailed(Side side, IOException cause) {
        if (side == Side.SERVER) {
            parts.upstream.serverWriteFailed();
        } else {
            peerFailed(side, cause);
        }
    }

    @Override
    public boolean closesAfterMessage(Channel.Direction direction) {
        return direction == Channel.Direction.RESPONSE && parts.exchange.closesAfterResponse();
    }

    @Override
    public void bufferForProducing(Channel channel) {
        if (channel == parts.response) {
            parts.exchange.bufferForReply();
        }
    }

    /** The session task. A transition that cannot happen ends the session, its holdings given back, and is rethrown. */
    @Override
    protected void run() {
        if (closed) {
            return;
        }
        loop.counters().sessionTaskRuns++;
        try {
            step(loop.clock().nanoTime());
        } catch (RuntimeException e) {
            close(SessionOutcome.INTERNAL_ERROR, CloseMode.ABORTIVE);
            throw e;
        }
    }

    private void step(long now) {
        timekeeper.firstBytesAfterKeepAlive(now, parts);
        if (timekeeper.expired(now, parts)) {
            return;
        }
        if (parked()) {
            // Woken without a byte from the client (that brings the parts back first): only the deadlines matter.
            armTimer();
            return;
        }
        if (admission != null) {
            if (!admission.admitted(parts)) {
                return;
            }
            admission = null;
        }
        if (req() == Req.HEAD && parts.request.held() > 0) {
            log.requestBytesSeen(now);
        }
        for (int pass = 0; pass < 4 && !closed; pass++) {
            Req r = req();
            Resp s = resp();
            if (!parts.exchange.analyseRequest(now) || !parts.exchange.analyseResponse() || !parts.request.forward()
                    || !parts.response.forward() || !parts.exchange.afterForwarding(now)) {
                return;
            }
            // Forwarding the last request bytes completes the request without changing a state:
            // analyse again so that it moves on to SENT now, not at the next event.
            if (r == req() && s == resp() && !(req() == Req.SENDING && parts.requestSide.complete())) {
                break;
            }
        }
        if (!closed) {
            armTimer();
        }
    }

    @Override
    long nextDeadline() {
        return timekeeper.next(parts);
    }

    // --- the end ---

    /** Idle: waiting for a request of which no byte has come, for at least the grace. */
    @Override
    boolean softStop(long now, long idleGraceNanos) {
        return req() == Req.HEAD && resp() == Resp.IDLE && (parked() || parts.request.held() == 0 && !parts.request.isWaiting())
                && now - timekeeper.idleSince >= idleGraceNanos && !close(SessionOutcome.DONE, CloseMode.ORDERLY);
    }

    @Override
    boolean uses(dev.sluice.backend.Server server) {
        return !parked() && parts.link.holdsSlot() && parts.link.server() == server;
    }

    /** A soft stop reached the session: its next response says {@code Connection: close}, and it ends. */
    boolean stopping() {
        return stopping;
    }

    @Override
    void abort(SessionOutcome why) {
        close(why, CloseMode.ABORTIVE);
    }

    /** Ends the session and gives back everything it holds. Returns false, so that a run can end with it. */
    boolean close(SessionOutcome why, CloseMode mode) {
        if (closed) {
            return false;
        }
        closed = true;
        TlsHandshakeFailure unfinished = unfinishedHandshake(client, why);
        if (unfinished != null) {
            loop.counters().tlsHandshakeFailures[unfinished.ordinal()]++;
        }
        boolean betweenExchanges = req() == Req.HEAD && requestsOnConnection > 0
                && (parked() || parts.request.held() == 0);
        log.sessionEnded(loop.clock().nanoTime(), client.listenerName(), unfinished, betweenExchanges,
                parked() ? null : parts.request, parked() ? null : parts.response, why, phase());
        if (addresses.tracking() != null) {
            // Its entries' conn_cur goes down: the connection and its request hold them no more.
            addresses.tracking().connectionEnded();
        }
        loop.cancel(timer);
        if (!parked()) {
            parts.end(counters);
        }
        if (mode == CloseMode.ABORTIVE) {
            client.abort();
        } else if (req() == Req.DISCARDING && !parked() && !parts.request.sourceEnded()) {
            // Answered before the request was all read (a refusal in the middle of
            // an upload): a close now, with input unread, would be a reset.
            long clientTimeout = frontend.clientTimeout();
            client.closeLingering(clientTimeout > 0 ? Math.min(clientTimeout, LINGER_NANOS) : LINGER_NANOS);
        } else {
            client.close();
        }
        counters.closed(why);
        sessions.remove(this);
        frontend.limit().leave();
        return false;
    }

    @Override
    public void refused(int status, String reason) {
        log.refused(frontend.name(), client, status, reason);
    }

    /** What the exchange is doing now, as the second character of {@code %tsc} says it. */
    TerminationPhase phase() {
        return state.phase();
    }

    /** The session's state, for failure reports. */
    @Override
    public String toString() {
        return "HttpSession[" + (client.isTls() ? client.toString() : client.peer()) + " fe=" + frontend.name()
                + " req=" + req() + " resp=" + resp() + " requests=" + requestsOnConnection + (closed ? " closed" : "")
                + " " + (parked() ? "parked" : parts) + "]";
    }
}
