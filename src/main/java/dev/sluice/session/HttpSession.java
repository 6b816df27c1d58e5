package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.BodyFraming;
import dev.sluice.http.ChunkedDecoder;
import dev.sluice.http.ForwardedFor;
import dev.sluice.http.HeadRewriter;
import dev.sluice.http.HttpError;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.MessageKind;
import dev.sluice.http.Method;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.RequestTarget;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.Connector;
import java.io.IOException;
import java.net.InetAddress;

/**
 * One client connection's life in HTTP mode: requests one after the other
 * (keep-alive, pipelined requests answered in order), each routed to a
 * backend, holding a server slot from the moment it is sent until its response
 * has been received, over a new or a reused server connection.
 *
 * <p>The session is the state machine that drives the phases, each of which
 * has a room of its own:
 * <ul>
 * <li>wait for the request: the head is parsed in place as it arrives
 *     ({@link HttpHeadParser});</li>
 * <li>the request policy ({@link RequestPolicy}): answer, refuse, or choose a
 *     backend, with the rules' header edits;</li>
 * <li>the server link ({@link ServerLink}): slot, queue, connection, reuse;</li>
 * <li>the head rewriter ({@link HeadRewriter}): hop-by-hop fields out,
 *     X-Forwarded-For and {@code Connection} in;</li>
 * <li>forward the request, then wait for the response and forward it: the
 *     channels' forward limits let exactly each message's bytes through, so a
 *     body of any size streams through one buffer per direction;</li>
 * <li>replies of Sluice's own ({@link OwnReply});</li>
 * <li>the deadlines ({@link HttpDeadlines}).</li>
 * </ul>
 * Every change of {@link Req} or {@link Resp} goes through a table of the
 * transitions that can happen; any other one is a bug, and fails loudly.
 *
 * <p>Criticality (DESIGN.md, "Why it cannot deadlock"): the request head, and
 * the body read before the request holds a slot, are {@link Criticality#NORMAL}.
 * The response, every reply Sluice produces, and the request once it holds a
 * slot and is going out, free what the session holds by moving: their first
 * buffer is {@link Criticality#URGENT}, and the one that completes the pair
 * (the other direction holds a buffer already) is {@link Criticality#CRITICAL}.
 * A session holds at most one buffer per direction and gives each back as soon
 * as it is empty.
 *
 * <p>Not thread-safe: owned by the loop that accepted the client. A slot grant
 * arrives through that loop's inbox.
 */
public final class HttpSession extends Session implements ServerLink.Events, HttpDeadlines.Inputs {
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
    private final HeadEdits edits = new HeadEdits();
    private final RequestPolicy.Decision decision = new RequestPolicy.Decision();
    private final Channel request;
    private final Channel response;
    private final HttpHeadParser requestHead;
    private final HttpHeadParser responseHead;
    private final ChunkedDecoder requestChunks;
    private final ChunkedDecoder responseChunks;
    private final ServerLink link;
    private final OwnReply reply = new OwnReply();
    private final int headRoom;

