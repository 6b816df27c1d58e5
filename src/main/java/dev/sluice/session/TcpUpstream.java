package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.backend.SlotWaiter;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import dev.sluice.session.TcpSession.State;
import java.io.IOException;

/**
 * The server side of a TCP session: once the session is routed to a backend,
 * get a slot on one of its servers (or queue for one), wait for the claim on
 * both pools ({@link ExchangeClaim}), connect (the PROXY header first, TLS
 * towards a server that speaks it), and decide what a failed connection
 * means: a retry on the same server, a redispatch, or the session's end. It
 * holds the slot and the server connection until the session gives them back.
 *
 * <p>The client side, the routing and the relay stay in {@link TcpSession}.
 *
 * <p>Not thread-safe: owned by one session, on its loop. A slot grant arrives
 * as a message posted to that loop ({@link Loop#post}).
 */
final class TcpUpstream {
    private final TcpSession session;
    private final Connector connector;
    private final SlotRequest slotRequest = new SlotRequest();
    final ExchangeClaim claim;
    /** The slot held, or null. */
    Server slot;
    /** The backend's stick rules: the server a table names ({@link #stuck}), and the key stored once connected. */
    final StickPersistence sticks = new StickPersistence();
    /** The server the stick rules named, or null. */
    Server stuck;
    private final dev.sluice.backend.BalanceKey persistKey = new dev.sluice.backend.BalanceKey();
    /** The server connection, or null. */
    Connection server;
    /** How many times the connection was tried again ({@code retries}); a pause before one is running. */
    int retries;
    private boolean turnAround;

    TcpUpstream(TcpSession session, Connector connector) {
        this.session = session;
        this.connector = connector;
        this.claim = new ExchangeClaim(session.loop, session.request, session.response, session.client, () -> {
            if (session.state == State.ADMITTING) {
                connectTo(slot);
            }
        });
    }

    /** A slot on one of the backend's servers ({@code avoid}, the one that failed, only if no other). */
    void acquire(long now, Server avoid) {
        Backend backend = session.backend;
        Server s;
        try {
            s = backend.acquire(slotRequest, stuck != null
                    ? TcpRouting.balanceKey(persistKey, backend, session.client.remoteAddress(), stuck)
                    : TcpRouting.balanceKey(backend, session.client.remoteAddress()), avoid);
        } catch (Backend.SlotException e) {
            session.close(e instanceof Backend.NoServerException ? SessionOutcome.NO_SERVER : SessionOutcome.QUEUE_FULL,
                    CloseMode.ORDERLY);
            return;
        }
        if (s != null) {
            if (session.smartConnect) {
                // Bytes the client already sent let the handshake's last ACK carry them (tcp-smart-connect).
                session.request.tryReceive();
            }
            connectTo(s);
        } else {
            session.log.queued(backend);
            session.counters.queued++;
            session.phaseDeadline = Session.deadline(now, session.timeouts.queueOrConnect());
        }
        session.armTimer();
    }

    private void connectTo(Server s) {
        slot = s;
        if (!claim.admit(s)) {
            // The slot is held; its buffers of both pools are not yet: the claim's admission resumes here.
            session.state = State.ADMITTING;
            session.phaseDeadline = 0;
            return;
        }
        session.state = State.CONNECTING;
        Loop loop = session.loop;
        long now = loop.clock().nanoTime();
        session.log.slotHeld(now, s, retries);
        session.phaseDeadline = Session.deadline(now, session.timeouts.connect());
        Channel request = session.request;
        Channel response = session.response;
        request.criticalityChanged();
        // With client bytes in hand, they go out at once: the handshake's ACK may wait to carry them.
        boolean ackWithData = session.smartConnect && request.holdsBytes();
        // A connection given up for a retry may still report: only the current attempt's events count.
        int attempt = retries;
        ServerPreamble serverPreamble = session.serverPreamble;
        java.net.InetSocketAddress target = s.addressFor(session.view.addresses().destinationPort());
        ConnectionHandler events = new ConnectionHandler() {
            @Override
            public void readable() {
                if (attempt == retries) {
                    response.receive();
                }
            }

            @Override
            public void writable() {
                session.wake();
            }

            @Override
            public void connected() {
                if (attempt != retries) {
                    return;
                }
                // The PROXY header goes first, before any client byte (a TLS connection sent it already, in the
                // clear, before its handshake).
                if (!server.isTls() && !serverPreamble.send(s, server)) {
                    connectionFailed(SessionOutcome.CONNECT_ERROR, true);
                    return;
                }
                session.established();
            }

            @Override
            public void connectFailed(IOException cause) {
                if (session.state == State.CONNECTING && attempt == retries) {
                    connectionFailed(SessionOutcome.CONNECT_ERROR, true);
                }
            }
        };
        server = connector.connect(target, events, ackWithData);
        if (s.tls() != null) {
            // TLS towards the server: its handler hears connected once the handshake is done.
            server = s.tls().connect(server, loop, target,
                    s.tls().serverName(session.view.addresses().tlsServerName(), null), serverPreamble.bytes(s));
            server.handler(events);
        }
        server.slotProgress(dev.sluice.net.SlotProgress.SERVER);
        server.shareRecordsWith(session.client);
        claim.server(server, true);
        request.writeTo(server);
        response.readFrom(server);
        session.armTimer();
    }

