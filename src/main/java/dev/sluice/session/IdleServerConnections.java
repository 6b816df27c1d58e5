package dev.sluice.session;

import dev.sluice.backend.Server;
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
 * connection is reused first (warmest, least likely to have timed out); the
 * list per server is bounded and the oldest is closed beyond the bound.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class IdleServerConnections {
    private final int maxPerServer;
    private final Map<Server, ArrayDeque<Idle>> idle = new IdentityHashMap<>();
    private long reused;
    private long parked;
    private long closedWhileIdle;

    public IdleServerConnections(int maxPerServer) {
        this.maxPerServer = maxPerServer;
    }

    /** Takes the newest idle connection to {@code server}, or returns {@code null}. */
    Connection take(Server server) {
        ArrayDeque<Idle> list = idle.get(server);
        if (list == null || list.isEmpty()) {
            return null;
        }
        while (!list.isEmpty()) {
            Idle i = list.pollLast();
            if (i.connection.idleConnectionLost()) {
                // Closed by the server since the last poll: never send a request on it.
                closedWhileIdle++;
                i.connection.close();
                continue;
            }
            i.connection.readInterest(false);
            reused++;
            return i.connection;
        }
        return null;
    }

    /** Parks a connection whose last exchange ended cleanly. */
    void park(Server server, Connection connection) {
        if (maxPerServer <= 0) {
            connection.discard();
            return;
        }
        ArrayDeque<Idle> list = idle.computeIfAbsent(server, s -> new ArrayDeque<>());
        if (list.size() >= maxPerServer) {
            list.pollFirst().connection.discard();
        }
        Idle i = new Idle(server, connection);
        connection.handler(i);
        connection.writeInterest(false);
        connection.readInterest(true);
        list.addLast(i);
        parked++;
    }

    /** Closes every idle connection (shutdown). */
    public void closeAll() {
        for (ArrayDeque<Idle> list : idle.values()) {
            for (Idle i : list) {
                i.connection.close();
            }
            list.clear();
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

    public int idleCount() {
        int n = 0;
        for (ArrayDeque<Idle> list : idle.values()) {
            n += list.size();
        }
        return n;
    }

    /** The handler of a parked connection: any readiness means it can no longer be reused. */
    private final class Idle implements ConnectionHandler {
        final Server server;
        final Connection connection;

        Idle(Server server, Connection connection) {
            this.server = server;
            this.connection = connection;
        }

        @Override
        public void readable() {
            ArrayDeque<Idle> list = idle.get(server);
            if (list != null) {
                list.remove(this);
            }
            closedWhileIdle++;
            connection.close();
        }

        @Override
        public void writable() {
        }
    }
}
