package dev.sluice.backend;

import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One loop's idle server connections, per server, for {@code http-reuse}: a
 * connection whose exchange ended cleanly waits here for the next request to
 * that server from any session of the same loop.
 *
 * <p>An idle connection keeps read interest: the server closing it (or sending
 * bytes nobody asked for) is seen at once and the connection is dropped, so a
 * request is never sent on a connection known to be dead. The newest idle
 * connection is reused first (warmest, least likely to have timed out).
 *
 * <p>Each server's list holds at most its {@code pool-max-conn} connections
 * (or {@code safetyBound} when that is unlimited), and a connection idle for
 * longer than its server's {@code pool-purge-delay} is discarded. The list is
 * in park order, oldest first, so one loop timer, armed for the oldest
 * connection's expiry, finds every expired one at the head of its list:
 * expiry costs nothing per request.
 *
 * <p>Not thread-safe: owned by one loop. {@link #limits} is called before the
 * loop runs.
 */
public final class IdleServerConnections {
    /** HAProxy's {@code pool-purge-delay} default: 5 seconds. */
    public static final long DEFAULT_PURGE_DELAY_NANOS = 5_000_000_000L;
    /** {@code pool-max-conn -1}: as many as the safety bound allows. */
    public static final int UNLIMITED = -1;

    private final Loop loop;
    private final int safetyBound;
    private final Map<Server, Pool> pools = new IdentityHashMap<>();
    /** Entries of connections that left, reused by later parks so that parking allocates nothing. */
    private final ArrayDeque<Idle> spare = new ArrayDeque<>();
    private final Timer purgeTimer;
    private long reused;
    private long parked;
    private long closedWhileIdle;
    private long purged;

    /**
     * @param safetyBound the most idle connections per server on this loop when
     *                    {@code pool-max-conn} is unlimited, so that memory stays bounded
     */
    public IdleServerConnections(Loop loop, int safetyBound) {
        this.loop = loop;
        this.safetyBound = safetyBound;
        this.purgeTimer = new Timer(new Purge());
    }

    /**
     * Sets a server's {@code pool-purge-delay} (0: idle connections are not
     * kept) and {@code pool-max-conn} (the most kept on this loop; {@link #UNLIMITED}
     * means {@code safetyBound}). A server never given limits has the defaults.
     */
    public void limits(Server server, long purgeDelayNanos, int maxIdle) {
        if (purgeDelayNanos < 0 || maxIdle < UNLIMITED) {
            throw new IllegalArgumentException("purge delay and max idle: " + purgeDelayNanos + ", " + maxIdle);
        }
        Pool p = pool(server);
        p.purgeDelay = purgeDelayNanos;
        p.max = maxIdle == UNLIMITED ? safetyBound : maxIdle;
    }

    /** Takes the newest idle connection to {@code server}, or returns {@code null}. */
    public Connection take(Server server) {
        Pool p = pools.get(server);
        if (p == null) {
            return null;
        }
        while (!p.list.isEmpty()) {
            Idle i = p.list.pollLast();
            // Parked before a whole poll, the connection would have been reported
            // readable (and dropped) had its server closed it before that poll.
            // Parked since, a close may sit unread: one non-blocking read tells.
            boolean polled = loop.polledSince(i.parkMark);
            Connection c = recycle(i);
            if (polled ? !c.isOpen() : c.idleConnectionLost()) {
                // Closed by the server since the last poll: never send a request on it.
                closedWhileIdle++;
                c.close();
                continue;
            }
            c.readInterest(false);
            reused++;
            return c;
        }
        return null;
    }

    /** Parks a connection whose last exchange ended cleanly. */
    public void park(Server server, Connection connection) {
        Pool p = pool(server);
        if (p.max == 0 || p.purgeDelay == 0) {
            connection.discard();
            return;
        }
        if (p.list.size() >= p.max) {
            recycle(p.list.pollFirst()).discard();
        }
        long now = loop.clock().nanoTime();
        Idle i = spare.isEmpty() ? new Idle() : spare.pollLast();
        i.pool = p;
        i.connection = connection;
        i.parkedAt = now;
        i.parkMark = loop.pollMark();
        connection.handler(i);
        connection.writeInterest(false);
        connection.readInterest(true);
        p.list.addLast(i);
        parked++;
        long expiry = now + p.purgeDelay;
        // Servers may have different delays: the newest connection may still expire first.
        if (!purgeTimer.isArmed() || expiry - purgeTimer.deadline() < 0) {
            loop.arm(purgeTimer, expiry);
        }
    }

    /**
     * Closes the idle connections to {@code server} and forgets it: its address
     * changed, it was removed, or the configuration that made it was replaced.
     */
    public void forget(Server server) {
        Pool p = pools.remove(server);
        if (p != null) {
            while (!p.list.isEmpty()) {
                recycle(p.list.pollFirst()).close();
            }
        }
    }

    /** Closes every idle connection (shutdown). */
    public void closeAll() {
        loop.cancel(purgeTimer);
        for (Pool p : pools.values()) {
            while (!p.list.isEmpty()) {
                recycle(p.list.pollFirst()).close();
            }
        }
    }

    public long reused() {
        return reused;
    }

    public long parked() {
        return parked;
    }

    public long closedWhileIdle() {
        return closedWhileIdle;
    }

    /** Idle connections discarded because they stayed idle longer than {@code pool-purge-delay}. */
    public long purged() {
        return purged;
    }

    public int idleCount() {
        int n = 0;
        for (Pool p : pools.values()) {
            n += p.list.size();
        }
        return n;
    }

    private Pool pool(Server server) {
        Pool p = pools.get(server);
        if (p == null) {
            p = new Pool(safetyBound);
            pools.put(server, p);
        }
        return p;
    }

    /** Returns an entry that left its list to the spares and gives its connection. */
    private Connection recycle(Idle i) {
        Connection c = i.connection;
        i.connection = null;
        i.pool = null;
        spare.addLast(i);
        return c;
    }

    /** Discards every expired connection, then re-arms for the next expiry, if any connection is left. */
    private void purge() {
        long now = loop.clock().nanoTime();
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (Pool p : pools.values()) {
            Idle oldest;
            while ((oldest = p.list.peekFirst()) != null && oldest.parkedAt + p.purgeDelay - now <= 0) {
                p.list.pollFirst();
                purged++;
                recycle(oldest).discard();
            }
            if (oldest != null) {
                long expiry = oldest.parkedAt + p.purgeDelay;
                if (!any || expiry - next < 0) {
                    next = expiry;
                    any = true;
                }
            }
        }
        if (any) {
            loop.arm(purgeTimer, next);
        }
    }

    /** One server's idle connections, oldest first, and its limits. */
    private static final class Pool {
        final ArrayDeque<Idle> list = new ArrayDeque<>();
        long purgeDelay = DEFAULT_PURGE_DELAY_NANOS;
        int max;

        Pool(int max) {
            this.max = max;
        }
    }

    private final class Purge extends Task {
        @Override
        protected void run() {
            purge();
        }
    }

    /** The handler of a parked connection: any readiness means it can no longer be reused. */
    private final class Idle implements ConnectionHandler {
        Pool pool;
        Connection connection;
        long parkedAt;
        /** {@link Loop#pollMark()} when parked. */
        long parkMark;

        @Override
        public void readable() {
            if (pool == null) {
                return;
            }
            pool.list.remove(this);
            closedWhileIdle++;
            recycle(this).close();
        }

        @Override
        public void writable() {
        }
    }
}
