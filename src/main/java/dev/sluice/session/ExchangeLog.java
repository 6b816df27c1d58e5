package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.log.CaptureSlab;
import dev.sluice.log.Captures;
import dev.sluice.log.LogRecord;
import dev.sluice.log.LoopLog;
import dev.sluice.log.ProxyLog;
import dev.sluice.log.TerminationCause;
import dev.sluice.log.TerminationPhase;
import dev.sluice.net.Connection;
import dev.sluice.net.TlsHandshakeFailure;

/**
 * The access log's room in a session: one {@link LogRecord}, allocated with the
 * session and reset for each exchange (each request of a keep-alive connection,
 * or the whole TCP session), filled as the exchange's events happen and handed
 * to the loop's {@link LoopLog} when it ends. Filling it allocates nothing: the
 * times are the loop clock's, the request line is copied into the record's
 * bounded room, and the names are the configuration's strings.
 *
 * <p>A frontend without a log target gets {@link #OFF}: every call returns at
 * once, and the session carries no record.
 *
 * <p>The termination state ({@code %tsc}) is fixed by the first event that ends
 * the exchange ({@link #terminate}): a refusal fixes it where the exchange was
 * when Sluice refused, and the later close of the connection does not change it.
 *
 * <p>Not thread-safe: owned by its session's loop.
 */
final class ExchangeLog {
    /** A session of a frontend that logs nothing. */
    static final ExchangeLog OFF = new ExchangeLog();

    private final ProxyLog proxy;
    private final LoopLog loop;
    private final LogRecord record;
    private final ConnectionLimit frontendLimit;
    /** An exchange began and its line has not been written. */
    private boolean open;
    private boolean terminated;
    private boolean requestSeen;
    private long requestBase;
    private long responseBase;
    private long waitBaseNormal;
    private long waitBaseUrgent;
    private long waitBaseCritical;
    private Server server;
    private Backend backend;
    /** This loop's room for the frontend's captured headers, null without captures. */
    private final CaptureSlab captures;
    /** The exchange's slot in {@link #captures}, or -1. */
    private int slot = -1;
    /** The connection's addresses, where each line reads what its TLS handshake agreed. */
    private ConnectionAddresses addresses;
    /** The connection's first exchange is still the one open: its line carries the TLS handshake's time. */
    private boolean firstExchange = true;
    /** The server address last copied into the record (addresses survive {@link LogRecord#reset()}). */
    private java.net.InetSocketAddress serverAddress;

    private ExchangeLog() {
        this.proxy = null;
        this.loop = null;
        this.record = null;
        this.frontendLimit = null;
        this.captures = null;
    }

    private ExchangeLog(FrontendLog log, int loopIndex, ConnectionLimit frontendLimit) {
        this.proxy = log.proxy();
        this.loop = log.logging().loop(loopIndex);
        this.record = proxy.newRecord();
        this.frontendLimit = frontendLimit;
        this.captures = proxy.logsAtAccept() ? null : proxy.captureSlab(loopIndex);
        record.frontend(proxy.name());
        record.captures(captures, -1);
    }

    /** The room for a session of a frontend logging as {@code log} says, on loop {@code loopIndex}. */
    static ExchangeLog of(FrontendLog log, int loopIndex, ConnectionLimit frontendLimit) {
        return log == null || !log.proxy().enabled() ? OFF : new ExchangeLog(log, loopIndex, frontendLimit);
    }

    boolean enabled() {
        return record != null;
    }

    /** The connection is accepted: its addresses are copied once, and the first exchange begins. */
    void accepted(ConnectionAddresses addresses, long now) {
        if (record == null) {
            return;
        }
        clientKnown(addresses);
        this.addresses = addresses;
        record.sampleContext = addresses;
        record.frontendTransport(addresses.tls() ? proxy.tlsName() : proxy.name());
        begin(now, null, null);
        if (proxy.logsAtAccept()) {
            loop.log(proxy, record);
        }
    }

