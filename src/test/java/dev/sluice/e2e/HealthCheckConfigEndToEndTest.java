package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From the configuration file to the wire: {@code option httpchk} and
 * {@code check} on servers that are Debian's nginx. Requests go only to the
 * servers that are UP; a stopped nginx is taken out within {@code fall}
 * checks and put back within {@code rise} once it runs again; a closed port
 * never gets a request.
 */
class HealthCheckConfigEndToEndTest extends HttpEndToEnd {
    private static final String LOCATIONS = """
            location /health { return 200 "ok\\n"; }
            location / { return 200 "%s"; }
            """;

    @TempDir
    Path dir;

    private Nginx nginx(String name, int port) throws Exception {
        Nginx n = new Nginx(dir.resolve(name + System.nanoTime()), port, LOCATIONS.formatted(name));
        toClose.add(n);
        return n;
    }

    /** Sends {@code n} requests, each on a connection of its own, and counts the answers by body. */
    private Map<String, Integer> spread(int n) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            try (HttpWire w = new HttpWire(port())) {
                w.send("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                HttpWire.Response r = w.read("GET");
                assertEquals(200, r.status(), r.toString());
                seen.merge(r.text(), 1, Integer::sum);
            }
        }
        return seen;
    }

    private void awaitState(Server s, ServerState state) throws InterruptedException {
        awaitTrue(() -> s.state() == state, () -> s.name() + " is " + s.state() + ", expected " + state);
    }

    @Test
    void onlyServersThatPassTheirChecksGetRequestsAndAStoppedOneComesBackWhenItRuns() throws Exception {
        int port1 = Nginx.freePort();
        int port2 = Nginx.freePort();
        int closed = Nginx.freePort();
        nginx("n1", port1);
        Nginx second = nginx("n2", port2);
        String check = "check inter 100ms rise 2 fall 2";
        start(new Cfg(port1).server(check).backend("option httpchk GET /health",
                "server n2 127.0.0.1:" + port2 + " " + check,
                "server closed 127.0.0.1:" + closed + " " + check));
        Backend app = sluice.backend("app");
        Server n2 = app.servers().get(0);
        Server dead = app.servers().get(1);
        awaitState(dead, ServerState.DOWN);
        awaitTrue(() -> sluice.healthChecks().of(n2).passed() >= 2, () -> "n2 not checked twice");
        Map<String, Integer> both = spread(20);
        assertEquals(Map.of("n1", 10, "n2", 10), both, "round robin over the two servers UP");

        second.close();
        awaitState(n2, ServerState.DOWN);
        assertEquals(Map.of("n1", 10), spread(10));

        nginx("n2", port2);
        awaitState(n2, ServerState.UP);
        Map<String, Integer> again = spread(10);
        assertTrue(again.getOrDefault("n2", 0) > 0, "n2 is UP again but got nothing: " + again);
        assertEquals(0, dead.sessions(), "a request reached the closed port");
        assertTrue(sluice.healthChecks().of(dead).failed() > 0);
        assertEquals(0, sluice.healthChecks().arenaBytes() % 16384, "the arena holds whole buffers");
        assertEquals(2 * 3 * 16384, sluice.healthChecks().arenaBytes(), "two buffers per HTTP-checked server");
    }
}