    /**
     * The connection failed before any client byte went out (they wait in the
     * request buffer until it is established): as {@code retries} and
     * {@code retry-on conn-failure} say, it is tried again, on the same
     * server (after the turn-around pause when it was refused) or on another
     * as {@code option redispatch} says, through the same slots and queues as
     * a new session. Otherwise the session ends with {@code why}.
     */
    private void connectionFailed(SessionOutcome why, boolean refused) {
        slot.countConnectError();
        Backend backend = session.backend;
        RetryPolicy policy = backend.retryPolicy();
        if (!policy.retriesOn(RetryPolicy.RetryOn.CONN_FAILURE) || !policy.allowsRetry(retries)) {
            session.close(why, CloseMode.ORDERLY);
            return;
        }
        retries++;
        session.counters.retries++;
        session.request.detachSink();
        session.response.detachSource();
        server.abort();
        server = null;
        Server failed = slot;
        long now = session.loop.clock().nanoTime();
        if (!backend.redispatches(retries, failed)) {
            if (refused) {
                turnAround = true;
                session.phaseDeadline = Session.deadline(now, ExchangeRetries.turnAroundNanos(session.timeouts.connect()));
                session.armTimer();
            } else {
                connectTo(failed);
            }
            return;
        }
        session.counters.redispatches++;
        claim.end();
        backend.releaseSlot(failed);
        slot = null;
        session.state = State.WAITING_FOR_SLOT;
        acquire(now, failed);
    }

    /** The queue's deadline passed: true if the session left the queue (no grant is on its way). */
    boolean leaveQueue() {
        return session.backend.cancel(slotRequest);
    }

    /**
     * The connect deadline passed: the turn-around pause ends with the next
     * try, a connection not open in time fails. True when the session closed.
     */
    boolean connectDeadlinePassed() {
        if (turnAround) {
            turnAround = false;
            connectTo(slot);
            return false;
        }
        connectionFailed(SessionOutcome.CONNECT_TIMEOUT, false);
        return session.isClosed();
    }

    /**
     * The session closes: it leaves the queue (if a grant is already on its
     * way, {@code slotGranted} gives the slot back), or gives its slot back,
     * and its claim ends.
     */
    void giveBack(boolean queued) {
        Backend backend = session.backend;
        if (queued && backend != null) {
            backend.cancel(slotRequest);
        } else if (slot != null) {
            backend.releaseSlot(slot);
            slot = null;
        }
        claim.end();
    }

    private final class SlotRequest extends SlotWaiter {
        @Override
        protected Loop loop() {
            return session.loop;
        }

        @Override
        protected void slotGranted(Server granted) {
            if (session.state != State.WAITING_FOR_SLOT) {
                session.backend.releaseSlot(granted);
                return;
            }
            connectTo(granted);
        }

        @Override
        protected void slotRefused(SlotRefusal why) {
            if (session.state == State.WAITING_FOR_SLOT) {
                session.close(SessionOutcome.NO_SERVER, CloseMode.ORDERLY);
            }
        }
    }
}