    /** The connection's addresses, as the socket or a PROXY header names them: their bytes are copied. */
    void clientKnown(ConnectionAddresses addresses) {
        if (record != null) {
            record.client(addresses.client(), addresses.clientPort());
            record.frontendAddress(addresses.destination(), addresses.destinationPort());
        }
    }

    /**
     * A new exchange begins at {@code now}: the next request of a keep-alive
     * connection starts its timers here, and its byte counts from what the
     * channels moved so far.
     */
    void begin(long now, Channel request, Channel response) {
        if (record == null) {
            return;
        }
        record.reset();
        record.accepted(now, System.currentTimeMillis());
        open = !proxy.logsAtAccept();
        terminated = false;
        requestSeen = false;
        server = null;
        backend = null;
        requestBase = received(request);
        responseBase = forwarded(response);
        waitBaseNormal = waited(request, response, Criticality.NORMAL);
        waitBaseUrgent = waited(request, response, Criticality.URGENT);
        waitBaseCritical = waited(request, response, Criticality.CRITICAL);
    }

    /** Bytes of the request are here: the first time in an exchange, its request starts ({@code Ti} ends). */
    void requestBytesSeen(long now) {
        if (record != null && !requestSeen) {
            requestSeen = true;
            record.requestStarted(now);
        }
    }

    /** The request head is whole: its time, and its request line copied from the buffer. */
    void requestReady(long now, Buffer buffer, HttpHeadParser head, long counter) {
        if (record == null) {
            return;
        }
        record.requestReady(now);
        record.requestCounter(counter);
        int versionAt = head.targetEnd() + 1;
        // The parser took the version as "HTTP/1.x" right after one space.
        record.request(buffer.absoluteView(), head.methodStart(), head.methodEnd() - head.methodStart(),
                head.targetStart(), head.targetEnd() - head.targetStart(), versionAt, 8);
        if (captures != null) {
            if (slot < 0) {
                slot = captures.acquire();
                record.captures(captures, slot);
            }
            capture(buffer, head, 0, captures.captures().requestCount());
        }
    }

    /**
     * The final response head from the server: its headers named by {@code capture
     * response header} are kept for {@code %hs}. Sluice's own replies capture nothing,
     * as HAProxy's do not.
     */
    void responseHead(Buffer buffer, HttpHeadParser head) {
        if (captures != null && slot >= 0) {
            Captures c = captures.captures();
            capture(buffer, head, c.requestCount(), c.requestCount() + c.responseCount());
        }
    }

    /** Captures {@code first..end} from the head's headers: each keeps its header's last occurrence. */
    private void capture(Buffer buffer, HttpHeadParser head, int first, int end) {
        if (slot < 0) {
            return;
        }
        Captures c = captures.captures();
        for (int h = 0, n = head.headerCount(); h < n; h++) {
            for (int i = first; i < end; i++) {
                if (head.nameIs(buffer, h, c.lowerName(i))) {
                    captures.capture(slot, i, buffer.absoluteView(), head.valueStart(h),
                            head.valueEnd(h) - head.valueStart(h));
                }
            }
        }
    }

    /** Gives the exchange's capture slot back, once its line is formatted (or there is none). */
    private void releaseCaptures() {
        if (slot >= 0) {
            captures.release(slot);
            slot = -1;
            record.captures(captures, -1);
        }
    }

    /** The request waits in a queue for a slot: the queues' lengths now are its positions ({@code %sq/%bq}). */
    void queued(Backend to) {
        if (record == null) {
            return;
        }
        backend = to;
        record.backend(to.name());
        record.queuePositions(0, Math.max(0, to.queued() - 1));
    }

    /** What the persistence cookie did, for {@code %tsc}. */
    void cookies(char request, char response) {
        if (record != null) {
            record.cookies(request, response);
        }
    }

    /** The exchange goes to {@code to} (a backend), before or without a server. */
    void routed(Backend to) {
        if (record != null) {
            backend = to;
            record.backend(to.name());
        }
    }

