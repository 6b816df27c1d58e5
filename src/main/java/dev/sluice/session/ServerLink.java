package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.backend.SlotWaiter;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import java.io.IOException;

/**
 * The server link of an HTTP session: what lies between a request that has a
 * backend and the server connection its bytes go to. It takes a server slot
 * (or waits in the backend's queue for one), opens a connection or reuses one
 * (the session's own kept connection under {@code http-reuse never}, or an
 * idle one shared by the loop's sessions), and when the exchange is over gives
 * the slot back and parks, keeps or closes the connection. Retries and
 * redispatch belong here.
 *
 * <p>The link tells its session what happens through {@link Events}: a slot
 * granted from the queue, a connection that opened or failed, and the server
 * connection's readiness.
 *
 * <p>Not thread-safe: owned by one session, on its loop. A slot grant from
 * another loop arrives through this loop's inbox.
 */
final class ServerLink {
    /** What the link tells its session. */
    interface Events {
        /** Whether the session still wants the slot a grant brings (it may have closed or answered meanwhile). */
        boolean wantsSlot();

        /** A queued request got its slot: the session opens the connection now. */
        void slotGranted(long now);

        /** A queued request will get no slot (its server went down, or none is left): the session answers 503. */
        void slotRefused(SlotRefusal why);

        /** The new connection is open: the request may go out. */
        void connected(long now);

        /** The new connection could not be opened. */
        void connectFailed();

        /** The server connection has bytes to read. */
        void serverReadable();

        /** The server connection can take bytes again. */
        void serverWritable();
    }

    /**
     * What a link needs of its loop (the loop, its connector, and its idle
     * server connections) and of its session: the client connection, whose
     * TLS records a TLS server connection's count with.
     */
    record Parts(Loop loop, Connector connector, IdleServerConnections idle, Connection client) {
    }

    /** What asking a backend for a slot gave. */
    enum Slot {
        /** A slot is held now. */
        TAKEN,
        /** The request waits in the backend's queue; {@link Events#slotGranted} follows. */
        QUEUED,
        /** The queue is at its bound: the request cannot be served. */
        QUEUE_FULL,
        /** No server of the backend may take requests (DOWN, in maintenance, drained). */
        NO_SERVER
    }

    /** What a retry after a failed connection does. */
    enum Retry {
        /** No retry: the policy does not ask for one, or they are used up. */
        NONE,
        /** A new connection to the same server, on the slot already held. */
        SAME_SERVER,
        /** Another server's slot is held now (redispatch): connect there. */
        REDISPATCHED,
        /** Redispatched into a queue: {@link Events#slotGranted} follows. */
        QUEUED,
        /** Redispatched, but the queue is at its bound. */
        QUEUE_FULL,
        /** Redispatched, but no server may take requests. */
        NO_SERVER
    }

    /** How the connection for a request came. */
    enum Opened {
        /** An open connection was reused: the request may go out at once. */
        REUSED,
        /** A new connection is being opened: {@link Events#connected} or {@link Events#connectFailed} follows. */
        CONNECTING
    }

    private final Loop loop;
    private final Channel request;
    private final Channel response;
    private final Connector connector;
    private final IdleServerConnections idle;
    private final SessionCounters counters;
    private final Events events;
    /** The session's client, as PROXY headers name it and port-less servers take their port from. */
    private final ConnectionAddresses addresses;
    private final ServerPreamble preamble;
    private final SlotRequest slotRequest = new SlotRequest();
    private final ConnectionHandler serverEvents = new ServerEvents();
    private final Connection client;
    private final ExchangeClaim claim;

    private Backend backend;
    /** What the backend's balance hashes for the current request, kept for a redispatch. */
    private BalanceKey key = BalanceKey.NONE;
    /** Retries made for the current request. */
    private int retries;
    /** The server of the current (or last) exchange. */
    private Server server;
    /** The server whose slot is held, or null. */
    private Server slot;
    private boolean queued;
    private Connection connection;
    private boolean reused;
    /** {@code http-reuse never}: the session's own server connection, idle between two requests. */
    private final KeptConnection kept = new KeptConnection();

