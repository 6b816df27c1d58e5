package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.backend.Server;
import dev.sluice.backend.SlotWaiter;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.BodyFraming;
import dev.sluice.http.ChunkedDecoder;
import dev.sluice.http.ConnectionOptions;
import dev.sluice.http.HttpBytes;
import dev.sluice.http.HttpError;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpReplies;
import dev.sluice.http.ForwardedFor;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.ReturnRule;
import dev.sluice.http.MessageKind;
import dev.sluice.http.Method;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * One client connection's life in HTTP mode: requests one after the other
 * (keep-alive, pipelined requests answered in order), each routed to a
 * backend, holding a server slot from the moment it is sent until its response
 * has been received, over a new or a reused server connection.
 *
 * <p>Messages are parsed in place in the channel buffers and forwarded as they
 * arrive: a head is rewritten in place (hop-by-hop fields removed, fields
 * added in the room {@code tune.maxrewrite} keeps free), then the channel's
 * forward limit lets exactly the message's bytes through, so a body of any
 * size streams through one buffer per direction and bytes of a pipelined
 * request wait for their turn.
 *
 * <p>Criticality (DESIGN.md, "Why it cannot deadlock"): the request head and
 * the body read before the request holds a slot are {@link Criticality#NORMAL};
 * the rest of its body once the slot is held, the response, and every reply
 * Sluice produces are {@link Criticality#CRITICAL}. A session holds at most one
 * buffer per direction and gives each back as soon as it is empty.
 *
 * <p>Not thread-safe: owned by the loop that accepted the client. A slot grant
 * arrives as a message posted to that loop ({@link Loop#post}).
 */
public final class HttpSession extends Session {
    private enum Req { HEAD, WAITING_FOR_SLOT, CONNECTING, SENDING, SENT, DISCARDING }

    private enum Resp { IDLE, HEAD, INTERIM, BODY, RECEIVED, REPLY }

    private static final byte[] CONNECTION = HttpBytes.ascii("connection");
    private static final byte[] KEEP_ALIVE = HttpBytes.ascii("keep-alive");
    private static final byte[] PROXY_CONNECTION = HttpBytes.ascii("proxy-connection");
    private static final byte[] TE = HttpBytes.ascii("te");
    private static final byte[] UPGRADE = HttpBytes.ascii("upgrade");
    private static final byte[] CONTENT_LENGTH = HttpBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.ascii("transfer-encoding");
    private static final byte[] HOST = HttpBytes.ascii("host");
    private static final byte[] CRLF = {'\r', '\n'};
    /** The longest a client connection lingers after an answer given before its request was all read. */
    private static final long LINGER_NANOS = 5_000_000_000L;
    private static final byte[] CLOSE_LINE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_LINE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Connector connector;
    private final HttpFrontend frontend;
    private final SessionSet sessions;
    private final SessionCounters counters;
    private final IdleServerConnections idle;
    private final Connection client;
    private final InetAddress clientAddress;
    /** The client's address as the rules see it: 4 or 16 bytes, or empty. */
    private final byte[] clientAddressBytes;
    /** {@code X-Forwarded-For: <client>} (no CRLF), built once per connection. */
    private final byte[] forwardedForField;
    private final ParsedRequest view = new ParsedRequest();
    private final Edits edits;
    private final Channel request;
    private final Channel response;
    private final HttpHeadParser requestHead;
    private final HttpHeadParser responseHead;
    private final ChunkedDecoder requestChunks;
    private final ChunkedDecoder responseChunks;
    private final SlotRequest slotRequest = new SlotRequest();
    private final ServerEvents serverEvents = new ServerEvents();
    private final KeptServerEvents keptEvents = new KeptServerEvents();
    private final int headRoom;

    private Req req = Req.HEAD;
    private Resp resp = Resp.IDLE;
    private boolean closed;
    private Backend backend;
    private HttpFrontend.BackendPolicy policy;
    private Server server;
    private Server slot;
    private Connection serverConnection;
    private boolean serverReused;
    /**
     * {@code http-reuse never}: this session's own server connection, idle
     * between two requests, for its next request to {@link #keptFor}; never
     * shared with another session.
     */
    private Connection kept;
    private Server keptFor;
    private Method method;
    private BodyFraming requestFraming;
    private BodyFraming responseFraming;
    private boolean clientKeepAlive;
    /** {@code option httpclose} applies to this request: both connections close after its response. */
    private boolean httpClose;
    private boolean closeAfterResponse;
    /** The smaller of the frontend's and the backend's max-body-size for the current request; MAX_VALUE: none. */
    private long requestBodyLimit;
    /** Bytes of the current response already went to the client: no reply of Sluice's own can follow. */
    private boolean responseStarted;
    private boolean serverSentExtra;
    private int requestsOnConnection;
    /** A reply waiting for its buffer: bytes {@code [0, pendingLength)}, with {@code connection: close} inserted at {@code pendingCloseAt} (or -1). */
    private byte[] pendingReply;
    private int pendingLength;
    private int pendingCloseAt;
    private boolean replyKeepsAlive;
    private SessionOutcome replyOutcome;
    private long headStartedAt;
    private long idleSince;
    private long phaseDeadline;

    private HttpSession(Loop loop, Connector connector, HttpFrontend frontend, SessionSet sessions,
                        SessionCounters counters, IdleServerConnections idle, Connection client) {
        super(loop);
        this.connector = connector;
        this.frontend = frontend;
        this.sessions = sessions;
        this.counters = counters;
        this.idle = idle;
        this.client = client;
        this.clientAddress = client.remoteAddress();
        this.clientAddressBytes = clientAddress == null ? new byte[0] : clientAddress.getAddress();
        this.forwardedForField = clientAddress == null ? null : ForwardedFor.fieldLine(clientAddressBytes);
        this.edits = new Edits();
        this.request = new Channel(this, loop, Channel.Direction.REQUEST);
        this.response = new Channel(this, loop, Channel.Direction.RESPONSE);
        request.peer = response;
        response.peer = request;
        this.requestHead = new HttpHeadParser(MessageKind.REQUEST, frontend.limits());
        this.responseHead = new HttpHeadParser(MessageKind.RESPONSE, frontend.limits());
        this.requestChunks = new ChunkedDecoder(MessageKind.REQUEST, frontend.limits());
        this.responseChunks = new ChunkedDecoder(MessageKind.RESPONSE, frontend.limits());
        this.headRoom = frontend.limits().maxHeadBytes();
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
        request.source = client;
        request.relaysEnd = false;
        response.sink = client;
        response.relaysEnd = false;
        client.handler(eventsFor(request));
        headStartedAt = now;
        waitForRequest(now);
        // Most clients send their request as soon as they are connected: read it
        // now instead of after a select. Interest changes reach the selector
        // only at its next select, so a request read whole here, from a client
        // that reads nothing more, never costs an epoll change for the client.
        request.tryReceive();
    }

    /** Gets ready for the next request on this connection (the first, or one after keep-alive). */
    private void waitForRequest(long now) {
        req = Req.HEAD;
        resp = Resp.IDLE;
        // Unknown until the next request line is read: a refusal before it answers with content.
        method = null;
        request.streaming = false;
        response.streaming = false;
        requestHead.reset();
        request.forwardLimit = 0;
        request.fillLimit = headRoom;
        request.inputPaused = false;
        response.forwardLimit = 0;
        responseStarted = false;
        serverSentExtra = false;
        idleSince = now;
        Buffer b = request.buffer;
        if (b != null && b.readable() > 0) {
            // A pipelined request is already here: parse it now.
            headStartedAt = now;
            b.compact();
            wake();
        }
        request.updateInterest();
        armTimer();
    }

    /**
     * NORMAL for a request read before it holds a slot; the response, a reply,
     * and the request once it holds a slot are CRITICAL if the other direction
     * already holds a buffer, URGENT otherwise.
     */
    @Override
    public Criticality criticality(Channel.Direction direction) {
        boolean freesASlot = direction == Channel.Direction.RESPONSE
                || slot != null && (req == Req.CONNECTING || req == Req.SENDING);
        if (!freesASlot) {
            return Criticality.NORMAL;
        }
        Channel other = direction == Channel.Direction.REQUEST ? response : request;
        return other.buffer != null ? Criticality.CRITICAL : Criticality.URGENT;
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
    public void peerFailed(boolean clientSide, IOException cause) {
        if (clientSide) {
            close(SessionOutcome.CLIENT_ABORT, true);
        } else {
            serverFailed(SessionOutcome.SERVER_ABORT);
        }
    }

    @Override
    public boolean closesAfterMessage(Channel.Direction direction) {
        return direction == Channel.Direction.RESPONSE && closeAfterResponse;
    }

    @Override
    public void bufferForProducing(Channel channel) {
        if (channel == response && pendingReply != null) {
            writeReply();
        }
    }

    /** The session task: timeouts, analysers, forwarding. */
    @Override
    protected void run() {
        if (closed) {
            return;
        }
        loop.counters().sessionTaskRuns++;
        long now = loop.clock().nanoTime();
        noteHeadStart(now);
        if (expired(now)) {
            return;
        }
        for (int pass = 0; pass < 4 && !closed; pass++) {
            Req r = req;
            Resp s = resp;
            if (!analyseRequest(now) || !analyseResponse(now)) {
                return;
            }
            if (!request.forward() || !response.forward()) {
                return;
            }
            if (!afterForwarding(now)) {
                return;
            }
            // Forwarding the last request bytes completes the request without
            // changing a state: analyse again so that it moves on to SENT now,
            // not at the next event, which could be a client timeout.
            if (r == req && s == resp && !(req == Req.SENDING && requestComplete())) {
                break;
            }
        }
        if (!closed) {
            armTimer();
        }
    }

    /**
     * The first bytes of a request after keep-alive start its timeout http-request.
     * Noted before the timeouts are checked: the idle time before it counts
     * against timeout http-keep-alive only.
     */
    private void noteHeadStart(long now) {
        Buffer b = request.buffer;
        if (req == Req.HEAD && requestsOnConnection > 0 && headStartedAt - idleSince <= 0
                && b != null && b.readable() > 0) {
            headStartedAt = now;
        }
    }

    // --- request side ---

    private boolean analyseRequest(long now) {
        switch (req) {
            case HEAD -> {
                Buffer b = request.buffer;
                if (b == null || b.readable() == 0) {
                    if (request.sourceEnded) {
                        // The client closed between requests: a normal end.
                        close(SessionOutcome.DONE, false);
                        return false;
                    }
                    return true;
                }
                switch (requestHead.parse(b)) {
                    case NEED_MORE -> {
                        if (request.sourceEnded) {
                            return refuseRequest(HttpError.BAD_REQUEST_LINE, 400);
                        }
                        return true;
                    }
                    case REJECTED -> {
                        return refuseRequest(requestHead.error(), requestHead.errorStatus());
                    }
                    case COMPLETE -> {
                        return requestArrived(now);
                    }
                }
                return true;
            }
            case SENDING -> {
                if (requestFraming == BodyFraming.CHUNKED && !requestChunks.isComplete()) {
                    if (!scanChunks(request, requestChunks)) {
                        counters.rejected(requestChunks.error());
                        return reply(requestChunks.errorStatus(), SessionOutcome.BAD_REQUEST);
                    }
                    if (requestChunks.dataBytes() > requestBodyLimit) {
                        return bodyTooLarge(requestBodyLimit);
                    }
                }
                if (requestComplete()) {
                    req = Req.SENT;
                    request.streaming = false;
                    // A keep-alive client stays read while its response is produced:
                    // a pipelined request waits in the buffer, an abort is seen at
                    // once, and no interest change is paid twice per request.
                    request.inputPaused = !clientKeepAlive;
                    request.updateInterest();
                } else if (request.sourceEnded && !request.holdsForwardable()) {
                    // The client went away in the middle of its body.
                    close(SessionOutcome.CLIENT_ABORT, true);
                    return false;
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private boolean requestComplete() {
        if (request.forwardLimit != 0) {
            return false;
        }
        return requestFraming != BodyFraming.CHUNKED || requestChunks.isComplete();
    }

    private boolean refuseRequest(HttpError error, int status) {
        counters.rejected(error);
        log(status, error.reason());
        return reply(status, SessionOutcome.BAD_REQUEST);
    }

    /**
     * A request body above max-body-size gets 413 through the common reply path:
     * it frees any server connection and slot, and ends the connection, as its
     * body is not read (a response already begun is cut instead).
     */
    private boolean bodyTooLarge(long limit) {
        log(413, "request body larger than max-body-size " + limit);
        return reply(413, SessionOutcome.BAD_REQUEST);
    }

    private boolean requestArrived(long now) {
        counters.httpRequests++;
        requestsOnConnection++;
        method = requestHead.method();
        clientKeepAlive = requestHead.keepAlive();
        requestFraming = requestHead.bodyFraming();
        if (method == Method.CONNECT) {
            counters.rejected(HttpError.UNSUPPORTED_TRANSFER_CODING);
            log(501, "CONNECT tunnels are not supported");
            return reply(501, SessionOutcome.BAD_REQUEST);
        }
        // Before routing, rules and any slot: a body known to be too large is never read.
        if (requestHead.contentLength() > frontend.maxBodySize()) {
            return bodyTooLarge(frontend.maxBodySize());
        }
        view.bind(request.buffer, requestHead, clientAddressBytes);
        edits.clear();
        ReturnRule answer = frontend.rules().applyRequestRules(view, edits);
        if (answer != null) {
            return answer(answer);
        }
        Backend chosen = frontend.routing().route(view);
        if (chosen == null) {
            log(503, "no backend matches the request");
            return reply(503, SessionOutcome.NO_BACKEND);
        }
        backend = chosen;
        policy = frontend.policy(chosen);
        if (requestHead.contentLength() > policy.maxBodySize()) {
            return bodyTooLarge(policy.maxBodySize());
        }
        requestBodyLimit = Math.min(frontend.maxBodySize(), policy.maxBodySize());
        answer = policy.rules().applyRequestRules(view, edits);
        if (answer != null) {
            return answer(answer);
        }
        if (edits.overflowed) {
            log(500, "the head edited by header rules does not fit in tune.maxrewrite or tune.http.maxhdr");
            return reply(500, SessionOutcome.BAD_REQUEST);
        }
        httpClose = frontend.httpClose() || policy.httpClose();
        if (httpClose) {
            clientKeepAlive = false;
        }
        if (!clientKeepAlive && requestFraming == BodyFraming.NONE) {
            // The whole request is here and nothing may follow it on this
            // connection: the client is not read again.
            request.inputPaused = true;
            request.updateInterest();
        }
        Server s;
        try {
            s = chosen.acquire(slotRequest);
        } catch (Backend.QueueFullException e) {
            return reply(503, SessionOutcome.QUEUE_FULL);
        }
        if (s == null) {
            req = Req.WAITING_FOR_SLOT;
            counters.queued++;
            phaseDeadline = deadline(now, policy.timeouts().queueOrConnect());
            return true;
        }
        slotGranted(s, now);
        return !closed;
    }

    private void slotGranted(Server s, long now) {
        slot = s;
        server = s;
        Connection reused = takeKept(s);
        if (reused == null && requestsOnConnection > 1 && policy.reuse()) {
            reused = idle.take(s);
        }
        if (reused != null) {
            counters.serverConnectionsReused++;
            req = Req.CONNECTING;
            request.criticalityChanged();
            attachServer(reused, true);
            sendRequest(now);
            return;
        }
        counters.serverConnectionsOpened++;
        req = Req.CONNECTING;
        request.criticalityChanged();
        phaseDeadline = deadline(now, policy.timeouts().connect());
        // The request head is in the buffer and goes out once connected.
        attachServer(connector.connect(s.address(), serverEvents, policy.smartConnect()), false);
        armTimer();
    }

    private void attachServer(Connection c, boolean reused) {
        serverConnection = c;
        serverReused = reused;
        c.handler(serverEvents);
        request.sink = c;
        response.source = c;
        response.sourceEnded = false;
        response.sinkShut = false;
    }

    /** The server connection is open: rewrite the head and let the request through. */
    private void sendRequest(long now) {
        int headLength = rewriteRequestHead();
        if (headLength < 0) {
            return;
        }
        req = Req.SENDING;
        resp = Resp.HEAD;
        serverActiveAt = now;
        // Sluice waits on the client for the body from now on: the time it spent
        // in the queue or connecting is not the client's silence.
        clientActiveAt = now;
        responseHead.resetForResponseTo(method);
        response.forwardLimit = 0;
        response.fillLimit = headRoom;
        response.inputPaused = false;
        // request.fillLimit stays at headRoom while the body streams: bytes read
        // behind the body may be the next pipelined head, and the room
        // tune.maxrewrite keeps must still be free when that head is rewritten.
        switch (requestFraming) {
            case CONTENT_LENGTH -> request.forwardLimit = headLength + requestHead.contentLength();
            case CHUNKED -> {
                requestChunks.reset();
                request.forwardLimit = headLength;
            }
            default -> request.forwardLimit = headLength;
        }
        // A body of known length needs no analyser: receives pass it on directly.
        request.streaming = requestFraming != BodyFraming.CHUNKED;
        serverConnection.readInterest(true);
        request.updateInterest();
        wake();
    }

    // --- response side ---

    private boolean analyseResponse(long now) {
        switch (resp) {
            case HEAD -> {
                Buffer b = response.buffer;
                if (b == null || b.readable() == 0) {
                    if (response.sourceEnded) {
                        return serverClosedBeforeResponse();
                    }
                    return true;
                }
                switch (responseHead.parse(b)) {
                    case NEED_MORE -> {
                        if (response.sourceEnded) {
                            counters.rejected(HttpError.BAD_STATUS_LINE);
                            log(502, "server closed in the middle of a response head");
                            return badResponse();
                        }
                        return true;
                    }
                    case REJECTED -> {
                        counters.rejected(responseHead.error());
                        log(502, "server response refused: " + responseHead.error().reason());
                        return badResponse();
                    }
                    case COMPLETE -> {
                        return responseArrived(now);
                    }
                }
                return true;
            }
            case INTERIM -> {
                if (response.forwardLimit == 0) {
                    resp = Resp.HEAD;
                    responseHead.resetForResponseTo(method);
                    Buffer b = response.buffer;
                    if (b != null) {
                        b.compact();
                    }
                    return analyseResponse(now);
                }
                return true;
            }
            case BODY -> {
                if (responseFraming == BodyFraming.CHUNKED && !responseChunks.isComplete()) {
                    if (!scanChunks(response, responseChunks)) {
                        counters.rejected(responseChunks.error());
                        log(502, "server response body refused: " + responseChunks.error().reason());
                        close(SessionOutcome.BAD_RESPONSE, true);
                        return false;
                    }
                }
                if (responseReceived()) {
                    if (responseFraming == BodyFraming.UNTIL_CLOSE) {
                        response.forwardLimit = response.buffer == null ? 0 : response.buffer.readable();
                    }
                    serverDone();
                    resp = Resp.RECEIVED;
                    response.streaming = false;
                } else if (response.sourceEnded) {
                    // The server closed before the body was complete: the client must see a cut, not an end.
                    close(SessionOutcome.SERVER_ABORT, true);
                    return false;
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private boolean responseArrived(long now) {
        int status = responseHead.statusCode();
        Buffer b = response.buffer;
        int headLength = responseHead.headLength();
        if (status < 200) {
            if (status == 101) {
                counters.rejected(HttpError.BAD_STATUS_LINE);
                log(502, "server switched protocols, which Sluice does not relay");
                return badResponse();
            }
            // 1xx (100-continue, 103): forwarded as is, the final response follows.
            counters.serverResponded(status);
            resp = Resp.INTERIM;
            response.forwardLimit = headLength;
            return true;
        }
        counters.serverResponded(status);
        responseFraming = responseHead.bodyFraming();
        boolean keepClient = clientKeepAlive && !closeAfterResponse && req == Req.SENT
                && responseFraming != BodyFraming.UNTIL_CLOSE;
        if (!keepClient) {
            closeAfterResponse = true;
        }
        headLength = rewriteResponseHead(b, headLength, keepClient);
        if (headLength < 0) {
            return false;
        }
        responseStarted = true;
        resp = Resp.BODY;
        response.fillLimit = Integer.MAX_VALUE;
        switch (responseFraming) {
            case CONTENT_LENGTH -> response.forwardLimit = headLength + responseHead.contentLength();
            case CHUNKED -> {
                responseChunks.reset();
                response.forwardLimit = headLength;
            }
            case UNTIL_CLOSE -> response.forwardLimit = Long.MAX_VALUE;
            default -> response.forwardLimit = headLength;
        }
        response.streaming = responseFraming != BodyFraming.CHUNKED;
        return analyseResponse(now);
    }

    /** Every byte of the response has come from the server (some may still wait to go to the client). */
    private boolean responseReceived() {
        Buffer b = response.buffer;
        long held = b == null ? 0 : b.readable();
        return switch (responseFraming) {
            case UNTIL_CLOSE -> response.sourceEnded;
            case CHUNKED -> responseChunks.isComplete();
            default -> held >= response.forwardLimit;
        };
    }

    private boolean serverClosedBeforeResponse() {
        if (serverReused && (req == Req.SENT || req == Req.SENDING)) {
            // A reused connection the server had already closed, found while the
            // request, or its body, was going out: the client's keep-alive
            // connection is closed without an answer, which HTTP clients take as
            // "retry", as they do for any idle connection.
            close(SessionOutcome.SERVER_ABORT, false);
            return false;
        }
        counters.rejected(HttpError.BAD_STATUS_LINE);
        log(502, "server closed without a response");
        return badResponse();
    }

    private boolean badResponse() {
        return reply(502, SessionOutcome.BAD_RESPONSE);
    }

    /**
     * The response is entirely in: the slot goes back (the oldest queued request
     * gets it) and the server connection is parked for reuse or closed.
     */
    private void serverDone() {
        Buffer b = response.buffer;
        if (responseFraming != BodyFraming.UNTIL_CLOSE && b != null && b.readable() > response.forwardLimit) {
            serverSentExtra = true;
        }
        boolean reusable = !httpClose && responseHead.keepAlive() && req == Req.SENT
                && !response.sourceEnded && !serverSentExtra && serverConnection.isOpen();
        Connection c = detachServer();
        if (reusable && policy.reuse()) {
            idle.park(server, c);
        } else if (reusable) {
            keep(c);
        } else {
            c.discard();
        }
        releaseSlot();
        if (req != Req.SENT) {
            // The server answered before the whole request body arrived: the rest
            // of it cannot be told from a next request, so the connection ends.
            closeAfterResponse = true;
            req = Req.DISCARDING;
            request.streaming = false;
            request.inputPaused = true;
            request.updateInterest();
        }
    }

    /** Keeps the session's own connection between requests, watched so that the server closing it is seen. */
    private void keep(Connection c) {
        discardKept();
        kept = c;
        keptFor = server;
        c.handler(keptEvents);
        c.readInterest(true);
    }

    /** The kept connection if the request goes to its server and it is still usable; else it is discarded. */
    private Connection takeKept(Server s) {
        boolean usable = kept != null && keptFor == s && !kept.idleConnectionLost();
        Connection c = releaseKept();
        if (usable) {
            c.readInterest(false);
            return c;
        }
        if (c != null) {
            c.discard();
        }
        return null;
    }

    private void discardKept() {
        Connection c = releaseKept();
        if (c != null) {
            c.discard();
        }
    }

    /** The kept connection, no longer kept; null when there was none. */
    private Connection releaseKept() {
        Connection c = kept;
        kept = null;
        keptFor = null;
        return c;
    }

    private Connection detachServer() {
        Connection c = serverConnection;
        serverConnection = null;
        request.sink = null;
        response.source = null;
        if (c != null) {
            c.readInterest(false);
            c.writeInterest(false);
        }
        return c;
    }

    private void releaseSlot() {
        if (slot != null) {
            Server s = slot;
            slot = null;
            backend.releaseSlot(s);
        }
    }

    /** Called after both channels forwarded: the end of a transaction, or of a reply. */
    private boolean afterForwarding(long now) {
        if (resp == Resp.REPLY) {
            if (pendingReply == null && response.forwardLimit == 0 && response.buffer == null) {
                if (!replyKeepsAlive || request.sourceEnded && !holdsPipelined()) {
                    close(replyOutcome, false);
                    return false;
                }
                request.releaseIfEmpty();
                waitForRequest(now);
            }
            return true;
        }
        if (resp == Resp.RECEIVED && response.forwardLimit == 0) {
            if (serverSentExtra && response.buffer != null) {
                response.buffer.consumed(response.buffer.readable());
                response.releaseIfEmpty();
            }
            if (response.buffer != null) {
                return true;
            }
            if (closeAfterResponse || request.sourceEnded && !holdsPipelined()) {
                close(SessionOutcome.DONE, false);
                return false;
            }
            waitForRequest(now);
        }
        return true;
    }

    /**
     * Whether request bytes wait behind the message just served. A client that
     * pipelines requests and then half-closes still gets every answer: its end
     * of stream ends the connection only once nothing of it is left to serve.
     */
    private boolean holdsPipelined() {
        Buffer b = request.buffer;
        return b != null && b.readable() > 0;
    }

    // --- replies of Sluice's own ---

    /**
     * Answers the current request with a complete error response and ends the
     * connection after it. A reply is CRITICAL or URGENT: it can always be produced.
     */
    private boolean reply(int status, SessionOutcome outcome) {
        byte[] r = HttpReplies.error(status);
        // A response to HEAD has no content (RFC 9110 section 9.3.2).
        int length = method == Method.HEAD ? HttpReplies.headLength(status) : r.length;
        return produce(status, r, length, -1, false, outcome);
    }

    /**
     * Answers with an {@code http-request return} or {@code deny} response. The
     * connection stays open when the request has no body to skip and both sides
     * keep alive; otherwise {@code connection: close} goes into the head.
     */
    private boolean answer(ReturnRule rule) {
        boolean keep = clientKeepAlive && requestFraming == BodyFraming.NONE && !frontend.httpClose()
                && (!request.sourceEnded || request.buffer.readable() > requestHead.headLength());
        int length = method == Method.HEAD ? rule.bodyOffset() : rule.length();
        if (keep) {
            // The request is served: its head leaves the buffer, a pipelined request may follow.
            request.buffer.consumed(requestHead.headLength());
        }
        return produce(rule.status(), rule.bytes(), length, keep ? -1 : rule.blankLineOffset(), keep,
                SessionOutcome.REPLIED);
    }

    private boolean produce(int status, byte[] bytes, int length, int closeAt, boolean keepAlive,
                            SessionOutcome outcome) {
        if (responseStarted) {
            // Part of a server response went out already: only a cut can tell the client.
            close(outcome, true);
            return false;
        }
        counters.replied(status);
        replyOutcome = outcome;
        replyKeepsAlive = keepAlive;
        if (!keepAlive) {
            closeAfterResponse = true;
        }
        if (req == Req.WAITING_FOR_SLOT) {
            backend.cancel(slotRequest);
        }
        if (serverConnection != null) {
            detachServer().abort();
        }
        releaseSlot();
        req = Req.DISCARDING;
        request.inputPaused = true;
        request.forwardLimit = 0;
        request.updateInterest();
        resp = Resp.REPLY;
        request.streaming = false;
        response.streaming = false;
        response.fillLimit = Integer.MAX_VALUE;
        Buffer b = response.buffer;
        if (b != null && b.readable() > 0) {
            b.consumed(b.readable());
        }
        pendingReply = bytes;
        pendingLength = length;
        pendingCloseAt = closeAt;
        if (response.bufferToProduce()) {
            writeReply();
        }
        return true;
    }

    private void writeReply() {
        byte[] r = pendingReply;
        pendingReply = null;
        Buffer b = response.buffer;
        b.compact();
        int total = pendingLength + (pendingCloseAt >= 0 ? CLOSE_LINE.length : 0);
        if (b.writable() < total) {
            throw new IllegalStateException("a reply of " + total + " bytes does not fit in a buffer");
        }
        if (pendingCloseAt >= 0) {
            b.append(r, 0, pendingCloseAt);
            b.append(CLOSE_LINE, 0, CLOSE_LINE.length);
            b.append(r, pendingCloseAt, pendingLength - pendingCloseAt);
        } else {
            b.append(r, 0, pendingLength);
        }
        response.forwardLimit = total;
        wake();
    }

    // --- heads rewritten in place ---

    /**
     * Removes hop-by-hop fields and those the rules deleted, adds the fields the
     * rules appended and X-Forwarded-For. Returns the new head length, or -1 if
     * it replied instead.
     */
    private int rewriteRequestHead() {
        Buffer b = request.buffer;
        int start = requestHead.headStart();
        int end = start + requestHead.headLength();
        // The header rules' edits are in the head already (Edits).
        end = removeFields(b, requestHead, end);
        if (end >= 0 && forwardedForField != null && (frontend.forwardFor() || policy.forwardFor())) {
            end = insertField(b, end, forwardedForField);
        }
        if (end >= 0 && httpClose) {
            // The server learns that this connection ends with its response.
            end = insertLine(b, end, CLOSE_LINE);
        }
        if (end < 0) {
            log(500, "the rewritten request head does not fit in tune.maxrewrite");
            reply(500, SessionOutcome.BAD_REQUEST);
            return -1;
        }
        return end - start;
    }

    private int rewriteResponseHead(Buffer b, int headLength, boolean keepClient) {
        int start = responseHead.headStart();
        int end = removeFields(b, responseHead, start + headLength);
        byte[] line = !keepClient ? CLOSE_LINE : requestHead.minorVersion() == 0 ? KEEP_ALIVE_LINE : null;
        if (line != null) {
            end = insertLine(b, end, line);
            if (end < 0) {
                counters.rejected(HttpError.HEAD_TOO_LARGE);
                badResponse();
                return -1;
            }
        }
        return end - start;
    }

    /**
     * Deletes every hop-by-hop field line (RFC 9110 section 7.6.1), last first
     * so that the offsets of the lines before stay valid. Returns the new end.
     */
    private static int removeFields(Buffer b, HttpHeadParser head, int end) {
        boolean nominations = (head.connectionOptions() & ConnectionOptions.OTHER) != 0;
        for (int i = head.headerCount() - 1; i >= 0; i--) {
            if (isHopByHop(b, head, i, nominations)) {
                end = removeFieldLine(b, head, i, end);
            }
        }
        return end;
    }

    /**
     * Deletes field line {@code i} of the head ending at {@code end}, with what
     * follows moved over it; the lines before keep their offsets. Returns the new end.
     */
    private static int removeFieldLine(Buffer b, HttpHeadParser head, int i, int end) {
        int lineStart = head.nameStart(i);
        // Up to the next field, or to the blank line that ends the head.
        int lineEnd = i + 1 < head.headerCount() ? head.nameStart(i + 1) : end - 2;
        b.shiftTail(lineEnd, lineStart);
        return end - (lineEnd - lineStart);
    }

    private static boolean isHopByHop(Buffer b, HttpHeadParser head, int i, boolean nominations) {
        int s = head.nameStart(i);
        int e = head.nameEnd(i);
        return HttpBytes.equalsIgnoreCase(b, s, e, CONNECTION)
                || HttpBytes.equalsIgnoreCase(b, s, e, KEEP_ALIVE)
                || HttpBytes.equalsIgnoreCase(b, s, e, PROXY_CONNECTION)
                || HttpBytes.equalsIgnoreCase(b, s, e, TE)
                || HttpBytes.equalsIgnoreCase(b, s, e, UPGRADE)
                || nominations && !framesTheMessage(b, s, e) && head.isNominatedByConnection(b, i);
    }

    /**
     * Fields Connection cannot make hop-by-hop: Sluice forwards the body with the
     * framing it parsed, so the server must see the same framing and target.
     * Dropping a nominated Content-Length would let the body be read as a
     * request of its own (smuggling).
     */
    private static boolean framesTheMessage(Buffer b, int s, int e) {
        return HttpBytes.equalsIgnoreCase(b, s, e, CONTENT_LENGTH)
                || HttpBytes.equalsIgnoreCase(b, s, e, TRANSFER_ENCODING)
                || HttpBytes.equalsIgnoreCase(b, s, e, HOST);
    }

    /** Inserts {@code field} and a CRLF before the head's final CRLF. Returns the new end, or -1 without room. */
    private static int insertField(Buffer b, int end, byte[] field) {
        int n = field.length + 2;
        if (b.writeIndex() + n > b.capacity()) {
            return -1;
        }
        int at = end - 2;
        b.shiftTail(at, at + n);
        b.putAt(at, field, 0, field.length);
        b.putAt(at + field.length, CRLF, 0, 2);
        return end + n;
    }

    /** Inserts a field line before the head's final CRLF. Returns the new end, or -1 without room. */
    private static int insertLine(Buffer b, int end, byte[] line) {
        if (b.writeIndex() + line.length > b.capacity()) {
            return -1;
        }
        int at = end - 2;
        b.shiftTail(at, at + line.length);
        b.putAt(at, line, 0, line.length);
        return end + line.length;
    }

    /** Walks new chunked bytes past the forward limit; returns false on a malformed body. */
    private static boolean scanChunks(Channel ch, ChunkedDecoder chunks) {
        Buffer b = ch.buffer;
        if (b == null) {
            return true;
        }
        long from = b.readIndex() + ch.forwardLimit;
        if (from >= b.writeIndex()) {
            return true;
        }
        int n = chunks.feed(b, (int) from, b.writeIndex());
        if (n < 0) {
            return false;
        }
        ch.forwardLimit += n;
        return true;
    }

    // --- timeouts ---

    private boolean expired(long now) {
        long d;
        switch (req) {
            case HEAD -> {
                Buffer b = request.buffer;
                boolean partial = b != null && b.readable() > 0;
                if (request.isWaiting()) {
                    // The client's bytes wait for a buffer: that time is Sluice's, not the client's.
                    break;
                }
                if (partial || requestsOnConnection == 0) {
                    d = headDeadline();
                    if (d != 0 && now - d >= 0) {
                        if (!partial) {
                            // Nothing at all arrived: a probe or an idle pre-connection, closed quietly.
                            close(SessionOutcome.REQUEST_TIMEOUT, false);
                            return true;
                        }
                        counters.rejected(HttpError.BAD_REQUEST_LINE);
                        log(408, "request head not complete within timeout http-request");
                        reply(408, SessionOutcome.REQUEST_TIMEOUT);
                        return false;
                    }
                } else {
                    d = idleDeadline();
                    if (d != 0 && now - d >= 0) {
                        close(SessionOutcome.DONE, false);
                        return true;
                    }
                }
            }
            case WAITING_FOR_SLOT -> {
                if (phaseDeadline != 0 && now - phaseDeadline >= 0 && backend.cancel(slotRequest)) {
                    req = Req.DISCARDING;
                    reply(503, SessionOutcome.QUEUE_TIMEOUT);
                    return false;
                }
            }
            case CONNECTING -> {
                if (phaseDeadline != 0 && now - phaseDeadline >= 0) {
                    server.countConnectError();
                    reply(503, SessionOutcome.CONNECT_TIMEOUT);
                    return false;
                }
            }
            default -> {
            }
        }
        d = clientDeadline();
        if (d != 0 && now - d >= 0) {
            close(SessionOutcome.CLIENT_TIMEOUT, true);
            return true;
        }
        d = serverDeadline();
        if (d != 0 && now - d >= 0) {
            if (!responseStarted && resp == Resp.HEAD) {
                reply(504, SessionOutcome.SERVER_TIMEOUT);
                return false;
            }
            close(SessionOutcome.SERVER_TIMEOUT, true);
            return true;
        }
        return false;
    }

    /**
     * When a request head must be complete: timeout http-request after its
     * start; without it, timeout client after the client's last byte (HAProxy:
     * "the client timeout still applies between each chunk of the request").
     */
    private long headDeadline() {
        long request = frontend.httpTimeouts().request();
        return request > 0 ? deadline(headStartedAt, request) : deadline(clientActiveAt, frontend.clientTimeout());
    }

    /** When an idle keep-alive connection closes: http-keep-alive, else http-request, else client. */
    private long idleDeadline() {
        long idle = frontend.httpTimeouts().keepAliveOrRequest();
        return deadline(idleSince, idle > 0 ? idle : frontend.clientTimeout());
    }

    /** While Sluice waits on the client: for the rest of a request body, or to take response bytes. */
    private long clientDeadline() {
        boolean waiting = req == Req.SENDING && !request.holdsForwardable() || response.holdsForwardable();
        return waiting ? deadline(clientActiveAt, frontend.clientTimeout()) : 0;
    }

    /** While Sluice waits on the server: for its response, or to take request bytes. */
    private long serverDeadline() {
        if (serverConnection == null || req == Req.CONNECTING) {
            return 0;
        }
        boolean waiting = resp == Resp.HEAD || resp == Resp.BODY || resp == Resp.INTERIM || request.holdsForwardable();
        return waiting ? deadline(serverActiveAt, policy.timeouts().server()) : 0;
    }

    @Override
    long nextDeadline() {
        long next = 0;
        switch (req) {
            case HEAD -> {
                Buffer b = request.buffer;
                boolean partial = b != null && b.readable() > 0;
                if (!request.isWaiting()) {
                    next = partial || requestsOnConnection == 0 ? headDeadline() : idleDeadline();
                }
            }
            case WAITING_FOR_SLOT, CONNECTING -> next = phaseDeadline;
            default -> {
            }
        }
        return earliest(earliest(next, clientDeadline()), serverDeadline());
    }

    // --- the end ---

    private void serverFailed(SessionOutcome why) {
        if (!responseStarted && resp != Resp.REPLY) {
            if (serverReused && (req == Req.SENT || req == Req.SENDING) && resp == Resp.HEAD
                    && (response.buffer == null || response.buffer.readable() == 0)) {
                close(why, false);
                return;
            }
            reply(502, SessionOutcome.BAD_RESPONSE);
            return;
        }
        close(why, true);
    }

    @Override
    boolean closeIfIdle() {
        Buffer b = request.buffer;
        if (req == Req.HEAD && requestsOnConnection > 0 && (b == null || b.readable() == 0)) {
            close(SessionOutcome.DONE, false);
            return true;
        }
        return false;
    }

    @Override
    void abort(SessionOutcome why) {
        close(why, true);
    }

    private void close(SessionOutcome why, boolean abortive) {
        if (closed) {
            return;
        }
        closed = true;
        pendingReply = null;
        request.dispose();
        response.dispose();
        loop.cancel(timer);
        if (req == Req.WAITING_FOR_SLOT) {
            backend.cancel(slotRequest);
        }
        releaseSlot();
        discardKept();
        Connection c = detachServer();
        if (c != null) {
            c.abort();
        }
        if (abortive) {
            client.abort();
        } else if (req == Req.DISCARDING && !request.sourceEnded) {
            // Answered before the request was all read (a refusal in the middle of
            // an upload): a close now, with input unread, would be a reset.
            long clientTimeout = frontend.clientTimeout();
            client.closeLingering(clientTimeout > 0 ? Math.min(clientTimeout, LINGER_NANOS) : LINGER_NANOS);
        } else {
            client.close();
        }
        counters.closed(why, request.forwarded, response.forwarded);
        sessions.remove(this);
        frontend.limit().leave();
    }

    /** The session's state, for failure reports. */
    @Override
    public String toString() {
        return "HttpSession[" + client.peer() + " req=" + req + " resp=" + resp + " requests=" + requestsOnConnection
                + (closed ? " closed" : "") + " request{" + request.describe() + "} response{" + response.describe() + "}]";
    }

    private void log(int status, String reason) {
        SessionLog.refused(frontend.name(), client, status, reason);
    }

    /**
     * Applies each edit an {@code http-request} header rule makes to the head
     * in the buffer at once, then parses the head again, so that a later rule's
     * condition, {@code use_backend}, and the backend's rules see it as HAProxy's
     * do. An edit takes the room {@code tune.maxrewrite} keeps; a head that no
     * longer fits, or holds more fields than {@code tune.http.maxhdr}, makes
     * {@link #overflowed} true, and the request gets 500.
     */
    private final class Edits implements HeaderEdits {
        boolean overflowed;

        void clear() {
            overflowed = false;
        }

        @Override
        public void delete(int header) {
            if (overflowed) {
                return;
            }
            removeFieldLine(request.buffer, requestHead, header, requestHead.headStart() + requestHead.headLength());
            reparse();
        }

        @Override
        public void append(byte[] fieldLine) {
            if (overflowed) {
                return;
            }
            if (insertField(request.buffer, requestHead.headStart() + requestHead.headLength(), fieldLine) < 0) {
                overflowed = true;
                return;
            }
            reparse();
        }

        private void reparse() {
            if (!requestHead.reparse(request.buffer)) {
                overflowed = true;
            }
        }
    }

    private final class ServerEvents implements ConnectionHandler {
        @Override
        public void readable() {
            response.receive();
        }

        @Override
        public void writable() {
            wake();
        }

        @Override
        public void connected() {
            if (req == Req.CONNECTING && !closed) {
                sendRequest(loop.clock().nanoTime());
            }
        }

        @Override
        public void connectFailed(IOException cause) {
            if (req == Req.CONNECTING && !closed) {
                server.countConnectError();
                reply(503, SessionOutcome.CONNECT_ERROR);
            }
        }
    }

    /** The handler of the kept connection between requests: any readiness means it can no longer be used. */
    private final class KeptServerEvents implements ConnectionHandler {
        @Override
        public void readable() {
            Connection c = releaseKept();
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void writable() {
        }
    }

    private final class SlotRequest extends SlotWaiter {
        @Override
        protected Loop loop() {
            return loop;
        }

        @Override
        protected void slotGranted(Server granted) {
            if (closed || req != Req.WAITING_FOR_SLOT) {
                backend.releaseSlot(granted);
                return;
            }
            HttpSession.this.slotGranted(granted, loop.clock().nanoTime());
        }
    }
}
