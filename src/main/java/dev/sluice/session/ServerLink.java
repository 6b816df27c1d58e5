package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.backend.Server;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.backend.SlotWaiter;
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

    /** What a link needs of its loop: the loop, its connector, and its idle server connections. */
    record Parts(Loop loop, Connector connector, IdleServerConnections idle) {
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
    private final SlotRequest slotRequest = new SlotRequest();
    private final ConnectionHandler serverEvents = new ServerEvents();
    private final ConnectionHandler keptEvents = new KeptServerEvents();

    private Backend backend;
    /** The server of the current (or last) exchange. */
    private Server server;
    /** The server whose slot is held, or null. */
    private Server slot;
    private boolean queued;
    private Connection connection;
    private boolean reused;
    /**
     * {@code http-reuse never}: the session's own server connection, idle
     * between two requests, for its next request to {@link #keptFor}; never
     * shared with another session.
     */
    private Connection kept;
    private Server keptFor;

    /**
     * @param request  the channel whose sink the server connection becomes
     * @param response the channel whose source it becomes
     */
    ServerLink(Parts parts, Channel request, Channel response, SessionCounters counters, Events events) {
        this.loop = parts.loop();
        this.request = request;
        this.response = response;
        this.connector = parts.connector();
        this.idle = parts.idle();
        this.counters = counters;
        this.events = events;
    }

    /**
     * Asks {@code chosen} for a slot on one of its servers; {@code key} is what
     * its {@code balance} hashes, filled by {@link BalanceKeys}.
     */
    Slot acquire(Backend chosen, BalanceKey key) {
        backend = chosen;
        Server s;
        try {
            s = chosen.acquire(slotRequest, key, null);
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
    Opened open(boolean share, boolean smartConnect) {
        Connection c = takeKept(slot);
        if (c == null && share) {
            c = idle.take(slot);
        }
        if (c != null) {
            counters.serverConnectionsReused++;
            attach(c, true);
            return Opened.REUSED;
        }
        counters.serverConnectionsOpened++;
        attach(connector.connect(slot.address(), serverEvents, smartConnect), false);
        return Opened.CONNECTING;
    }

    private void attach(Connection c, boolean wasReused) {
        connection = c;
        reused = wasReused;
        c.handler(serverEvents);
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

    boolean holdsSlot() {
        return slot != null;
    }

    /** The server of the current (or last) exchange. */
    Server server() {
        return server;
    }

    void countConnectError() {
        server.countConnectError();
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
        if (reusable && share) {
            idle.park(server, c);
        } else if (reusable) {
            keep(c);
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
        discardKept();
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
            events.connected(loop.clock().nanoTime());
        }

        @Override
        public void connectFailed(IOException cause) {
            events.connectFailed();
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
