package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.ForwardFor;
import dev.sluice.session.HttpSession.Req;
import dev.sluice.session.HttpSession.Resp;

/**
 * The server side of an HTTP exchange, Pingora's {@code upstream_peer} and
 * {@code upstream_request_filter} phases: once the request is routed to a
 * backend, get a slot (or queue for one), reuse or open a connection, rewrite
 * the head for the server (X-Forwarded-For, {@code Connection}) and let the
 * request through; hear the {@link ServerLink}'s events; decide what a failed
 * connect, a failed read or write or a missing response means (a retry, a
 * redispatch, a quiet close or a refusal); and give the connection back, kept
 * or closed, when the response is in.
 *
 * <p>The client side of the exchange, the request and response analysis and
 * Sluice's own replies, stay in {@link HttpExchange}; a refusal decided here is
 * answered there.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class HttpUpstream implements ServerLink.Events {
    private final HttpExchange exchange;
    private final HttpSession session;
    private final HttpFrontend frontend;
    private final Channel request;
    private final Channel response;
    private final RequestAnalyser requestSide;
    private final ResponseAnalyser responseSide;
    private final ServerLink link;
    private final ExchangeRetries retries;
    private final HttpDeadlines.State times;
    private final ExchangeLog log;
    /** The client and where it connected to, as the rules see them. */
    private final ConnectionAddresses addresses;
    /** {@code X-Forwarded-For: <client>} (no CRLF), built once per connection, or null. */
    private byte[] forwardedForField;
    /** The line of a named or excepting {@code option forwardfor} ({@link #forwardedForFor}'s), kept per connection. */
    private byte[] namedForwardedFor;
    private ForwardFor forwardedForFor;

    /** The backend the current (or last) request was routed to. */
    private HttpFrontend.BackendPolicy policy;
    /** httpclose or {@code option http-server-close}: the server connection closes after this response. */
    private boolean serverClose;
    /** A write of the request to the server failed: the request stopped there (the connection ends after the answer). */
    private boolean requestCut;

    HttpUpstream(HttpExchange exchange, HttpSession session, HttpFrontend frontend, SessionCounters counters,
                 Channel request, Channel response, RequestAnalyser requestSide, ResponseAnalyser responseSide,
                 ServerLink.Parts parts, HttpDeadlines.State times, ConnectionAddresses addresses,
                 byte[] forwardedForField) {
        this.exchange = exchange;
        this.session = session;
        this.frontend = frontend;
        this.request = request;
        this.response = response;
        this.requestSide = requestSide;
        this.responseSide = responseSide;
        // This side hears what happens on the link: slot grants and connects.
        this.link = new ServerLink(parts, request, response, counters, this, addresses);
        this.retries = new ExchangeRetries(link, request);
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
     * The request is routed to {@code policy}'s backend: ask it for a slot and,
     * with one, connect. Returns false when the session's task must stop.
     */
    boolean toBackend(HttpFrontend.BackendPolicy policy, boolean serverClose, Backend backend,
                      BalanceKey key, long now) {
        this.policy = policy;
        this.serverClose = serverClose;
        switch (link.acquire(backend, key)) {
            case QUEUE_FULL -> {
                return exchange.refuse(Refusal.QUEUE_FULL);
            }
            case NO_SERVER -> {
                return exchange.refuse(Refusal.NO_SERVER);
            }
            case QUEUED -> {
                log.queued(backend);
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

    private static final byte[] HOST = dev.sluice.http.HttpBytes.ascii("host");

    /**
     * The request's Host without its port, lower case, for {@code sni
     * req.hdr(host)}; null without one or for an address. Made only for a
     * server that sends it: one string per request to it.
     */
    private String hostName() {
        int h = requestSide.head().findHeader(request.buffer(), HOST);
        if (h < 0) {
            return null;
        }
        var head = requestSide.head();
        StringBuilder name = new StringBuilder(head.valueEnd(h) - head.valueStart(h));
        for (int i = head.valueStart(h); i < head.valueEnd(h); i++) {
            char c = (char) (request.buffer().get(i) & 0xFF);
            if (c == ':' || c == '[') {
                break;
            }
            name.append(Character.toLowerCase(c));
        }
        return name.isEmpty() ? null : name.toString();
    }

    /** The request holds a slot: reuse a connection to its server, or open one. */
    private void connectToServer(long now) {
        if (!link.admit()) {
            // It holds its slot and waits for its buffers of both pools (Sluice's time, under no deadline of its
            // peers'); slotGranted() follows.
            if (session.req() != Req.WAITING_FOR_SLOT) {
                session.req(Req.WAITING_FOR_SLOT);
            }
            times.phaseDeadline = 0;
            return;
        }
        log.slotHeld(now, link.server(), link.retries());
        dev.sluice.net.TlsClientContext tls = link.server().tls();
        // The Host is read (a string made) only for a server whose SNI is the request's Host.
        String name = tls == null ? null : tls.serverName(addresses.tlsServerName(),
                tls.sni() == dev.sluice.net.TlsClientContext.Sni.HOST ? hostName() : null);
        ServerLink.Opened opened = link.open(session.requestsOnConnection > 1 && policy.reuse(), policy.smartConnect(),
                name);
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
                exchange.refuse(Refusal.REWRITE_TOO_LARGE);
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
            exchange.refuse(Refusal.BAD_RESPONSE);
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
        exchange.closeAfterResponse();
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
    boolean serverLostBeforeResponse() {
        Req req = session.req();
        if (link.reused() && (req == Req.SENT || req == Req.SENDING || req == Req.DISCARDING && requestCut)) {
            session.close(SessionOutcome.SERVER_ABORT, CloseMode.ORDERLY);
            return true;
        }
        return false;
    }

    /**
     * The response failed after the whole request went out, as {@code retry-on}
     * names ({@code event}, or {@code status} when above 0): the request kept
     * in its buffer is sent again on a new connection, to the same server or,
     * with {@code option redispatch}, another. Returns whether it was; false
     * leaves the failure to its usual answer.
     */
    boolean retriedAfterSending(RetryPolicy.RetryOn event, int status) {
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
    void dropReplay() {
        retries.drop();
    }

    /** Sluice answers instead of the server: no replay, and the slot and connection go. */
    void abandon() {
        dropReplay();
        link.abortExchange();
    }

    /**
     * A deadline of the server side passed: the queue's or the connect's (a
     * reconnect that was due, or 503), or the response head's (a retry if
     * {@code retry-on response-timeout} asks, else 504).
     */
    void deadlinePassed(HttpDeadlines.Expiry expiry) {
        switch (expiry) {
            case QUEUE -> {
                // A grant already on its way serves the request after all.
                if (link.leaveQueue()) {
                    exchange.refuse(Refusal.QUEUE_TIMEOUT);
                }
            }
            case CONNECT -> connectDeadline();
            case RESPONSE_HEAD -> {
                if (!retriedAfterTimeout()) {
                    exchange.refuse(Refusal.RESPONSE_TIMEOUT);
                }
            }
            default -> throw new IllegalArgumentException("not a deadline of the server side: " + expiry);
        }
    }

    /** The response head did not come within timeout server: a retry if retry-on response-timeout asks. */
    private boolean retriedAfterTimeout() {
        return retriedAfterSending(RetryPolicy.RetryOn.RESPONSE_TIMEOUT, 0);
    }

    /**
     * The response is entirely in: the slot goes back (the oldest queued request
     * gets it) and the server connection is parked for reuse, kept or closed.
     */
    void serverDone() {
        boolean reusable = !serverClose && session.req() == Req.SENT && responseSide.serverMayStay()
                && link.connection().isOpen();
        link.finish(reusable, policy.reuse());
        if (session.req() != Req.SENT) {
            // The server answered before the whole request body arrived: the rest
            // of it cannot be told from a next request, so the connection ends.
            exchange.closeAfterResponse();
            session.req(Req.DISCARDING);
            requestSide.discard();
        }
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
            exchange.refuse(why == SlotRefusal.SERVER_DOWN ? Refusal.SERVER_DOWN : Refusal.NO_SERVER);
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
    private void connectDeadline() {
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
            case NONE -> exchange.refuse(failure);
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
            case QUEUE_FULL -> exchange.refuse(Refusal.QUEUE_FULL);
            case NO_SERVER -> exchange.refuse(Refusal.NO_SERVER);
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