    /** The exchange holds a slot of {@code s}: it left the queues. */
    void slotHeld(long now, Server s, int retries) {
        if (record == null || s == null) {
            return;
        }
        server = s;
        backend = s.owner();
        record.backend(backend.name());
        record.server(s.name());
        record.queueLeft(now);
        record.retries(retries);
    }

    /** The connection to the server is up (or a kept one taken). */
    void connected(long now, int retries) {
        if (record == null) {
            return;
        }
        record.connected(now);
        record.retries(retries);
        // The address's bytes are copied when the server (or its address) changes, not per exchange.
        if (server != null && server.address() != serverAddress) {
            serverAddress = server.address();
            record.serverAddress(serverAddress);
        }
    }

    /** The final response head came, with {@code status}. */
    void responseReady(long now, int status) {
        if (record != null) {
            record.responseReady(now);
            record.status(status);
        }
    }

    /** Sluice answers itself with {@code status}. */
    void status(int status) {
        if (record != null) {
            record.status(status);
        }
    }

    /** The exchange ends now for reason {@code why}, in {@code phase}; the first call of an exchange counts. */
    void terminate(SessionOutcome why, TerminationPhase phase) {
        if (record == null || terminated) {
            return;
        }
        terminated = true;
        record.termination(cause(why), phaseOf(why, phase));
    }

    /** As {@link #terminate}, with a cause named outright. */
    void terminate(TerminationCause cause, TerminationPhase phase) {
        if (record == null || terminated) {
            return;
        }
        terminated = true;
        record.termination(cause, phase);
    }

    /**
     * The exchange is over: its line goes to the ring (or is left out by an
     * option, or dropped and counted if the ring is full). A connection that
     * ends with no byte of a next request logs nothing for it.
     */
    void end(long now, Channel request, Channel response, SessionOutcome why, TerminationPhase phase) {
        if (record == null || !open) {
            if (record != null) {
                releaseCaptures();
            }
            return;
        }
        open = false;
        terminate(why, phase);
        record.ended(now);
        if (addresses != null) {
            record.tls(addresses.tlsCipher(), addresses.tlsProtocol());
            long handshakeEnd = addresses.tlsHandshakeEndNanos();
            if (firstExchange && handshakeEnd != Connection.NO_HANDSHAKE) {
                // Th: only the connection's first line has a handshake; a later request's starts at its own wait.
                record.handshakeDone(handshakeEnd);
            }
        }
        firstExchange = false;
        record.bytesFromClient(received(request) - requestBase);
        record.bytesToClient(forwarded(response) - responseBase);
        record.bufferWaited(Criticality.NORMAL, waited(request, response, Criticality.NORMAL) - waitBaseNormal);
        record.bufferWaited(Criticality.URGENT, waited(request, response, Criticality.URGENT) - waitBaseUrgent);
        record.bufferWaited(Criticality.CRITICAL, waited(request, response, Criticality.CRITICAL) - waitBaseCritical);
        // Counted when the line is written, the exchange's own slot given back already, as HAProxy counts.
        record.connections(processActive(), frontendLimit.current(), backendActive(),
                server == null ? 0 : server.slotsInUse());
        loop.log(proxy, record);
        releaseCaptures();
    }

    /**
     * The session ends: HAProxy's line for a TLS handshake that did not
     * finish ({@code unfinished} not null), none for a keep-alive connection
     * closed between two exchanges before a byte of the next request came,
     * else the exchange's line. The channels are null for a parked session.
     */
    void sessionEnded(long now, String listener, TlsHandshakeFailure unfinished, boolean betweenExchanges,
                      Channel request, Channel response, SessionOutcome why, TerminationPhase phase) {
        if (unfinished != null) {
            handshakeFailed(now, listener, unfinished);
        } else if (betweenExchanges && (request == null || nothingReceived(request))) {
            discard();
        } else {
            end(now, request, response, why, phase);
        }
    }

    /**
     * The session ends before its TLS client finished the handshake: the
     * frontend logs HAProxy's line for that in place of the exchange's.
     */
    void handshakeFailed(long now, String listener, TlsHandshakeFailure why) {
        if (record == null || !open) {
            return;
        }
        open = false;
        record.ended(now);
        loop.handshakeFailed(proxy, record, listener == null ? "-" : listener, why.text(),
                !why.loggedUnderDontLogNull());
        releaseCaptures();
    }

