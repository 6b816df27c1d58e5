package dev.sluice.session;

import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.http.AddressView;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.ForwardFor;
import dev.sluice.http.TcpRequestRules;
import dev.sluice.http.HttpError;
import dev.sluice.http.Method;
import dev.sluice.http.RedirectRule;
import dev.sluice.log.TerminationCause;
import dev.sluice.log.TerminationPhase;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.ReturnRule;
import dev.sluice.session.HttpSession.Req;
import dev.sluice.session.HttpSession.Resp;

/**
 * One exchange of an HTTP session, phase by phase, in the order of HAProxy's
 * analysers and Pingora's phases: wait for the request; process it (the
 * request policy, then a slot and a connection from the server link); send
 * it; wait for the response and forward it; end the exchange, or answer with
 * a reply of Sluice's own instead.
 *
 * <p>Each phase moves the session's request and response states through the
 * session's checked transitions, and returns false when the session's task
 * must stop (it closed, or answered and waits).
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class HttpExchange implements ServerLink.Events {
    private final HttpSession session;
    private final HttpFrontend frontend;
    private final SessionCounters counters;
    private final Channel request;
    private final Channel response;
    private final RequestAnalyser requestSide;
    private final ResponseAnalyser responseSide;
    private final ServerLink link;
    private final OwnReply reply;
    /** Where a request goes to an applet instead of a backend. */
    private final AppletHandoff applets;
    private final HttpDeadlines.State times;
    /** The access log's room: the exchange's events go there. */
    private final ExchangeLog log;
    private final ParsedRequest view = new ParsedRequest();
    private final BalanceKey balanceKey = new BalanceKey();
    private final RequestPolicy.Decision decision = new RequestPolicy.Decision();
    /** The client and where it connected to, as the rules see them. */
    private final ConnectionAddresses addresses;
    /** {@code X-Forwarded-For: <client>} (no CRLF), built once per connection, or null. */
    private byte[] forwardedForField;
    /** The line of a named or excepting {@code option forwardfor} ({@link #forwardedForFor}'s), kept per connection. */
    private byte[] namedForwardedFor;
    private ForwardFor forwardedForFor;

    private HttpFrontend.BackendPolicy policy;
    private final ExchangeRetries retries;
    /** {@code option httpclose} applies to this request: both connections close after its response. */
    private boolean httpClose;
    /** httpclose or {@code option http-server-close}: the server connection closes after this response. */
    private boolean serverClose;
    private boolean closeAfterResponse;
    /** A write of the request to the server failed: the request stopped there (the connection ends after the answer). */
    private boolean requestCut;

    HttpExchange(HttpSession session, HttpFrontend frontend, SessionCounters counters, Channel request,
                 Channel response, RequestAnalyser requestSide, ResponseAnalyser responseSide, ServerLink.Parts parts,
                 OwnReply reply, HttpDeadlines.State times, ConnectionAddresses addresses, byte[] forwardedForField) {
        this.session = session;
        this.frontend = frontend;
        this.counters = counters;
        this.request = request;
        this.response = response;
        this.requestSide = requestSide;
        this.responseSide = responseSide;
        // The exchange hears what happens on the link: slot grants and connects.
        this.link = new ServerLink(parts, request, response, counters, this, addresses);
        this.retries = new ExchangeRetries(link, request);
        this.reply = reply;
        this.applets = new AppletHandoff(session, frontend, response, requestSide, reply);
        this.times = times;
        this.addresses = addresses;
        this.forwardedForField = forwardedForField;
        this.log = session.log;
    }

    ServerLink link() {
        return link;
    }

    /** A PROXY header named the real client: X-Forwarded-For names it too. */
    void clientKnown() {
        byte[] client = addresses.client();
        forwardedForField = client.length == 0 ? null : dev.sluice.http.ForwardedFor.fieldLine(client);
        forwardedForFor = null;
    }

    /**
     * The field {@code option forwardfor} adds to this request, or null: none
     * asked, the client is in an {@code except} network, or the request
     * brings the field and {@code if-none} says to leave it alone. The line
     * for a named field is built once per client connection and name.
     */
    private byte[] forwardedFor() {
        ForwardFor spec = policy.forwarding() != null ? policy.forwarding()
                : frontend.forwardFor() ? ForwardFor.DEFAULT : null;
        byte[] client = addresses.client();
        if (spec == null || forwardedForField == null || client.length == 0 || spec.excepts(client)) {
            return null;
        }
        if (spec.ifNone() && requestSide.head().findHeader(request.buffer(), spec.lowerCaseName()) >= 0) {
            return null;
        }
        if (spec == ForwardFor.DEFAULT) {
            return forwardedForField;
        }
        if (forwardedForFor != spec) {
            namedForwardedFor = spec.fieldLine(client);
            forwardedForFor = spec;
        }
        return namedForwardedFor;
    }

    /** Whether the client connection ends once the current response (or reply) went out. */
    boolean closesAfterResponse() {
        return closeAfterResponse;
    }

    /**
     * A read or write on the server connection failed. Before a response
     * started it gets 502, or the quiet close a reused connection found dead
     * deserves; after, only a cut can tell the client.
     */
    void serverFailed() {
        if (responseSide.started() || session.resp() == Resp.REPLY) {
            session.close(SessionOutcome.SERVER_ABORT, CloseMode.ABORTIVE);
        } else if (session.resp() == Resp.HEAD && response.held() == 0
                && retriedAfterSending(RetryPolicy.RetryOn.EMPTY_RESPONSE, 0)) {
            return;
        } else if (session.resp() != Resp.HEAD || response.held() > 0 || !serverLostBeforeResponse()) {
            refuse(Refusal.BAD_RESPONSE);
        }
    }

    /**
     * A write of the request to the server failed while it was going out. A
     * server that answers before it read the whole body (a 413, a redirect, an
     * early 200) and closes makes its kernel reset the connection, so the next
     * write of the body fails; its answer is in Sluice's socket still, often
     * not yet read. The request stops there: what is held of it is dropped, the
     * rest of the client's body is not read, and the client connection ends
     * after the answer. The response is read on, and comes, or its read fails
     * and is answered as any other failure is ({@link #serverFailed}).
     */
    void serverWriteFailed() {
        Resp resp = session.resp();
        if (session.req() != Req.SENDING || resp == Resp.REPLY || resp == Resp.IDLE || resp == Resp.TUNNEL) {
            serverFailed();
            return;
        }
        requestCut = true;
        dropReplay();
        closeAfterResponse = true;
        request.detachSink();
        request.dropHeld();
        request.releaseIfEmpty();
        session.req(Req.DISCARDING);
        requestSide.discard();
        response.updateInterest();
        session.wake();
    }

    /**
     * A reused connection that the server had closed, found while the request,
     * or its body, was going out: the client's keep-alive connection is closed
     * without an answer, which HTTP clients take as "retry", as they do for any
     * idle connection. Returns false when that does not apply.
     */
    private boolean serverLostBeforeResponse() {
        Req req = session.req();
        if (link.reused() && (req == Req.SENT || req == Req.SENDING || req == Req.DISCARDING && requestCut)) {
            session.close(SessionOutcome.SERVER_ABORT, CloseMode.ORDERLY);
            return true;
        }
        return false;
    }

    /** The reply's buffer came: it is written now. */
    void bufferForReply() {
        if (reply.pending()) {
            writeReply();
        }
    }

    // --- wait for the request, then process it ---

    boolean analyseRequest(long now) {
        if (session.req() == Req.HEAD) {
            return switch (requestSide.parseHead()) {
                case EMPTY, NEED_MORE -> true;
                case ENDED -> session.close(SessionOutcome.DONE, CloseMode.ORDERLY);
                case CUT -> refuse(HttpError.BAD_REQUEST_LINE, 400);
                case REJECTED -> refuse(requestSide.head().error(), requestSide.head().errorStatus());
                case COMPLETE -> requestArrived(now);
            };
        }
        if (session.req() != Req.SENDING) {
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
            session.req(Req.SENT);
            times.requestSentAt = now;
            requestSide.sent();
        } else if (request.sourceEnded() && !request.holdsForwardable()) {
            // The client went away in the middle of its body.
            return session.close(SessionOutcome.CLIENT_ABORT, CloseMode.ABORTIVE);
        }
        return true;
    }

    private boolean refuse(HttpError why, int status) {
        counters.rejected(why);
        session.refused(status, why.reason());
        return error(status, SessionOutcome.BAD_REQUEST);
    }

    /** 413 through the common reply path: it frees any slot and connection, and ends the connection. */
    private boolean bodyTooLarge(long limit) {
        session.refused(413, "request body larger than max-body-size " + limit);
        return error(413, SessionOutcome.BAD_REQUEST);
    }

    private boolean requestArrived(long now) {
        counters.httpRequests++;
        frontend.requestArrived(session.loop.id());
        log.requestReady(now, request.buffer(), requestSide.head(), counters.httpRequests);
        session.requestsOnConnection++;
        if (requestSide.method() == Method.CONNECT) {
            return refuse(Refusal.CONNECT_METHOD);
        }
        switch (requestSide.normalise()) {
            case BAD_AUTHORITY -> {
                return refuse(HttpError.BAD_REQUEST_LINE, 400);
            }
            case NO_ROOM -> {
                return refuse(Refusal.NORMAL_FORM_TOO_LARGE);
            }
            case DONE -> {
            }
        }
        view.bind(request.buffer(), requestSide.head(), addresses);
        ReturnRule monitor = frontend.services().monitor(view);
        if (monitor != null) {
            return answer(monitor);
        }
        Applet service = applets.service(view);
        if (service != null) {
            return serve(service);
        }
        switch (RequestPolicy.decide(frontend, view, requestSide.head().contentLength(), requestSide, decision)) {
            case TOO_LARGE -> {
                return bodyTooLarge(decision.bodyLimit());
            }
            case ANSWER -> {
                return answer(decision.answer());
            }
            case APPLET -> {
                return applets.available() ? serve(decision.applet()) : refuse(Refusal.NO_BACKEND);
            }
            case NO_BACKEND -> {
                return refuse(Refusal.NO_BACKEND);
            }
            case EDITS_OVERFLOWED -> {
                return refuse(Refusal.EDITS_TOO_LARGE);
            }
            case BACKEND -> {
            }
        }
        policy = decision.policy();
        log.routed(decision.backend());
        if (!policy.tcpRules().isEmpty()
                && !policy.tcpRules().accepts(TcpRequestRules.Phase.CONTENT, new AddressView(addresses))) {
            // The backend's tcp-request content rules: a reject ends the connection, as at its start.
            return session.close(SessionOutcome.REJECTED, CloseMode.ORDERLY);
        }
        times.serverTimeout = policy.timeouts().server();
        times.tunnelTimeout = policy.timeouts().tunnel();
        times.clientFinTimeout = policy.timeouts().clientFin();
        times.serverFinTimeout = policy.timeouts().serverFin();
        requestSide.bodyLimit(decision.bodyLimit());
        httpClose = frontend.httpClose() || policy.httpClose();
        responseSide.rules(policy.rules(), frontend.rules());
        serverClose = httpClose || policy.serverClose();
        if (httpClose) {
            requestSide.closeAfter();
        }
        requestSide.lastOnConnection();
        switch (link.acquire(decision.backend(), BalanceKeys.fill(balanceKey, decision.backend(), view))) {
            case QUEUE_FULL -> {
                return refuse(Refusal.QUEUE_FULL);
            }
            case NO_SERVER -> {
                return refuse(Refusal.NO_SERVER);
            }
            case QUEUED -> {
                log.queued(decision.backend());
                session.req(Req.WAITING_FOR_SLOT);
                times.phaseDeadline = Session.deadline(now, policy.timeouts().queueOrConnect());
                return true;
            }
            case TAKEN -> {
            }
        }
        connectToServer(now);
        return !session.isClosed();
    }

    /** Sluice answers with {@code rule}: a deny is the proxy's refusal (PR); a return is its own answer (LR). */
    private boolean answer(ReturnRule rule) {
        boolean closing = frontend.httpClose() || session.stopping();
        RedirectRule redirect = rule.redirect();
        // A redirect's location is made from the head, which stays until the reply is written.
        boolean keep = redirect != null ? requestSide.mayKeepAfterAnswer(closing)
                : requestSide.answeredKeepingAlive(closing);
        if (redirect != null && redirect.length(view, !keep) > request.buffer().capacity()) {
            return refuse(Refusal.REDIRECT_TOO_LARGE);
        }
        // A deny is the proxy's refusal (PR); a return or a redirect is its own answer (LR).
        log.terminate(rule.status() >= 400 ? TerminationCause.PROXY : TerminationCause.LOCAL, TerminationPhase.REQUEST);
        if (redirect != null) {
            reply.redirect(redirect, view, keep);
        } else {
            reply.answer(rule, requestSide.method(), keep);
        }
        return produce(rule.status());
    }

    /** An applet answers the request, part by part through the loop's applet arena (its own reply path). */
    private boolean serve(Applet service) {
        AppletStream answer = applets.open(service, view);
        return produce(answer.status()) && applets.start(answer);
    }

    /** The session closed: an applet's answer stops, and its arena buffer goes back. */
    void dropApplet() {
        applets.drop();
    }

    /** The request holds a slot: reuse a connection to its server, or open one. */
    private void connectToServer(long now) {
        log.slotHeld(now, link.server(), link.retries());
        ServerLink.Opened opened = link.open(session.requestsOnConnection > 1 && policy.reuse(), policy.smartConnect());
        session.req(Req.CONNECTING);
        request.criticalityChanged();
        if (opened == ServerLink.Opened.REUSED) {
            sendRequest(now);
            return;
        }
        times.phaseDeadline = Session.deadline(now, policy.timeouts().connect());
        // The request head is in the buffer and goes out once connected.
        session.armTimer();
    }

    /** The server connection is open: rewrite the head and let the request through. */
    private void sendRequest(long now) {
        log.connected(now, link.retries());
        RetryPolicy retry;
        if (retries.replaying()) {
            // A retry: the kept request, rewritten already, goes out again as it went the first time.
            retry = retries.replay();
        } else {
            int headLength = requestSide.rewriteForServer(forwardedFor(), serverClose);
            if (headLength < 0) {
                refuse(Refusal.REWRITE_TOO_LARGE);
                return;
            }
            requestSide.send(headLength);
            retry = retries.sent(requestSide.wholeInBuffer(headLength));
        }
        session.req(Req.SENDING);
        session.resp(Resp.HEAD);
        // Sluice waits on both peers from now on: time spent queued or connecting is neither's silence.
        session.serverActiveAt = now;
        session.clientActiveAt = now;
        responseSide.expect(requestSide.method(), retry);
        link.connection().readInterest(true);
        request.updateInterest();
        session.wake();
    }

    // --- wait for the response, then forward it ---

    boolean analyseResponse() {
        // A soft stop ends the client connection after this response: its head says so.
        boolean clientMayStay = requestSide.keepAlive() && !closeAfterResponse && session.req() == Req.SENT
                && !session.stopping();
        boolean http10 = requestSide.head().minorVersion() == 0;
        ResponseAnalyser.Step step = responseSide.analyse(session.resp(), clientMayStay, http10, requestSide.upgrade());
        if (step == ResponseAnalyser.Step.RETRY_STATUS) {
            if (retriedAfterSending(null, responseSide.head().statusCode())) {
                return !session.isClosed();
            }
            step = responseSide.sendFinalAfterAll(clientMayStay, http10);
        }
        switch (step) {
            case WAIT -> {
                return true;
            }
            case INTERIM -> {
                // The client sees this answer: the request will not be sent again.
                dropReplay();
                session.resp(Resp.INTERIM);
            }
            case AWAIT_FINAL -> session.resp(Resp.HEAD);
            case RETRY_STATUS -> throw new IllegalStateException("a held-back status was let through above");
            case FINAL -> {
                log.responseReady(session.loop.clock().nanoTime(), responseSide.head().statusCode());
                dropReplay();
                closeAfterResponse |= !responseSide.keepsClient();
                session.resp(Resp.BODY);
            }
            case SWITCHED -> {
                return tunnel();
            }
            case RECEIVED -> {
                serverDone();
                session.resp(Resp.RECEIVED);
                return true;
            }
            case ENDED_BEFORE_HEAD -> {
                return retriedAfterSending(RetryPolicy.RetryOn.EMPTY_RESPONSE, 0) ? !session.isClosed()
                        : !serverLostBeforeResponse() && refuse(Refusal.SERVER_CLOSED);
            }
            case REFUSED -> {
                return retriedAfterSending(RetryPolicy.RetryOn.JUNK_RESPONSE, 0) ? !session.isClosed()
                        : refuse(Refusal.BAD_RESPONSE);
            }
            case BODY_REFUSED -> {
                return session.close(SessionOutcome.BAD_RESPONSE, CloseMode.ABORTIVE);
            }
            case CUT -> {
                return session.close(SessionOutcome.SERVER_ABORT, CloseMode.ABORTIVE);
            }
        }
        // The state moved on: the bytes at hand may take it further.
        return analyseResponse();
    }

    /**
     * The response failed after the whole request went out, as {@code retry-on}
     * names ({@code event}, or {@code status} when above 0): the request kept
     * in its buffer is sent again on a new connection, to the same server or,
     * with {@code option redispatch}, another. Returns whether it was; false
     * leaves the failure to its usual answer.
     */
    private boolean retriedAfterSending(RetryPolicy.RetryOn event, int status) {
        ServerLink.Retry retry = retries.afterSending(event, status, session.req() == Req.SENT,
                responseSide.started());
        if (retry == ServerLink.Retry.NONE) {
            return false;
        }
        // What the failed server sent is not the client's.
        response.dropHeld();
        response.releaseIfEmpty();
        session.resp(Resp.IDLE);
        follow(retry, null, false);
        return true;
    }

    /** The request will not be sent again: the bytes kept for that go. */
    private void dropReplay() {
        retries.drop();
    }

    /** The response head did not come within timeout server: a retry if retry-on response-timeout asks. */
    boolean retriedAfterTimeout() {
        return retriedAfterSending(RetryPolicy.RetryOn.RESPONSE_TIMEOUT, 0);
    }

    /**
     * The server switched protocols: the connection is a tunnel both ways from
     * now on, holding its slot and its server connection to the end, when both
     * directions have ended.
     */
    private boolean tunnel() {
        dropReplay();
        if (session.req() != Req.SENT) {
            // The head went out but not yet all of it: nothing can be relayed in order.
            return refuse(Refusal.BAD_RESPONSE);
        }
        closeAfterResponse = true;
        session.req(Req.TUNNEL);
        session.resp(Resp.TUNNEL);
        times.serverTimeout = policy.timeouts().server();
        requestSide.tunnel();
        response.updateInterest();
        return true;
    }

    /**
     * The response is entirely in: the slot goes back (the oldest queued request
     * gets it) and the server connection is parked for reuse, kept or closed.
     */
    private void serverDone() {
        boolean reusable = !serverClose && session.req() == Req.SENT && responseSide.serverMayStay()
                && link.connection().isOpen();
        link.finish(reusable, policy.reuse());
        if (session.req() != Req.SENT) {
            // The server answered before the whole request body arrived: the rest
            // of it cannot be told from a next request, so the connection ends.
            closeAfterResponse = true;
            session.req(Req.DISCARDING);
            requestSide.discard();
        }
    }

    /** After both channels forwarded: the end of an exchange or of a reply, and the next request. */
    boolean afterForwarding(long now) {
        if (session.resp() == Resp.TUNNEL) {
            return !(request.sinkShut() && response.sinkShut()) || session.close(SessionOutcome.DONE, CloseMode.ORDERLY);
        }
        SessionOutcome end;
        if (session.resp() == Resp.REPLY) {
            if (applets.making()) {
                return true;
            }
            if (reply.pending() || response.forwardLimit() != 0 || response.hasBuffer()) {
                return true;
            }
            end = reply.outcome();
            closeAfterResponse |= !reply.keepsAlive();
        } else if (session.resp() == Resp.RECEIVED && response.forwardLimit() == 0) {
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
            return session.close(end, CloseMode.ORDERLY);
        }
        log.end(now, request, response, end, TerminationPhase.NONE);
        request.releaseIfEmpty();
        session.waitForRequest(now);
        return true;
    }

    // --- replies of Sluice's own ---

    /** Answers with the error response of a refusal of Sluice's own, counted and logged as it says. */
    boolean refuse(Refusal r) {
        if (r == Refusal.SERVER_CLOSED) {
            log.terminate(TerminationCause.SERVER_ABORT, TerminationPhase.HEADERS);
        }
        if (r.counted != null) {
            counters.rejected(r.counted);
        }
        if (r.reason != null) {
            session.refused(r.status, r.reason);
        }
        return error(r.status, r.outcome);
    }

    /** Answers the current request with an error response and ends the connection after it. */
    private boolean error(int status, SessionOutcome why) {
        ReturnRule page = errorPage(status);
        if (page != null) {
            reply.errorPage(page, requestSide.method(), why);
        } else {
            reply.error(status, requestSide.method(), why);
        }
        return produce(status);
    }

    /**
     * The operator's page for an error of {@code status} ({@code errorfile}):
     * the backend's once the request was routed to one, else the frontend's;
     * null when neither has one, and Sluice's own page answers.
     */
    private ReturnRule errorPage(int status) {
        ReturnRule page = session.req() != Req.HEAD && policy != null ? policy.rules().errorPage(status) : null;
        return page != null ? page : frontend.rules().errorPage(status);
    }

    /** Ends whatever the request had started, and writes {@link #reply} as soon as it has a buffer. */
    private boolean produce(int status) {
        log.terminate(reply.outcome(), session.phase());
        if (responseSide.started()) {
            // Part of a server response went out already: only a cut can tell the client.
            SessionOutcome why = reply.outcome();
            reply.drop();
            return session.close(why, CloseMode.ABORTIVE);
        }
        counters.replied(status);
        log.status(status);
        closeAfterResponse |= !reply.keepsAlive();
        dropReplay();
        link.abortExchange();
        session.req(Req.DISCARDING);
        requestSide.discard();
        session.resp(Resp.REPLY);
        responseSide.replaced();
        if (reply.pending() && response.bufferToProduce()) {
            writeReply();
        }
        return true;
    }

    private void writeReply() {
        boolean fromHead = reply.readsRequestHead();
        response.allow(reply.writeInto(response.buffer()));
        if (fromHead && reply.keepsAlive()) {
            requestSide.consumeHead();
        }
        session.wake();
    }

    // --- the server link's events ---

    @Override
    public boolean wantsSlot() {
        return !session.isClosed() && session.req() == Req.WAITING_FOR_SLOT;
    }

    @Override
    public void slotGranted(long now) {
        connectToServer(now);
    }

    @Override
    public void slotRefused(SlotRefusal why) {
        if (wantsSlot()) {
            refuse(why == SlotRefusal.SERVER_DOWN ? Refusal.SERVER_DOWN : Refusal.NO_SERVER);
        }
    }

    @Override
    public void connected(long now) {
        if (session.req() == Req.CONNECTING && !session.isClosed()) {
            sendRequest(now);
        }
    }

    @Override
    public void connectFailed() {
        if (session.req() == Req.CONNECTING && !session.isClosed()) {
            connectionFailed(Refusal.CONNECT_ERROR, true);
        }
    }

    /** The connect deadline passed: the reconnect a retry waited for is due, or the connect timed out. */
    void connectDeadline() {
        if (retries.turnAroundEnded()) {
            connectToServer(session.loop.clock().nanoTime());
        } else {
            connectionFailed(Refusal.CONNECT_TIMEOUT, false);
        }
    }

    /**
     * The server connection failed before any byte of the request went out,
     * so the request, whole in its buffer, may be tried again: on the same
     * server, after a turn-around delay when the server refused it, or at
     * once on another server when {@code option redispatch} says so. Without
     * a retry left, {@code refusal}.
     */
    private void connectionFailed(Refusal refusal, boolean refused) {
        follow(retries.afterConnectFailure(), refusal, refused);
    }

    /**
     * Makes the move a retry decision names: reconnect (after the turn-around
     * when {@code pause} asks), queue for a slot, or answer the failure
     * ({@code failure}, or the queue's refusal).
     */
    private void follow(ServerLink.Retry retry, Refusal failure, boolean pause) {
        long now = session.loop.clock().nanoTime();
        switch (retry) {
            case NONE -> refuse(failure);
            case SAME_SERVER -> {
                if (pause) {
                    times.phaseDeadline = Session.deadline(now, retries.turnAround(policy.timeouts().connect()));
                    session.armTimer();
                } else {
                    connectToServer(now);
                }
            }
            case REDISPATCHED -> connectToServer(now);
            case QUEUED -> {
                session.req(Req.WAITING_FOR_SLOT);
                times.phaseDeadline = Session.deadline(now, policy.timeouts().queueOrConnect());
                session.armTimer();
            }
            case QUEUE_FULL -> refuse(Refusal.QUEUE_FULL);
            case NO_SERVER -> refuse(Refusal.NO_SERVER);
        }
    }

    @Override
    public void serverReadable() {
        response.receive();
    }

    @Override
    public void serverWritable() {
        session.wake();
    }

}
