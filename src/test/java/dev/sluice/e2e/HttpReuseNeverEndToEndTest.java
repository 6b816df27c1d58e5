package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code http-reuse never}: a server connection is never shared with another
 * client connection, but it stays with its own for that client's next requests.
 */
class HttpReuseNeverEndToEndTest extends HttpEndToEnd {
    @Test
    void requestsOfOneClientConnectionShareOneServerConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("http-reuse never"));
        HttpWire w = wire();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, w.exchange(get("/r" + i)).status());
        }
        assertEquals(1, origin.accepted(), "the client's next requests must use its own server connection");
        assertEquals(4, counter("server_connections_reused"));
    }

    @Test
    void twoClientsNeverShareAServerConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("http-reuse never"));
        HttpWire a = wire();
        HttpWire b = wire();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, a.exchange(get("/a" + i)).status());
            assertEquals(200, b.exchange(get("/b" + i)).status());
        }
        assertEquals(2, origin.accepted());
        List<HttpTestOrigin.Request> requests = origin.requests();
        int connectionOfA = requests.get(0).connection();
        int connectionOfB = requests.get(1).connection();
        assertNotEquals(connectionOfA, connectionOfB);
        for (HttpTestOrigin.Request r : requests) {
            assertEquals(r.target().startsWith("/a") ? connectionOfA : connectionOfB, r.connection(), r.target());
        }
    }

    @Test
    void aClosedClientConnectionDoesNotLeaveItsServerConnectionToAnother() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("http-reuse never"));
        try (HttpWire a = new HttpWire(port())) {
            assertEquals(200, a.exchange(get("/a")).status());
            assertEquals(200, a.exchange(get("/a")).status());
        }
        awaitTrue(() -> origin.openConnections() == 0, () -> "the server connection outlived its client");
        HttpWire b = wire();
        assertEquals(200, b.exchange(get("/b")).status());
        assertEquals(200, b.exchange(get("/b")).status());
        assertEquals(2, origin.accepted());
    }

    @Test
    void theServerClosingTheKeptConnectionLeavesTheClientConnectionAlone() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("ok-then-close", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        start(cfg(origin).backend("http-reuse never"));
        HttpWire w = wire();
        assertEquals("ok", w.exchange(get("/raw/ok-then-close")).text());
        awaitTrue(() -> origin.openConnections() == 0, () -> "the origin did not close");
        assertTrue(w.silentFor(100), "the client connection must stay open and silent");
        assertEquals(200, w.exchange(get("/after")).status());
        assertEquals(2, origin.accepted());
        assertEquals(0, counter("server_connections_reused"));
    }

    @Test
    void aRequestToAnotherServerClosesTheKeptConnection() throws Exception {
        HttpTestOrigin one = origin();
        HttpTestOrigin two = origin();
        start(cfg(one).backend("http-reuse never", "server s2 127.0.0.1:" + two.port()));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/first")).status());
        HttpTestOrigin firstServer = one.requestCount() == 1 ? one : two;
        HttpTestOrigin secondServer = firstServer == one ? two : one;
        assertEquals(1, firstServer.openConnections());

        assertEquals(200, w.exchange(get("/second")).status());
        assertEquals(1, secondServer.requestCount(), "roundrobin sends the next request to the other server");
        awaitTrue(() -> firstServer.openConnections() == 0, () -> "the kept connection outlived its use");
        assertEquals(1, secondServer.openConnections());
    }

    @Test
    void aKeptConnectionHoldsNoServerSlot() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("http-reuse never").server("maxconn 1"));
        HttpWire a = wire();
        HttpWire b = wire();
        assertEquals(200, a.exchange(get("/a")).status());
        // a keeps its server connection between requests, yet b gets the only slot at once.
        assertEquals(200, b.exchange(get("/b")).status());
        assertEquals(200, a.exchange(get("/a")).status());
        assertEquals(2, origin.accepted());
        assertEquals(1, origin.peakInFlight());
    }
}
