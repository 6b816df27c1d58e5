package dev.sluice.session;

import dev.sluice.backend.IdleServerConnections;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.ForwardedFor;
import dev.sluice.http.HttpError;
import dev.sluice.http.Method;
import dev.sluice.http.ParsedRequest;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.Connector;
import java.io.IOException;
import java.net.InetAddress;

/**
 * One client connection's life in HTTP mode: requests one after the other
 * (keep-alive, pipelined requests answered in order), each routed to a
 * backend and sent over a new or a reused server connection, holding a server
 * slot until its response has been received.
 *
 * <p>The session is the state machine that drives the phases, each in a room
 * of its own: waiting for the request ({@link RequestAnalyser}), the request
 * policy ({@link RequestPolicy}), the server link ({@link ServerLink}),
 * waiting for the response ({@link ResponseAnalyser}), the head rewriter
 * ({@code http.HeadRewriter}), replies of Sluice's own ({@link OwnReply}) and
 * the deadlines ({@link HttpDeadlines}). Every change of {@link Req} or
 * {@link Resp} goes through a table of the transitions that can happen; any
 * other is a bug, and ends the session loudly.
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
 * arrives through that loop's inbox.
 */
public final class HttpSession extends Session implements ServerLink.Events, Refusals {
    /** Where the current request is. */
    enum Req { HEAD, WAITING_FOR_SLOT, CONNECTING, SENDING, SENT, DISCARDING }

    /** Where the current response is. */
    enum Resp { IDLE, HEAD, INTERIM, BODY, RECEIVED, REPLY }

    private static final int[] REQ_NEXT = new int[Req.values().length];
    private static final int[] RESP_NEXT = new int[Resp.values().length];

    static {
        // The next request follows a response (SENT), a reply (DISCARDING), or nothing (the first).
        allow(REQ_NEXT, Req.HEAD, Req.HEAD, Req.WAITING_FOR_SLOT, Req.CONNECTING, Req.DISCARDING);
        allow(REQ_NEXT, Req.WAITING_FOR_SLOT, Req.CONNECTING, Req.DISCARDING);
        allow(REQ_NEXT, Req.CONNECTING, Req.SENDING, Req.DISCARDING);
        allow(REQ_NEXT, Req.SENDING, Req.SENT, Req.DISCARDING);
        allow(REQ_NEXT, Req.SENT, Req.HEAD, Req.DISCARDING);
        allow(REQ_NEXT, Req.DISCARDING, Req.HEAD, Req.DISCARDING);
        allow(RESP_NEXT, Resp.IDLE, Resp.IDLE, Resp.HEAD, Resp.REPLY);
        allow(RESP_NEXT, Resp.HEAD, Resp.INTERIM, Resp.BODY, Resp.REPLY);
        allow(RESP_NEXT, Resp.INTERIM, Resp.HEAD, Resp.REPLY);
        allow(RESP_NEXT, Resp.BODY, Resp.RECEIVED);
        allow(RESP_NEXT, Resp.RECEIVED, Resp.IDLE);
        allow(RESP_NEXT, Resp.REPLY, Resp.IDLE);
    }

    @SafeVarargs
    private static <E extends Enum<E>> void allow(int[] table, E from, E... to) {
        for (E e : to) {
            table[from.ordinal()] |= 1 << e.ordinal();
        }
    }

    /** The longest a client connection lingers after an answer given before its request was all read. */
    private static final long LINGER_NANOS = 5_000_000_000L;

    private final HttpFrontend frontend;
    private final SessionSet sessions;
    private final SessionCounters counters;
    private final Connection client;
    /** The client's address as the rules see it: 4 or 16 bytes, or empty. */
    private final byte[] clientAddressBytes;
    /** {@code X-Forwarded-For: <client>} (no CRLF), built once per connection. */
    private final byte[] forwardedForField;
    private final ParsedRequest view = new ParsedRequest();
    private final RequestPolicy.Decision decision = new RequestPolicy.Decision();
    private final Channel request;
    private final Channel response;
    private final RequestAnalyser requestSide;
    private final ResponseAnalyser responseSide;
    private final ServerLink link;
    private final OwnReply reply = new OwnReply();
    private final HttpDeadlines.State times = new HttpDeadlines.State();