    /**
     * The session gives up {@code request} and {@code response} (it parks) and
     * will read through new channels, whose totals start at 0: the bases move
     * with them, so that this exchange's counts stay what the channels moved.
     */
    void partsReplaced(Channel request, Channel response) {
        requestBase -= request.received();
        responseBase -= response.forwarded();
        waitBaseNormal -= waited(request, response, Criticality.NORMAL);
        waitBaseUrgent -= waited(request, response, Criticality.URGENT);
        waitBaseCritical -= waited(request, response, Criticality.CRITICAL);
    }

    /** Totals of channels a parked session does not have (null) are 0. */
    private static long received(Channel c) {
        return c == null ? 0 : c.received();
    }

    private static long forwarded(Channel c) {
        return c == null ? 0 : c.forwarded();
    }

    private static long waited(Channel request, Channel response, Criticality c) {
        return request == null ? 0 : request.waitedNanos(c) + response.waitedNanos(c);
    }

    /** True when no byte came from the client since this exchange began. */
    private boolean nothingReceived(Channel request) {
        return record == null || request.received() == requestBase;
    }

    /** Forgets the exchange without a line: a keep-alive connection closed before a next request began. */
    private void discard() {
        open = false;
        if (record != null) {
            releaseCaptures();
        }
    }

    /**
     * The refusal log: an event line with the reason at warning (4xx) or err
     * (5xx) when the frontend has a target, else the old line on standard error.
     */
    void refused(String frontend, Connection client, int status, String reason) {
        if (record == null) {
            SessionLog.refused(frontend, client, status, reason);
            return;
        }
        record.status(status);
        loop.refused(proxy, record, LoopLog.refusalLevel(status), reason);
    }

    private int processActive() {
        ConnectionLimit p = frontendLimit.parent();
        return p == null ? frontendLimit.current() : p.current();
    }

    private int backendActive() {
        return backend == null ? 0 : backend.slotsInUse();
    }

    /** The first character of {@code %tsc}, by HAProxy's table (docs/logging.md has the mapping). */
    static TerminationCause cause(SessionOutcome why) {
        return switch (why) {
            case DONE -> TerminationCause.NONE;
            case QUEUE_FULL, BAD_REQUEST, BAD_RESPONSE, REJECTED -> TerminationCause.PROXY;
            case QUEUE_TIMEOUT, CONNECT_TIMEOUT, SERVER_TIMEOUT, TUNNEL_TIMEOUT -> TerminationCause.SERVER_TIMEOUT;
            case CONNECT_ERROR, SERVER_ABORT, NO_BACKEND, NO_SERVER -> TerminationCause.SERVER_ABORT;
            case CLIENT_TIMEOUT, REQUEST_TIMEOUT -> TerminationCause.CLIENT_TIMEOUT;
            case CLIENT_ABORT -> TerminationCause.CLIENT_ABORT;
            case HARD_STOP -> TerminationCause.KILLED;
            case REPLIED -> TerminationCause.LOCAL;
            case INTERNAL_ERROR -> TerminationCause.INTERNAL;
        };
    }

    /** The second character: the phase the session was in, or the one an outcome names. */
    private static TerminationPhase phaseOf(SessionOutcome why, TerminationPhase phase) {
        return switch (why) {
            case DONE -> TerminationPhase.NONE;
            case QUEUE_FULL, QUEUE_TIMEOUT -> TerminationPhase.QUEUE;
            case CONNECT_ERROR, CONNECT_TIMEOUT, NO_BACKEND, NO_SERVER -> TerminationPhase.CONNECT;
            case BAD_REQUEST, REQUEST_TIMEOUT, REJECTED, REPLIED -> TerminationPhase.REQUEST;
            case BAD_RESPONSE -> TerminationPhase.HEADERS;
            default -> phase;
        };
    }
}