    private Req req = Req.HEAD;
    private Resp resp = Resp.IDLE;
    private boolean closed;
    private HttpFrontend.BackendPolicy policy;
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
    private long headStartedAt;
    /** The request channel's buffer wait when the head started: what it waited since is not the client's. */
    private long headWaitBase;
    private long idleSince;
    private long requestSentAt;
    private long phaseDeadline;

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
        this.requestHead = new HttpHeadParser(MessageKind.REQUEST, frontend.limits());
        this.responseHead = new HttpHeadParser(MessageKind.RESPONSE, frontend.limits());
        // A request's size line is held whole until it goes out canonical: it must fit in the room a request fills.
        this.requestChunks = new ChunkedDecoder(MessageKind.REQUEST, frontend.limits(),
                frontend.limits().maxHeadBytes() - 1);
        this.responseChunks = new ChunkedDecoder(MessageKind.RESPONSE, frontend.limits());
        this.link = new ServerLink(loop, connector, idle, counters, this);
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
        request.readFrom(client);
        response.writeTo(client);
        client.handler(eventsFor(request));
        headStarted(now);
        waitForRequest(now);
        // Most clients send their request as soon as they are connected: read it
        // now instead of after a select. Interest changes reach the selector
        // only at its next select, so a request read whole here, from a client
        // that reads nothing more, never costs an epoll change for the client.
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
        headStartedAt = now;
        headWaitBase = request.waitedNanos();
    }

    /** Gets ready for the next request on this connection (the first, or one after keep-alive). */
    private void waitForRequest(long now) {
        req(Req.HEAD);
        resp(Resp.IDLE);
        // Unknown until the next request line is read: a refusal before it answers with content.
        method = null;
        request.stopStreaming();
        response.stopStreaming();
        requestHead.reset();
        request.allow(0);
        request.limitFill(headRoom);
        request.resumeInput();
        response.allow(0);
        responseStarted = false;
        serverSentExtra = false;
        idleSince = now;
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

    /**
     * NORMAL for a request read before it holds a slot; the response, a reply,
     * and the request once it holds a slot and goes out are URGENT for their
     * first buffer and CRITICAL for the one that completes the pair.
     */
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
        if (side == Side.CLIENT) {
            close(SessionOutcome.CLIENT_ABORT, CloseMode.ABORTIVE);
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
        if (channel == response && reply.pending()) {
            writeReply();
        }
    }

    /**
     * The session task: timeouts, analysers, forwarding. A transition that
     * cannot happen (a bug) ends the session with everything it holds given
     * back, and is reported through the loop's failure count.
     */
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
        if (req == Req.HEAD && requestsOnConnection > 0 && headStartedAt - idleSince <= 0 && request.held() > 0) {
            headStarted(now);
        }
    }

    // --- wait for the request, then process it ---

    private boolean analyseRequest(long now) {
        switch (req) {
            case HEAD -> {
                Buffer b = request.buffer();
                if (b == null || b.readable() == 0) {
                    if (request.sourceEnded()) {
                        // The client closed between requests: a normal end.
                        close(SessionOutcome.DONE, CloseMode.ORDERLY);
                        return false;
                    }
                    return true;
                }
                return switch (requestHead.parse(b)) {
                    case NEED_MORE -> !request.sourceEnded() || refuseRequest(HttpError.BAD_REQUEST_LINE, 400);
                    case REJECTED -> refuseRequest(requestHead.error(), requestHead.errorStatus());
                    case COMPLETE -> requestArrived(now);
                };
            }
            case SENDING -> {
                if (requestFraming == BodyFraming.CHUNKED && !requestChunks.isComplete()) {
                    if (!scanChunks(request, requestChunks, ChunkLines.CANONICAL)) {
                        counters.rejected(requestChunks.error());
                        return error(requestChunks.errorStatus(), SessionOutcome.BAD_REQUEST);
                    }
                    if (requestChunks.dataBytes() > requestBodyLimit) {
                        return bodyTooLarge(requestBodyLimit);
                    }
                }
                if (requestComplete()) {
                    req(Req.SENT);
                    requestSentAt = now;
                    request.stopStreaming();
                    // A keep-alive client stays read while its response is produced:
                    // a pipelined request waits in the buffer, an abort is seen at
                    // once, and no interest change is paid twice per request.
                    if (clientKeepAlive) {
                        request.resumeInput();
                    } else {
                        request.pauseInput();
                    }
                    request.updateInterest();
                } else if (request.sourceEnded() && !request.holdsForwardable()) {
                    // The client went away in the middle of its body.
                    close(SessionOutcome.CLIENT_ABORT, CloseMode.ABORTIVE);
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
        return request.forwardLimit() == 0 && (requestFraming != BodyFraming.CHUNKED || requestChunks.isComplete());
    }

    private boolean refuseRequest(HttpError why, int status) {
        counters.rejected(why);
        log(status, why.reason());
        return error(status, SessionOutcome.BAD_REQUEST);
    }

    /**
     * A request body above max-body-size gets 413 through the common reply path:
     * it frees any server connection and slot, and ends the connection, as its
     * body is not read (a response already begun is cut instead).
     */
    private boolean bodyTooLarge(long limit) {
        log(413, "request body larger than max-body-size " + limit);
        return error(413, SessionOutcome.BAD_REQUEST);
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
            return error(501, SessionOutcome.BAD_REQUEST);
        }
        if (!normaliseRequestHead()) {
            return false;
        }
        view.bind(request.buffer(), requestHead, clientAddressBytes);
        edits.overflowed = false;
        long length = requestHead.contentLength();
        switch (RequestPolicy.decide(frontend, view, length, edits, decision)) {
            case TOO_LARGE -> {
                return bodyTooLarge(decision.bodyLimit());
            }
            case ANSWER -> {
                policy = decision.policy();
                return answer();
            }
            case NO_BACKEND -> {
                log(503, "no backend matches the request");
                return error(503, SessionOutcome.NO_BACKEND);
            }
            case EDITS_OVERFLOWED -> {
                log(500, "the head edited by header rules does not fit in tune.maxrewrite or tune.http.maxhdr");
                return error(500, SessionOutcome.BAD_REQUEST);
            }
            case BACKEND -> {
            }
        }
        policy = decision.policy();
        requestBodyLimit = decision.bodyLimit();
        httpClose = frontend.httpClose() || policy.httpClose();
        if (httpClose) {
            clientKeepAlive = false;
        }
        if (!clientKeepAlive && requestFraming == BodyFraming.NONE) {
            // The whole request is here and nothing may follow it on this
            // connection: the client is not read again.
            request.pauseInput();
            request.updateInterest();
        }
        Backend chosen = decision.backend();
        switch (link.acquire(chosen)) {
            case QUEUE_FULL -> {
                return error(503, SessionOutcome.QUEUE_FULL);
            }
            case QUEUED -> {
                req(Req.WAITING_FOR_SLOT);
                phaseDeadline = deadline(now, policy.timeouts().queueOrConnect());
                return true;
            }
            case TAKEN -> {
            }
        }
        connectToServer(now);
        return !closed;
    }

    /**
     * Puts the fields every recipient must read alike into one form before any
     * rule sees the head: the Host of an absolute-form target is its authority
     * (RFC 9112 section 3.2.2), and a Content-Length list or repetition becomes
     * the single number. Returns false if it answered instead.
     */
    private boolean normaliseRequestHead() {
        Buffer b = request.buffer();
        int end = requestHead.headStart() + requestHead.headLength();
        int newEnd = end;
        int authority = RequestTarget.authorityStart(b, requestHead.targetStart(), requestHead.targetEnd());
        if (authority == RequestTarget.BAD_AUTHORITY) {
            return refuseRequest(HttpError.BAD_REQUEST_LINE, 400);
        }
        if (authority >= 0) {
            int authorityEnd = RequestTarget.authorityEnd(b, authority, requestHead.targetEnd());
            newEnd = HeadRewriter.hostFromAuthority(b, requestHead, newEnd, authority, authorityEnd);
            if (newEnd != end && !requestHead.reparse(b)) {
                newEnd = -1;
            }
        }
        if (newEnd >= 0 && !requestHead.contentLengthIsCanonical()) {
            HeadRewriter.canonicalContentLength(b, requestHead, newEnd);
            if (!requestHead.reparse(b)) {
                newEnd = -1;
            }
        }
        if (newEnd < 0) {
            log(500, "the normalised request head does not fit in tune.maxrewrite");
            return error(500, SessionOutcome.BAD_REQUEST);
        }
        return true;
    }

    /** The request holds a slot: reuse a connection to its server, or open one. */
    private void connectToServer(long now) {
        boolean share = requestsOnConnection > 1 && policy.reuse();
        ServerLink.Opened opened = link.open(share, policy.smartConnect());
        req(Req.CONNECTING);
        request.criticalityChanged();
        Connection c = link.connection();
        request.writeTo(c);
        response.readFrom(c);
        if (opened == ServerLink.Opened.REUSED) {
            sendRequest(now);
            return;
        }
        phaseDeadline = deadline(now, policy.timeouts().connect());
        // The request head is in the buffer and goes out once connected.
        armTimer();
    }

    /** The server connection is open: rewrite the head and let the request through. */
    private void sendRequest(long now) {
        int headLength = rewriteRequestHead();
        if (headLength < 0) {
            return;
        }
        req(Req.SENDING);
        resp(Resp.HEAD);
        serverActiveAt = now;
        // Sluice waits on the client for the body from now on: the time it spent
        // in the queue or connecting is not the client's silence.
        clientActiveAt = now;
        responseHead.resetForResponseTo(method);
        response.allow(0);
        response.limitFill(headRoom);
        response.resumeInput();
        // The request's fill limit stays at headRoom while the body streams: bytes
        // read behind the body may be the next pipelined head, and the room
        // tune.maxrewrite keeps must still be free when that head is rewritten.
        switch (requestFraming) {
            case CONTENT_LENGTH -> request.allow(headLength + requestHead.contentLength());
            case CHUNKED -> {
                requestChunks.reset();
                request.allow(headLength);
            }
            default -> request.allow(headLength);
        }
        // A body of known length needs no analyser: receives pass it on directly.
        if (requestFraming != BodyFraming.CHUNKED) {
            request.startStreaming();
        }
        link.connection().readInterest(true);
        request.updateInterest();
        wake();
    }

    /**
     * Removes hop-by-hop fields (the rules' edits are in the head already),
     * adds X-Forwarded-For and, under httpclose, {@code connection: close}.
     * Returns the new head length, or -1 if it replied instead.
     */
    private int rewriteRequestHead() {
        Buffer b = request.buffer();
        int start = requestHead.headStart();
        int end = HeadRewriter.removeHopByHop(b, requestHead, start + requestHead.headLength());
        if (forwardedForField != null && (frontend.forwardFor() || policy.forwardFor())) {
            end = HeadRewriter.insertField(b, end, forwardedForField);
        }
        if (end >= 0 && httpClose) {
            // The server learns that this connection ends with its response.
            end = HeadRewriter.insertLine(b, end, HeadRewriter.CLOSE_LINE);
        }
        if (end < 0) {
            log(500, "the rewritten request head does not fit in tune.maxrewrite");
            error(500, SessionOutcome.BAD_REQUEST);
            return -1;
        }
        return end - start;
    }

    // --- wait for the response, then forward it ---

    private boolean analyseResponse(long now) {
        switch (resp) {
            case HEAD -> {
                Buffer b = response.buffer();
                if (b == null || b.readable() == 0) {
                    return !response.sourceEnded() || serverClosedBeforeResponse();
                }
                switch (responseHead.parse(b)) {
                    case NEED_MORE -> {
                        if (response.sourceEnded()) {
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
                if (response.forwardLimit() == 0) {
                    resp(Resp.HEAD);
                    responseHead.resetForResponseTo(method);
                    Buffer b = response.buffer();
                    if (b != null) {
                        b.compact();
                    }
                    return analyseResponse(now);
                }
                return true;
            }
            case BODY -> {
                if (responseFraming == BodyFraming.CHUNKED && !responseChunks.isComplete()
                        && !scanChunks(response, responseChunks, ChunkLines.AS_RECEIVED)) {
                    counters.rejected(responseChunks.error());
                    log(502, "server response body refused: " + responseChunks.error().reason());
                    close(SessionOutcome.BAD_RESPONSE, CloseMode.ABORTIVE);
                    return false;
                }
                if (responseReceived()) {
                    if (responseFraming == BodyFraming.UNTIL_CLOSE) {
                        response.allowHeld();
                    }
                    serverDone();
                    resp(Resp.RECEIVED);
                    response.stopStreaming();
                } else if (response.sourceEnded()) {
                    // The server closed before the body was complete: the client must see a cut, not an end.
                    close(SessionOutcome.SERVER_ABORT, CloseMode.ABORTIVE);
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
        int headLength = responseHead.headLength();
        if (status < 200) {
            if (status == 101) {
                counters.rejected(HttpError.BAD_STATUS_LINE);
                log(502, "server switched protocols, which Sluice does not relay");
                return badResponse();
            }
            // 1xx (100-continue, 103): forwarded as is, the final response follows.
            counters.serverResponded(status);
            resp(Resp.INTERIM);
            response.allow(headLength);
            return true;
        }
        counters.serverResponded(status);
        responseFraming = responseHead.bodyFraming();
        boolean keepClient = clientKeepAlive && !closeAfterResponse && req == Req.SENT
                && responseFraming != BodyFraming.UNTIL_CLOSE;
        if (!keepClient) {
            closeAfterResponse = true;
        }
        headLength = rewriteResponseHead(keepClient);
        if (headLength < 0) {
            return false;
        }
        responseStarted = true;
        resp(Resp.BODY);
        response.fillAll();
        switch (responseFraming) {
            case CONTENT_LENGTH -> response.allow(headLength + responseHead.contentLength());
            case CHUNKED -> {
                responseChunks.reset();
                response.allow(headLength);
            }
            case UNTIL_CLOSE -> response.allowAll();
            default -> response.allow(headLength);
        }
        if (responseFraming != BodyFraming.CHUNKED) {
            response.startStreaming();
        }
        return analyseResponse(now);
    }

    /**
     * Removes hop-by-hop fields, puts a Content-Length list in its single form,
     * and says {@code connection: close} when the client connection ends after
     * this response ({@code keep-alive} to an HTTP/1.0 client that keeps it).
     * Returns the new head length, or -1 if it answered 502 instead.
     */
    private int rewriteResponseHead(boolean keepClient) {
        Buffer b = response.buffer();
        int start = responseHead.headStart();
        int end = start + responseHead.headLength();
        if (!responseHead.contentLengthIsCanonical()) {
            // Last first: the hop-by-hop pass below reads the parser's offsets, so they must be fresh.
            end = HeadRewriter.canonicalContentLength(b, responseHead, end);
            responseHead.reparse(b);
        }
        end = HeadRewriter.removeHopByHop(b, responseHead, end);
        byte[] line = !keepClient ? HeadRewriter.CLOSE_LINE
                : requestHead.minorVersion() == 0 ? HeadRewriter.KEEP_ALIVE_LINE : null;
        if (line != null) {
            end = HeadRewriter.insertLine(b, end, line);
            if (end < 0) {
                counters.rejected(HttpError.HEAD_TOO_LARGE);
                badResponse();
                return -1;
            }
        }
        return end - start;
    }

    /** Every byte of the response has come from the server (some may still wait to go to the client). */
    private boolean responseReceived() {
        return switch (responseFraming) {
            case UNTIL_CLOSE -> response.sourceEnded();
            case CHUNKED -> responseChunks.isComplete();
            default -> response.held() >= response.forwardLimit();
        };
    }

    private boolean serverClosedBeforeResponse() {
        if (link.reused() && (req == Req.SENT || req == Req.SENDING)) {
            // A reused connection the server had already closed, found while the
            // request, or its body, was going out: the client's keep-alive
            // connection is closed without an answer, which HTTP clients take as
            // "retry", as they do for any idle connection.
            close(SessionOutcome.SERVER_ABORT, CloseMode.ORDERLY);
            return false;
        }
        counters.rejected(HttpError.BAD_STATUS_LINE);
        log(502, "server closed without a response");
        return badResponse();
    }

    private boolean badResponse() {
        return error(502, SessionOutcome.BAD_RESPONSE);
    }

    /**
     * The response is entirely in: the slot goes back (the oldest queued request
     * gets it) and the server connection is parked for reuse, kept or closed.
     */
    private void serverDone() {
        if (responseFraming != BodyFraming.UNTIL_CLOSE && response.held() > response.forwardLimit()) {
            serverSentExtra = true;
        }
        boolean reusable = !httpClose && responseHead.keepAlive() && req == Req.SENT
                && !response.sourceEnded() && !serverSentExtra && link.connection().isOpen();
        request.detachSink();
        response.detachSource();
        link.finish(reusable, policy.reuse());
        if (req != Req.SENT) {
            // The server answered before the whole request body arrived: the rest
            // of it cannot be told from a next request, so the connection ends.
            closeAfterResponse = true;
            req(Req.DISCARDING);
            request.stopStreaming();
            request.pauseInput();
            request.updateInterest();
        }
    }

    /** Called after both channels forwarded: the end of a transaction, or of a reply. */
    private boolean afterForwarding(long now) {
        if (resp == Resp.REPLY) {
            if (!reply.pending() && response.forwardLimit() == 0 && !response.hasBuffer()) {
                if (!reply.keepsAlive() || request.sourceEnded() && request.held() == 0) {
                    close(reply.outcome(), CloseMode.ORDERLY);
                    return false;
                }
                request.releaseIfEmpty();
                waitForRequest(now);
            }
            return true;
        }
        if (resp == Resp.RECEIVED && response.forwardLimit() == 0) {
            if (serverSentExtra) {
                response.dropHeld();
                response.releaseIfEmpty();
            }
            if (response.hasBuffer()) {
                return true;
            }
            // A client that pipelines requests and then half-closes still gets every answer: its end of
            // stream ends the connection only once nothing of it is left to serve.
            if (closeAfterResponse || request.sourceEnded() && request.held() == 0) {
                close(SessionOutcome.DONE, CloseMode.ORDERLY);
                return false;
            }
            waitForRequest(now);
        }
        return true;
    }

    /**
     * How a chunked body's size lines are forwarded. A request's go to the
     * origin in canonical form: an origin that reads extensions or odd sizes
     * differently from Sluice could otherwise read another body. A response's go
     * to the client as they came.
     */
    private enum ChunkLines { CANONICAL, AS_RECEIVED }

    /** Walks new chunked bytes past the forward limit; false on a malformed body. */
    private static boolean scanChunks(Channel ch, ChunkedDecoder chunks, ChunkLines lines) {
        Buffer b = ch.buffer();
        if (b == null) {
            return true;
        }
        long from = b.readIndex() + ch.forwardLimit();
        if (from >= b.writeIndex()) {
            return true;
        }
        int n = lines == ChunkLines.CANONICAL ? chunks.feedCanonical(b, (int) from, b.writeIndex())
                : chunks.feed(b, (int) from, b.writeIndex());
        if (n < 0) {
            return false;
        }
        ch.allowMore(n);
        return true;
    }

    // --- replies of Sluice's own ---

    /** Answers the current request with an error response and ends the connection after it. */
    private boolean error(int status, SessionOutcome why) {
        reply.error(status, method, why);
        return produce(status);
    }

    /**
     * Answers with an {@code http-request return} or {@code deny} response. The
     * connection stays open when the request has no body to skip and both sides
     * keep alive; otherwise {@code connection: close} goes into the head.
     */
    private boolean answer() {
        Buffer b = request.buffer();
        boolean keep = clientKeepAlive && requestFraming == BodyFraming.NONE && !frontend.httpClose()
                && (!request.sourceEnded() || b.readable() > requestHead.headLength());
        if (keep) {
            // The request is served: its head leaves the buffer, a pipelined request may follow.
            b.consumed(requestHead.headLength());
        }
        reply.answer(decision.answer(), method, keep);
        return produce(decision.answer().status());
    }

    /** Ends whatever the request had started, and writes {@link #reply} as soon as it has a buffer. */
    private boolean produce(int status) {
        if (responseStarted) {
            // Part of a server response went out already: only a cut can tell the client.
            SessionOutcome why = reply.outcome();
            reply.drop();
            close(why, CloseMode.ABORTIVE);
            return false;
        }
        counters.replied(status);
        if (!reply.keepsAlive()) {
            closeAfterResponse = true;
        }
        request.detachSink();
        response.detachSource();
        link.abortExchange();
        req(Req.DISCARDING);
        request.pauseInput();
        request.allow(0);
        request.updateInterest();
        resp(Resp.REPLY);
        request.stopStreaming();
        response.stopStreaming();
        response.fillAll();
        response.dropHeld();
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

    private boolean expired(long now) {
        switch (HttpDeadlines.expired(this, now)) {
            case NONE -> {
                return false;
            }
            case HEAD_SILENT -> {
                close(SessionOutcome.REQUEST_TIMEOUT, CloseMode.ORDERLY);
                return true;
            }
            case IDLE -> {
                close(SessionOutcome.DONE, CloseMode.ORDERLY);
                return true;
            }
            case HEAD_INCOMPLETE -> {
                counters.rejected(HttpError.BAD_REQUEST_LINE);
                log(408, "request head not complete within timeout http-request");
                error(408, SessionOutcome.REQUEST_TIMEOUT);
                return false;
            }
            case QUEUE -> {
                if (!link.leaveQueue()) {
                    // The grant is on its way: the request is served after all.
                    return false;
                }
                error(503, SessionOutcome.QUEUE_TIMEOUT);
                return false;
            }
            case CONNECT -> {
                link.countConnectError();
                error(503, SessionOutcome.CONNECT_TIMEOUT);
                return false;
            }
            case CLIENT -> {
                close(SessionOutcome.CLIENT_TIMEOUT, CloseMode.ABORTIVE);
                return true;
            }
            case RESPONSE_HEAD -> {
                error(504, SessionOutcome.SERVER_TIMEOUT);
                return false;
            }
            case SERVER -> {
                close(SessionOutcome.SERVER_TIMEOUT, CloseMode.ABORTIVE);
                return true;
            }
        }
        return false;
    }

    @Override
    long nextDeadline() {
        return HttpDeadlines.next(this);
    }

    @Override
    public Req req() {
        return req;
    }

    @Override
    public Resp resp() {
        return resp;
    }

    @Override
    public boolean headBytesHeld() {
        return request.held() > 0;
    }

    @Override
    public boolean headWaitsForBuffer() {
        return request.isWaiting();
    }

    @Override
    public int requestsOnConnection() {
        return requestsOnConnection;
    }

    @Override
    public long headStartedAt() {
        return headStartedAt;
    }

    @Override
    public long idleSince() {
        return idleSince;
    }

    @Override
    public long clientActiveAt() {
        return clientActiveAt;
    }

    @Override
    public long serverActiveAt() {
        return serverActiveAt;
    }

    @Override
    public long requestSentAt() {
        return requestSentAt;
    }

    @Override
    public long phaseDeadline() {
        return phaseDeadline;
    }

    @Override
    public long headBufferWait() {
        return request.waitedNanos() - headWaitBase;
    }

    @Override
    public boolean requestForwardable() {
        return request.holdsForwardable();
    }

    @Override
    public boolean responseForwardable() {
        return response.holdsForwardable();
    }

    @Override
    public boolean serverAttached() {
        return link.attached();
    }

    @Override
    public boolean responseStarted() {
        return responseStarted;
    }

    @Override
    public HttpTimeouts httpTimeouts() {
        return frontend.httpTimeouts();
    }

    @Override
    public long clientTimeout() {
        return frontend.clientTimeout();
    }

    @Override
    public long serverTimeout() {
        return policy.timeouts().server();
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

    private void serverFailed(SessionOutcome why) {
        if (!responseStarted && resp != Resp.REPLY) {
            if (link.reused() && (req == Req.SENT || req == Req.SENDING) && resp == Resp.HEAD
                    && response.held() == 0) {
                close(why, CloseMode.ORDERLY);
                return;
            }
            badResponse();
            return;
        }
        close(why, CloseMode.ABORTIVE);
    }

    @Override
    boolean closeIfIdle() {
        if (req == Req.HEAD && requestsOnConnection > 0 && request.held() == 0) {
            close(SessionOutcome.DONE, CloseMode.ORDERLY);
            return true;
        }
        return false;
    }

    @Override
    void abort(SessionOutcome why) {
        close(why, CloseMode.ABORTIVE);
    }

    private void close(SessionOutcome why, CloseMode mode) {
        if (closed) {
            return;
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
    private final class HeadEdits implements RequestPolicy.Edits {
        boolean overflowed;

        @Override
        public boolean overflowed() {
            return overflowed;
        }

        @Override
        public void delete(int header) {
            if (overflowed) {
                return;
            }
            HeadRewriter.removeFieldLine(request.buffer(), requestHead, header,
                    requestHead.headStart() + requestHead.headLength());
            reparse();
        }

        @Override
        public void append(byte[] fieldLine) {
            if (overflowed) {
                return;
            }
            if (HeadRewriter.insertField(request.buffer(), requestHead.headStart() + requestHead.headLength(),
                    fieldLine) < 0) {
                overflowed = true;
                return;
            }
            reparse();
        }

        private void reparse() {
            if (!requestHead.reparse(request.buffer())) {
                overflowed = true;
            }
        }
    }
}