    private Req req = Req.HEAD;
    private Resp resp = Resp.IDLE;
    private boolean closed;
    private HttpFrontend.BackendPolicy policy;
    /** {@code option httpclose} applies to this request: both connections close after its response. */
    private boolean httpClose;
    private boolean closeAfterResponse;
    private int requestsOnConnection;
    /** The request channel's buffer wait when the head started: what it waited since is not the client's. */
    private long headWaitBase;

    private HttpSession(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                        SessionCounters counters, IdleServerConnections idle, Connection client) {
        super(loop);
        this.frontend = frontend;
        this.sessions = sessions;
        this.counters = counters;
        this.client = client;
        InetAddress clientAddress = client.remoteAddress();
        this.clientAddressBytes = clientAddress == null ? new byte[0] : clientAddress.getAddress();
        this.forwardedForField = clientAddress == null ? null : ForwardedFor.fieldLine(clientAddressBytes);
        this.request = new Channel(this, loop, Channel.Direction.REQUEST, Channel.EndOfStream.KEEP);
        this.response = new Channel(this, loop, Channel.Direction.RESPONSE, Channel.EndOfStream.KEEP);
        Channel.pair(request, response);
        this.requestSide = new RequestAnalyser(request, frontend.limits());
        this.responseSide = new ResponseAnalyser(response, frontend.limits(), counters, this);
        this.link = new ServerLink(loop, request, response, connector, idle, counters, this);
        times.httpTimeouts = frontend.httpTimeouts();
        times.clientTimeout = frontend.clientTimeout();
    }

    /**
     * Starts a session for an accepted client connection. The caller has counted
     * it in with the frontend's {@link HttpFrontend#limit()}; it counts itself out when it closes.
     */
    public static HttpSession start(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                                    SessionCounters counters, IdleServerConnections idle, Connection client) {
        HttpSession s = new HttpSession(loop, connector, frontend, sessions, counters, idle, client);
        s.begin();
        return s;
    }

    private void begin() {
        sessions.add(this);
        counters.opened++;
        long now = loop.clock().nanoTime();
        clientActiveAt = now;
        request.readFrom(client);
        response.writeTo(client);
        client.handler(eventsFor(request));
        headStarted(now);
        waitForRequest(now);
        // Most clients send their request as soon as they are connected: read it now, not
        // after a select. A request read whole here never costs an epoll change for the client.
        request.tryReceive();
    }

    private void req(Req to) {
        if ((REQ_NEXT[req.ordinal()] & 1 << to.ordinal()) == 0) {
            throw new IllegalStateException("HTTP session: request " + req + " -> " + to + " cannot happen: " + this);
        }
        req = to;
    }

    private void resp(Resp to) {
        if ((RESP_NEXT[resp.ordinal()] & 1 << to.ordinal()) == 0) {
            throw new IllegalStateException("HTTP session: response " + resp + " -> " + to + " cannot happen: " + this);
        }
        resp = to;
    }

    private void headStarted(long now) {
        times.headStartedAt = now;
        headWaitBase = request.waitedNanos();
    }

    /** Gets ready for the next request on this connection (the first, or one after keep-alive). */
    private void waitForRequest(long now) {
        req(Req.HEAD);
        resp(Resp.IDLE);
        requestSide.expectHead();
        responseSide.idle();
        times.idleSince = now;
        Buffer b = request.buffer();
        if (b != null && b.readable() > 0) {
            // A pipelined request is already here: parse it now.
            headStarted(now);
            b.compact();
            wake();
        }
        request.updateInterest();
        armTimer();
    }

    /** NORMAL until the request holds a slot and goes out; then URGENT, or CRITICAL to complete the pair. */
    @Override
    public Criticality criticality(Channel.Direction direction) {
        boolean freesASlot = direction == Channel.Direction.RESPONSE
                || link.holdsSlot() && (req == Req.CONNECTING || req == Req.SENDING);
        if (!freesASlot) {
            return Criticality.NORMAL;
        }
        Channel other = direction == Channel.Direction.REQUEST ? response : request;
        return other.hasBuffer() ? Criticality.CRITICAL : Criticality.URGENT;
    }