    /**
     * @param request  the channel whose sink the server connection becomes
     * @param response the channel whose source it becomes
     */
    ServerLink(Parts parts, Channel request, Channel response, SessionCounters counters, Events events,
               ConnectionAddresses addresses) {
        this.addresses = addresses;
        this.preamble = new ServerPreamble(addresses);
        this.loop = parts.loop();
        this.request = request;
        this.response = response;
        this.connector = parts.connector();
        this.idle = parts.idle();
        this.client = parts.client();
        this.counters = counters;
        this.events = events;
        this.claim = new ExchangeClaim(loop, request, response, client, () -> {
            if (slot != null && !queued && events.wantsSlot()) {
                events.slotGranted(loop.clock().nanoTime());
            }
        });
    }

    /**
     * Before the slot is worked: whether the exchange's buffers are claimed
     * (or it needs no claim, moving no TLS record); false when it waits for
     * them, holding its slot, and {@link Events#slotGranted} follows.
     */
    boolean admit() {
        return claim.admit(slot);
    }

    /**
     * Asks {@code chosen} for a slot on one of its servers; {@code key} is what
     * its {@code balance} hashes, filled by {@link BalanceKeys}.
     */
    Slot acquire(Backend chosen, BalanceKey key) {
        backend = chosen;
        this.key = key;
        retries = 0;
        return take(null);
    }

    /** A slot on the backend, avoiding {@code failed} where it can (a redispatch), or a place in its queue. */
    private Slot take(Server failed) {
        Server s;
        try {
            s = backend.acquire(slotRequest, key, failed);
        } catch (Backend.QueueFullException e) {
            return Slot.QUEUE_FULL;
        } catch (Backend.NoServerException e) {
            return Slot.NO_SERVER;
        }
        if (s == null) {
            queued = true;
            counters.queued++;
            return Slot.QUEUED;
        }
        slot = s;
        server = s;
        return Slot.TAKEN;
    }

    /**
     * Gets a connection to the slot's server: the kept one if it is for that
     * server and still usable, else an idle shared one when {@code share}
     * allows it, else a new one.
     *
     * @param share        whether idle connections of the loop may carry this request ({@code http-reuse safe},
     *                     and not the connection's first request)
     * @param smartConnect {@code option tcp-smart-connect}
     */
    Opened open(boolean share, boolean smartConnect, String name) {
        // A retry goes out on a new connection: the one that failed may have company.
        Connection c = retries > 0 ? null : kept.take(slot, name);
        if (c == null && share && retries == 0 && !slot.privateConnections()) {
            c = idle.take(slot);
        }
        if (c != null) {
            counters.serverConnectionsReused++;
            attach(c, true);
            return Opened.REUSED;
        }
        counters.serverConnectionsOpened++;
        java.net.InetSocketAddress target = slot.addressFor(addresses.destinationPort());
        c = connector.connect(target, serverEvents, smartConnect);
        if (slot.tls() != null) {
            // TLS over the connection being opened; its PROXY header, if any, goes first in the clear.
            c = slot.tls().connect(c, loop, target, name, preamble.bytes(slot));
        }
        attach(c, false);
        return Opened.CONNECTING;
    }

    private void attach(Connection c, boolean wasReused) {
        connection = c;
        reused = wasReused;
        c.handler(serverEvents);
        c.slotProgress(dev.sluice.net.SlotProgress.SERVER);
        c.shareRecordsWith(client);
        claim.server(c, true);
        request.writeTo(c);
        response.readFrom(c);
    }

    /** The server connection of the current exchange, or null. */
    Connection connection() {
        return connection;
    }

    boolean attached() {
        return connection != null;
    }

    /** Whether the current connection was reused rather than opened for this request. */
    boolean reused() {
        return reused;
    }

    /** Retries made for the current request ({@code %rc}). */
    int retries() {
        return retries;
    }

    boolean holdsSlot() {
        return slot != null;
    }

    /** Whether a server connection is kept for the session's next request ({@code http-reuse never}). */
    boolean keeps() {
        return kept.holds();
    }

    /** The server of the current (or last) exchange. */
    Server server() {
        return server;
    }

    void countConnectError() {
        server.countConnectError();
    }

    /**
     * After the connection to the server failed before any byte of the request
     * went out ({@code retry-on conn-failure}, HAProxy's default): whether to
     * try again under the backend's {@code retries}, and where. The failed
     * connection is dropped; with {@code option redispatch} the slot goes back
     * and another server is chosen, through the same slots, queues and buffer
     * classes as a new request, else the same server is tried again on the
     * slot already held.
     */
    Retry retryConnect() {
        return retry(backend.retryPolicy().retriesOn(RetryPolicy.RetryOn.CONN_FAILURE));
    }

