package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Idle server connections kept for {@code http-reuse safe} expire after the server's {@code pool-purge-delay}. */
class HttpIdleConnectionsEndToEndTest extends HttpEndToEnd {
    @Test
    void anIdleServerConnectionIsClosedAfterPoolPurgeDelayAndNotBefore() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("pool-purge-delay 200ms"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/a")).status());
        long answered = System.nanoTime();
        assertEquals(1, origin.openConnections());

        Thread.sleep(120);
        assertEquals(1, origin.openConnections(), "the idle connection was closed before its purge delay");
        awaitTrue(() -> origin.openConnections() == 0, () -> "the idle connection is still open");
        long idleMillis = (System.nanoTime() - answered) / 1_000_000;
        assertTrue(idleMillis >= 150 && idleMillis < 2_000, "closed after " + idleMillis + "ms");
        assertEquals(1, counter("server_connections_purged"));
        assertEquals(0, counter("server_connections_idle"));

        // The client connection goes on over a new server connection.
        assertEquals(200, w.exchange(get("/b")).status());
        assertEquals(2, origin.accepted());
    }

    @Test
    void withTheDefaultDelayAnIdleConnectionOutlivesAShortPauseAndIsReused() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/a")).status());
        Thread.sleep(400);
        assertEquals(1, origin.openConnections());
        assertEquals(1, counter("server_connections_idle"));
        assertEquals(200, w.exchange(get("/b")).status());
        assertEquals(1, origin.accepted());
        assertEquals(1, counter("server_connections_reused"));
    }

    @Test
    void poolPurgeDelayZeroKeepsNoIdleConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("pool-purge-delay 0"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/a")).status());
        awaitTrue(() -> origin.openConnections() == 0, () -> "a connection was kept idle");
        assertEquals(200, w.exchange(get("/b")).status());
        assertEquals(2, origin.accepted());
        assertEquals(0, counter("server_connections_reused"));
    }

    @Test
    void poolMaxConnBoundsTheIdleConnectionsOfAServer() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).server("pool-max-conn 1"));
        // Two clients in flight at once need two server connections; only one may stay idle.
        HttpWire first = wire();
        HttpWire second = wire();
        first.send(get("/slow/200"));
        second.send(get("/slow/200"));
        assertEquals(200, first.read().status());
        assertEquals(200, second.read().status());
        assertEquals(2, origin.accepted());
        awaitTrue(() -> origin.openConnections() == 1, () -> origin.openConnections() + " idle connections");
    }
}