    @Override
    public void wake() {
        if (!closed) {
            loop.schedule(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void peerFailed(Side side, IOException cause) {
        if (side == Side.CLIENT || responseSide.started() || resp == Resp.REPLY) {
            close(side == Side.CLIENT ? SessionOutcome.CLIENT_ABORT : SessionOutcome.SERVER_ABORT,
                    CloseMode.ABORTIVE);
        } else if (resp != Resp.HEAD || response.held() > 0 || !serverLostBeforeResponse()) {
            error(502, SessionOutcome.BAD_RESPONSE);
        }
    }

    /**
     * A reused connection that the server had closed, found while the request,
     * or its body, was going out: the client's keep-alive connection is closed
     * without an answer, which HTTP clients take as "retry", as they do for any
     * idle connection. Returns false when that does not apply.
     */
    private boolean serverLostBeforeResponse() {
        if (link.reused() && (req == Req.SENT || req == Req.SENDING)) {
            close(SessionOutcome.SERVER_ABORT, CloseMode.ORDERLY);
            return true;
        }
        return false;
    }

    @Override
    public boolean closesAfterMessage(Channel.Direction direction) {
        return direction == Channel.Direction.RESPONSE && closeAfterResponse;
    }

    @Override
    public void bufferForProducing(Channel channel) {
        if (channel == response && reply.pending()) {
            writeReply();
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
        // The first bytes of a request after keep-alive start its timeout http-request; the idle
        // time before them counts against timeout http-keep-alive only.
        if (req == Req.HEAD && requestsOnConnection > 0 && times.headStartedAt - times.idleSince <= 0
                && request.held() > 0) {
            headStarted(now);
        }
        if (expired(now)) {
            return;
        }
        for (int pass = 0; pass < 4 && !closed; pass++) {
            Req r = req;
            Resp s = resp;
            if (!analyseRequest(now) || !analyseResponse() || !request.forward() || !response.forward()
                    || !afterForwarding(now)) {
                return;
            }
            // Forwarding the last request bytes completes the request without changing a state:
            // analyse again so that it moves on to SENT now, not at the next event.
            if (r == req && s == resp && !(req == Req.SENDING && requestSide.complete())) {
                break;
            }
        }
        if (!closed) {
            armTimer();
        }
    }

    // --- wait for the request, then process it ---

    private boolean analyseRequest(long now) {
        if (req == Req.HEAD) {
            return switch (requestSide.parseHead()) {
                case EMPTY, NEED_MORE -> true;
                case ENDED -> close(SessionOutcome.DONE, CloseMode.ORDERLY);
                case CUT -> refuse(HttpError.BAD_REQUEST_LINE, 400);
                case REJECTED -> refuse(requestSide.head().error(), requestSide.head().errorStatus());
                case COMPLETE -> requestArrived(now);
            };
        }
        if (req != Req.SENDING) {
            return true;
        }
        switch (requestSide.scanBody()) {
            case MALFORMED -> {
                counters.rejected(requestSide.chunks().error());
                return error(requestSide.chunks().errorStatus(), SessionOutcome.BAD_REQUEST);
            }
            case TOO_LARGE -> {
                return bodyTooLarge(requestSide.bodyLimit());
            }
            case OK -> {
            }
        }
        if (requestSide.complete()) {
            req(Req.SENT);
            times.requestSentAt = now;
            requestSide.sent();
        } else if (request.sourceEnded() && !request.holdsForwardable()) {
            // The client went away in the middle of its body.
            return close(SessionOutcome.CLIENT_ABORT, CloseMode.ABORTIVE);
        }
        return true;
    }

    private boolean refuse(HttpError why, int status) {
        counters.rejected(why);
        refused(status, why.reason());
        return error(status, SessionOutcome.BAD_REQUEST);
    }

    /** 413 through the common reply path: it frees any slot and connection, and ends the connection. */
    private boolean bodyTooLarge(long limit) {
        refused(413, "request body larger than max-body-size " + limit);
        return error(413, SessionOutcome.BAD_REQUEST);
    }

    private boolean requestArrived(long now) {
        counters.httpRequests++;
        requestsOnConnection++;
        if (requestSide.method() == Method.CONNECT) {
            counters.rejected(HttpError.UNSUPPORTED_TRANSFER_CODING);
            refused(501, "CONNECT tunnels are not supported");
            return error(501, SessionOutcome.BAD_REQUEST);
        }
        switch (requestSide.normalise()) {
            case BAD_AUTHORITY -> {
                return refuse(HttpError.BAD_REQUEST_LINE, 400);
            }
            case NO_ROOM -> {
                refused(500, "the request head in normal form does not fit in tune.maxrewrite");
                return error(500, SessionOutcome.BAD_REQUEST);
            }
            case DONE -> {
            }
        }
        view.bind(request.buffer(), requestSide.head(), clientAddressBytes);
        switch (RequestPolicy.decide(frontend, view, requestSide.head().contentLength(), requestSide, decision)) {
            case TOO_LARGE -> {
                return bodyTooLarge(decision.bodyLimit());
            }
            case ANSWER -> {
                reply.answer(decision.answer(), requestSide.method(),
                        requestSide.answeredKeepingAlive(frontend.httpClose()));
                return produce(decision.answer().status());
            }
            case NO_BACKEND -> {
                refused(503, "no backend matches the request");
                return error(503, SessionOutcome.NO_BACKEND);
            }
            case EDITS_OVERFLOWED -> {
                refused(500, "the head edited by header rules does not fit in tune.maxrewrite or tune.http.maxhdr");
                return error(500, SessionOutcome.BAD_REQUEST);
            }
            case BACKEND -> {
            }
        }
        policy = decision.policy();
        times.serverTimeout = policy.timeouts().server();
        requestSide.bodyLimit(decision.bodyLimit());
        httpClose = frontend.httpClose() || policy.httpClose();
        if (httpClose) {
            requestSide.closeAfter();
        }
        requestSide.lastOnConnection();
        switch (link.acquire(decision.backend())) {
            case QUEUE_FULL -> {
                return error(503, SessionOutcome.QUEUE_FULL);
            }
            case QUEUED -> {
                req(Req.WAITING_FOR_SLOT);
                times.phaseDeadline = deadline(now, policy.timeouts().queueOrConnect());
                return true;
            }
            case TAKEN -> {
            }
        }
        connectToServer(now);
        return !closed;
    }

    /** The request holds a slot: reuse a connection to its server, or open one. */
    private void connectToServer(long now) {
        ServerLink.Opened opened = link.open(requestsOnConnection > 1 && policy.reuse(), policy.smartConnect());
        req(Req.CONNECTING);
        request.criticalityChanged();
        if (opened == ServerLink.Opened.REUSED) {
            sendRequest(now);
            return;
        }
        times.phaseDeadline = deadline(now, policy.timeouts().connect());
        // The request head is in the buffer and goes out once connected.
        armTimer();
    }

    /** The server connection is open: rewrite the head and let the request through. */
    private void sendRequest(long now) {
        boolean forwardFor = forwardedForField != null && (frontend.forwardFor() || policy.forwardFor());
        int headLength = requestSide.rewriteForServer(forwardFor ? forwardedForField : null, httpClose);
        if (headLength < 0) {
            refused(500, "the rewritten request head does not fit in tune.maxrewrite");
            error(500, SessionOutcome.BAD_REQUEST);
            return;
        }
        req(Req.SENDING);
        resp(Resp.HEAD);
        // Sluice waits on both peers from now on: time spent queued or connecting is neither's silence.
        serverActiveAt = now;
        clientActiveAt = now;
        responseSide.expect(requestSide.method());
        requestSide.send(headLength);
        link.connection().readInterest(true);
        request.updateInterest();
        wake();
    }

    // --- wait for the response, then forward it ---

    private boolean analyseResponse() {
        boolean clientMayStay = requestSide.keepAlive() && !closeAfterResponse && req == Req.SENT;
        switch (responseSide.analyse(resp, clientMayStay, requestSide.head().minorVersion() == 0)) {
            case WAIT -> {
                return true;
            }
            case INTERIM -> resp(Resp.INTERIM);
            case AWAIT_FINAL -> resp(Resp.HEAD);
            case FINAL -> {
                closeAfterResponse |= !responseSide.keepsClient();
                resp(Resp.BODY);
            }
            case RECEIVED -> {
                serverDone();
                resp(Resp.RECEIVED);
                return true;
            }
            case ENDED_BEFORE_HEAD -> {
                if (serverLostBeforeResponse()) {
                    return false;
                }
                counters.rejected(HttpError.BAD_STATUS_LINE);
                refused(502, "server closed without a response");
                return error(502, SessionOutcome.BAD_RESPONSE);
            }
            case REFUSED -> {
                return error(502, SessionOutcome.BAD_RESPONSE);
            }
            case BODY_REFUSED -> {
                return close(SessionOutcome.BAD_RESPONSE, CloseMode.ABORTIVE);
            }
            case CUT -> {
                return close(SessionOutcome.SERVER_ABORT, CloseMode.ABORTIVE);
            }
        }
        // The state moved on: the bytes at hand may take it further.
        return analyseResponse();
    }

    /**
     * The response is entirely in: the slot goes back (the oldest queued request
     * gets it) and the server connection is parked for reuse, kept or closed.
     */
    private void serverDone() {
        boolean reusable = !httpClose && req == Req.SENT && responseSide.serverMayStay()
                && link.connection().isOpen();
        link.finish(reusable, policy.reuse());
        if (req != Req.SENT) {
            // The server answered before the whole request body arrived: the rest
            // of it cannot be told from a next request, so the connection ends.
            closeAfterResponse = true;
            req(Req.DISCARDING);
            requestSide.discard();
        }
    }

    /** After both channels forwarded: the end of an exchange or of a reply, and the next request. */
    private boolean afterForwarding(long now) {
        SessionOutcome end;
        if (resp == Resp.REPLY) {
            if (reply.pending() || response.forwardLimit() != 0 || response.hasBuffer()) {
                return true;
            }
            end = reply.outcome();
            closeAfterResponse |= !reply.keepsAlive();
        } else if (resp == Resp.RECEIVED && response.forwardLimit() == 0) {
            if (responseSide.sentExtra()) {
                response.dropHeld();
                response.releaseIfEmpty();
            }
            if (response.hasBuffer()) {
                return true;
            }
            end = SessionOutcome.DONE;
        } else {
            return true;
        }
        // A client that pipelines requests and then half-closes still gets every answer: its
        // end of stream ends the connection only once nothing of it is left to serve.
        if (closeAfterResponse || request.sourceEnded() && request.held() == 0) {
            return close(end, CloseMode.ORDERLY);
        }
        request.releaseIfEmpty();
        waitForRequest(now);
        return true;
    }

    // --- replies of Sluice's own ---

    /** Answers the current request with an error response and ends the connection after it. */
    private boolean error(int status, SessionOutcome why) {
        reply.error(status, requestSide.method(), why);
        return produce(status);
    }

    /** Ends whatever the request had started, and writes {@link #reply} as soon as it has a buffer. */
    private boolean produce(int status) {
        if (responseSide.started()) {
            // Part of a server response went out already: only a cut can tell the client.
            SessionOutcome why = reply.outcome();
            reply.drop();
            return close(why, CloseMode.ABORTIVE);
        }
        counters.replied(status);
        closeAfterResponse |= !reply.keepsAlive();
        link.abortExchange();
        req(Req.DISCARDING);
        requestSide.discard();
        resp(Resp.REPLY);
        responseSide.replaced();
        if (response.bufferToProduce()) {
            writeReply();
        }
        return true;
    }

    private void writeReply() {
        response.allow(reply.writeInto(response.buffer()));
        wake();
    }

    // --- the deadlines ---

    /** Acts on a deadline that passed; true when the session closed (the run ends). */
    private boolean expired(long now) {
        switch (HttpDeadlines.expired(refreshTimes(), now)) {
            case NONE -> {
                return false;
            }
            case HEAD_SILENT -> close(SessionOutcome.REQUEST_TIMEOUT, CloseMode.ORDERLY);
            case IDLE -> close(SessionOutcome.DONE, CloseMode.ORDERLY);
            case HEAD_INCOMPLETE -> {
                counters.rejected(HttpError.BAD_REQUEST_LINE);
                refused(408, "request head not complete within timeout http-request");
                error(408, SessionOutcome.REQUEST_TIMEOUT);
            }
            case QUEUE -> {
                // A grant already on its way serves the request after all.
                if (link.leaveQueue()) {
                    error(503, SessionOutcome.QUEUE_TIMEOUT);
                }
            }
            case CONNECT -> {
                link.countConnectError();
                error(503, SessionOutcome.CONNECT_TIMEOUT);
            }
            case CLIENT -> close(SessionOutcome.CLIENT_TIMEOUT, CloseMode.ABORTIVE);
            case RESPONSE_HEAD -> error(504, SessionOutcome.SERVER_TIMEOUT);
            case SERVER -> close(SessionOutcome.SERVER_TIMEOUT, CloseMode.ABORTIVE);
        }
        return closed;
    }

    @Override
    long nextDeadline() {
        return HttpDeadlines.next(refreshTimes());
    }

    /** The deadline state, with what the session knows now. */
    private HttpDeadlines.State refreshTimes() {
        HttpDeadlines.State t = times;
        t.req = req;
        t.resp = resp;
        t.headBytesHeld = request.held() > 0;
        t.headWaitsForBuffer = request.isWaiting();
        t.requestsOnConnection = requestsOnConnection;
        t.clientActiveAt = clientActiveAt;
        t.serverActiveAt = serverActiveAt;
        t.headBufferWait = request.waitedNanos() - headWaitBase;
        t.requestForwardable = request.holdsForwardable();
        t.responseForwardable = response.holdsForwardable();
        t.serverAttached = link.attached();
        t.responseStarted = responseSide.started();
        return t;
    }

    // --- the server link's events ---

    @Override
    public boolean wantsSlot() {
        return !closed && req == Req.WAITING_FOR_SLOT;
    }

    @Override
    public void slotGranted(long now) {
        connectToServer(now);
    }

    @Override
    public void connected(long now) {
        if (req == Req.CONNECTING && !closed) {
            sendRequest(now);
        }
    }

    @Override
    public void connectFailed() {
        if (req == Req.CONNECTING && !closed) {
            link.countConnectError();
            error(503, SessionOutcome.CONNECT_ERROR);
        }
    }

    @Override
    public void serverReadable() {
        response.receive();
    }

    @Override
    public void serverWritable() {
        wake();
    }

    // --- the end ---

    @Override
    boolean closeIfIdle() {
        return req == Req.HEAD && requestsOnConnection > 0 && request.held() == 0
                && !close(SessionOutcome.DONE, CloseMode.ORDERLY);
    }

    @Override
    void abort(SessionOutcome why) {
        close(why, CloseMode.ABORTIVE);
    }

    /** Ends the session and gives back everything it holds. Returns false, so that a run can end with it. */
    private boolean close(SessionOutcome why, CloseMode mode) {
        if (closed) {
            return false;
        }
        closed = true;
        reply.drop();
        request.dispose();
        response.dispose();
        loop.cancel(timer);
        link.close();
        if (mode == CloseMode.ABORTIVE) {
            client.abort();
        } else if (req == Req.DISCARDING && !request.sourceEnded()) {
            // Answered before the request was all read (a refusal in the middle of
            // an upload): a close now, with input unread, would be a reset.
            long clientTimeout = frontend.clientTimeout();
            client.closeLingering(clientTimeout > 0 ? Math.min(clientTimeout, LINGER_NANOS) : LINGER_NANOS);
        } else {
            client.close();
        }
        counters.closed(why, request.forwarded(), response.forwarded());
        sessions.remove(this);
        frontend.limit().leave();
        return false;
    }

    @Override
    public void refused(int status, String reason) {
        SessionLog.refused(frontend.name(), client, status, reason);
    }

    /** The session's state, for failure reports. */
    @Override
    public String toString() {
        return "HttpSession[" + client.peer() + " req=" + req + " resp=" + resp + " requests=" + requestsOnConnection
                + (closed ? " closed" : "") + " request{" + request.describe() + "} response{" + response.describe() + "}]";
    }
}
