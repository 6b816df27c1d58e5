package dev.sluice.session;

import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.BalanceKey;
import dev.sluice.http.ConnectionAddresses;
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
 * request policy); hand it to the server side ({@link HttpUpstream}: a slot, a
 * connection, the request sent); wait for the response and forward it; end
 * the exchange, or answer with a reply of Sluice's own instead.
 *
 * <p>Each phase moves the session's request and response states through the
 * session's checked transitions, and returns false when the session's task
 * must stop (it closed, or answered and waits).
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class HttpExchange {
    private final HttpSession session;
    private final HttpFrontend frontend;
    private final SessionCounters counters;
    private final Channel request;
    private final Channel response;
    private final RequestAnalyser requestSide;
    private final ResponseAnalyser responseSide;
    /** The server side: slot, connection, the request's way out, retries and the server's failures. */
    private final HttpUpstream upstream;
    private final OwnReply reply;
    /** Where a request goes to an applet instead of a backend. */
    private final AppletHandoff applets;
    private final HttpDeadlines.State times;
    /** The access log's room: the exchange's events go there. */
    private final ExchangeLog log;
    private final ParsedRequest view = new ParsedRequest();
    private final BalanceKey balanceKey = new BalanceKey();
    private final RequestPolicy.Decision decision = new RequestPolicy.Decision();
    /** The backend's persistence cookie, read from the request and written into the response. */
    private final CookiePersistence cookies = new CookiePersistence();
    /** The backend's stick rules: the server a table names, and the keys stored once it answers. */
    /** Made at the first request whose backend has stick rules (none for most connections, and the idle ones). */
    private StickPersistence sticks;
    /** The client and where it connected to, as the rules see them. */
    private final ConnectionAddresses addresses;

    /** The backend the current (or last) request was routed to. */
    private HttpFrontend.BackendPolicy policy;
    /** {@code option httpclose} applies to this request: both connections close after its response. */
    private boolean httpClose;
    private boolean closeAfterResponse;

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
        this.upstream = new HttpUpstream(this, session, frontend, counters, request, response, requestSide,
                responseSide, parts, times, addresses, forwardedForField);
        this.reply = reply;
        this.applets = new AppletHandoff(session, frontend, response, requestSide, reply);
        responseSide.persistence(cookies, upstream.link());
        this.times = times;
        this.addresses = addresses;
        this.log = session.log;
    }

    HttpUpstream upstream() {
        return upstream;
    }

    /** The client connection ends once the current response (or reply) went out. */
    void closeAfterResponse() {
        closeAfterResponse = true;
    }

    /** Whether the client connection ends once the current response (or reply) went out. */
    boolean closesAfterResponse() {
        return closeAfterResponse;
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
                case CUT -> countedRequest() && refuse(HttpError.BAD_REQUEST_LINE, 400);
                case REJECTED -> countedRequest() && refuse(requestSide.head().error(),
                        requestSide.head().errorStatus());
                case COMPLETE -> applets.formComing(view, request, addresses) || requestArrived(now);
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

    /**
     * A request came, valid or not: it counts on the sticky counters the
     * connection's rules track (those of http-request rules count as they are
     * set). True, so that the refusal of a bad one can follow.
     */
    private boolean countedRequest() {
        if (addresses.tracking() != null) {
            addresses.tracking().requestArrived();
        }
        return true;
    }

    /** The client gets a 4xx, from the server or from Sluice: an error of the client's on its sticky counters. */
    private void clientError(int status) {
        if (status >= 400 && status < 500 && addresses.tracking() != null) {
            addresses.tracking().clientError();
        }
    }

    private boolean requestArrived(long now) {
        countedRequest();
        // The last request's variables (txn., req., res.) end; the connection's (sess.) stay.
        addresses.requestArrived();
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
        // After the backend's rules, as they may have edited the Cookie fields; before any server is chosen.
        cookies.request(policy.rules().persistCookie(), decision.backend(), view, requestSide, requestSide.method());
        log.cookies(cookies.requestState(), cookies.responseState());
        if (requestSide.overflowed()) {
            return refuse(Refusal.EDITS_TOO_LARGE);
        }
        if (sticks == null && policy.rules().stickRules().size() > 0) {
            sticks = new StickPersistence();
        }
        BalanceKey key = ExchangePersistence.key(balanceKey, cookies, sticks, policy, decision.backend(), view,
                addresses.stickTables());
        if (!policy.tcpRules().accepts(TcpRequestRules.Phase.CONTENT, addresses)) {
            // The backend's tcp-request content rules: a reject ends the connection, as at its start.
            return session.close(SessionOutcome.REJECTED, CloseMode.ORDERLY);
        }
        times.serverTimeout = policy.timeouts().server();
        times.tunnelTimeout = policy.timeouts().tunnel();
        times.clientFinTimeout = policy.timeouts().clientFin();
        times.serverFinTimeout = policy.timeouts().serverFin();
        requestSide.bodyLimit(decision.bodyLimit());
        httpClose = frontend.httpClose() || policy.httpClose();
        responseSide.rules(policy.rules(), frontend.rules(), addresses);
        boolean serverClose = httpClose || policy.serverClose();
        if (httpClose) {
            requestSide.closeAfter();
        }
        requestSide.lastOnConnection();
        return upstream.toBackend(policy, serverClose, decision.backend(), key, now);
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

    /** Whether an applet still answers the last request (its stream is not over). */
    boolean holdsApplet() {
        return applets.running();
    }

    // --- wait for the response, then forward it ---

    boolean analyseResponse() {
        // A soft stop ends the client connection after this response: its head says so.
        boolean clientMayStay = requestSide.keepAlive() && !closeAfterResponse && session.req() == Req.SENT
                && !session.stopping();
        boolean http10 = requestSide.head().minorVersion() == 0;
        ResponseAnalyser.Step step = responseSide.analyse(session.resp(), clientMayStay, http10, requestSide.upgrade());
        if (step == ResponseAnalyser.Step.RETRY_STATUS) {
            if (upstream.retriedAfterSending(null, responseSide.head().statusCode())) {
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
                upstream.dropReplay();
                session.resp(Resp.INTERIM);
            }
            case AWAIT_FINAL -> session.resp(Resp.HEAD);
            case RETRY_STATUS -> throw new IllegalStateException("a held-back status was let through above");
            case FINAL -> {
                log.responseReady(session.loop.clock().nanoTime(), responseSide.head().statusCode());
                // The cookie's edits are known now, and the stick rules' keys name the server that answered.
                ExchangePersistence.answered(cookies, sticks, upstream.link().server(), log);
                clientError(responseSide.head().statusCode());
                log.responseHead(response.buffer(), responseSide.head());
                upstream.dropReplay();
                closeAfterResponse |= !responseSide.keepsClient();
                session.resp(Resp.BODY);
            }
            case SWITCHED -> {
                return tunnel();
            }
            case RECEIVED -> {
                upstream.serverDone();
                session.resp(Resp.RECEIVED);
                return true;
            }
            case ENDED_BEFORE_HEAD -> {
                return upstream.retriedAfterSending(RetryPolicy.RetryOn.EMPTY_RESPONSE, 0) ? !session.isClosed()
                        : !upstream.serverLostBeforeResponse() && refuse(Refusal.SERVER_CLOSED);
            }
            case REFUSED -> {
                return upstream.retriedAfterSending(RetryPolicy.RetryOn.JUNK_RESPONSE, 0) ? !session.isClosed()
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
     * The server switched protocols: the connection is a tunnel both ways from
     * now on, holding its slot and its server connection to the end, when both
     * directions have ended.
     */
    private boolean tunnel() {
        upstream.dropReplay();
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
        if (addresses.tracking() != null) {
            // What the exchange's http-request rules tracked ends with it.
            addresses.tracking().exchangeEnded();
        }
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
        clientError(status);
        log.status(status);
        closeAfterResponse |= !reply.keepsAlive();
        upstream.abandon();
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

}