    /** The backend's retry policy when a request sent may be sent again after its response failed, or null. */
    RetryPolicy retryAfterSending() {
        RetryPolicy policy = backend.retryPolicy();
        return policy.retriesAfterSending() && policy.allowsRetry(retries) ? policy : null;
    }

    /**
     * After the request went out and its response failed as {@code retry-on}
     * names ({@code event}, or {@code status} when it is above 0): whether to
     * send it again, and where, as {@link #retryConnect}. Only a request kept
     * whole in its buffer may be; the exchange asks only then.
     */
    Retry retrySent(RetryPolicy.RetryOn event, int status) {
        RetryPolicy policy = backend.retryPolicy();
        return retry(status > 0 ? policy.retriesOnStatus(status) : policy.retriesOn(event));
    }

    private Retry retry(boolean asked) {
        RetryPolicy policy = backend.retryPolicy();
        if (slot == null || !asked || !policy.allowsRetry(retries)) {
            return Retry.NONE;
        }
        retries++;
        counters.retries++;
        Connection c = detach();
        if (c != null) {
            c.abort();
        }
        Server failed = slot;
        if (!backend.redispatches(retries, failed)) {
            return Retry.SAME_SERVER;
        }
        counters.redispatches++;
        releaseSlot();
        return switch (take(failed)) {
            case TAKEN -> Retry.REDISPATCHED;
            case QUEUED -> Retry.QUEUED;
            case QUEUE_FULL -> Retry.QUEUE_FULL;
            case NO_SERVER -> Retry.NO_SERVER;
        };
    }

    /** Leaves the backend's queue. Returns false if a grant is already on its way (it will be given back). */
    boolean leaveQueue() {
        if (!queued) {
            return false;
        }
        if (backend.cancel(slotRequest)) {
            queued = false;
            return true;
        }
        return false;
    }

    /**
     * The response is entirely in: the connection is parked for another
     * session ({@code share}), kept for this one's next request, or closed, and
     * the slot goes back (the oldest queued request gets it).
     *
     * @param reusable whether the connection may carry another request
     */
    void finish(boolean reusable, boolean share) {
        Connection c = detach();
        if (reusable && share && !server.privateConnections()) {
            idle.park(server, c);
        } else if (reusable) {
            kept.keep(c, server);
        } else {
            c.discard();
        }
        releaseSlot();
    }

    /** Ends the exchange at once: out of the queue, the connection reset, the slot given back. */
    void abortExchange() {
        if (queued) {
            leaveQueue();
        }
        Connection c = detach();
        if (c != null) {
            c.abort();
        }
        releaseSlot();
    }

    /** Everything given back, the kept connection included: the session closes. */
    void close() {
        abortExchange();
        kept.discard();
    }

    /** The connection leaves the exchange and its channels, with no interest left; null when there was none. */
    private Connection detach() {
        Connection c = connection;
        connection = null;
        request.detachSink();
        response.detachSource();
        if (c != null) {
            c.readInterest(false);
            c.writeInterest(false);
            c.stopSharingRecords();
            claim.server(c, false);
            c.slotProgress(dev.sluice.net.SlotProgress.IDLE);
        }
        return c;
    }

    private void releaseSlot() {
        claim.end();
        if (slot != null) {
            Server s = slot;
            slot = null;
            backend.releaseSlot(s);
        }
    }

    private final class ServerEvents implements ConnectionHandler {
        @Override
        public void readable() {
            events.serverReadable();
        }

        @Override
        public void writable() {
            events.serverWritable();
        }

        @Override
        public void connected() {
            // The PROXY header goes first, before the session hears it may send the request (a TLS
            // connection sent it already, in the clear, before its handshake).
            if (!connection.isTls() && !preamble.send(server, connection)) {
                events.connectFailed();
                return;
            }
            events.connected(loop.clock().nanoTime());
        }

        @Override
        public void connectFailed(IOException cause) {
            events.connectFailed();
        }
    }

    private final class SlotRequest extends SlotWaiter {
        @Override
        protected Loop loop() {
            return loop;
        }

        @Override
        protected void slotGranted(Server granted) {
            queued = false;
            if (!events.wantsSlot()) {
                backend.releaseSlot(granted);
                return;
            }
            slot = granted;
            server = granted;
            events.slotGranted(loop.clock().nanoTime());
        }

        @Override
        protected void slotRefused(SlotRefusal why) {
            queued = false;
            events.slotRefused(why);
        }
    }
}
