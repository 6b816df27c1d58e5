package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sections and options of real files, as a client and a server see them: a
 * listen section runs as a frontend and a backend in one, a mode tcp frontend
 * upgrades its connections to HTTP at a mode http backend, and bind options
 * reach the listening sockets.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigSectionsEndToEndTest extends HttpEndToEnd {
    private void start(String text) throws Exception {
        sluice = Sluice.start(ConfigParser.parse("e2e-sections.cfg", text));
    }

    private static String defaults() {
        return "global\n nbthread 1\n tune.buffers.limit 32\n hard-stop-after 5s\n"
                + "defaults\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n";
    }

    @Test
    void aListenSectionServesItsOwnTrafficRunningItsRulesOnceAndServesAnotherFrontendAsItsBackend()
            throws Exception {
        HttpTestOrigin origin = origin();
        start(defaults() + "listen web\n mode http\n bind 127.0.0.1:0\n http-request add-header X-Seen 1\n"
                + " server s1 127.0.0.1:" + origin.port() + "\n"
                + "frontend other\n mode http\n bind 127.0.0.1:0\n default_backend web\n");
        HttpWire listen = new HttpWire(sluice.boundAddresses().get(0).getPort());
        clients.add(listen);
        assertEquals(200, listen.exchange(get("/headers")).status());
        HttpWire other = new HttpWire(sluice.boundAddresses().get(1).getPort());
        clients.add(other);
        assertEquals(200, other.exchange(get("/headers")).status());
        awaitTrue(() -> origin.requestCount() == 2, () -> "requests that reached the server: " + origin.requestCount());
        assertEquals(List.of("1"), origin.requests().get(0).headers("x-seen"));
        assertEquals(List.of("1"), origin.requests().get(1).headers("x-seen"));
    }

    @Test
    void aModeTcpFrontendUsingAModeHttpBackendServesHttpThroughThatBackendsRules() throws Exception {
        HttpTestOrigin origin = origin();
        start(defaults() + "frontend raw\n mode tcp\n bind 127.0.0.1:0\n default_backend web\n"
                + "backend web\n mode http\n http-request set-header X-Upgraded yes\n"
                + " server s1 127.0.0.1:" + origin.port() + "\n");
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/headers")).status());
        assertEquals(200, w.exchange(get("/headers")).status());
        awaitTrue(() -> origin.requestCount() == 2, () -> "requests that reached the server: " + origin.requestCount());
        assertEquals("yes", origin.requests().get(1).header("x-upgraded"));
    }

    @Test
    void v6onlyOnABindLineKeepsIpv4ClientsOut() throws Exception {
        assumeTrue(ipv6(), "no IPv6 loopback here");
        HttpTestOrigin origin = origin();
        start(defaults() + "frontend f\n mode http\n bind :::0 v6only\n bind :::0 v4v6\n default_backend web\n"
                + "backend web\n mode http\n server s1 127.0.0.1:" + origin.port() + "\n");
        int v6only = sluice.boundAddresses().get(0).getPort();
        int dual = sluice.boundAddresses().get(1).getPort();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", v6only).close());
        new Socket("::1", v6only).close();
        new Socket("127.0.0.1", dual).close();
    }

    private static boolean ipv6() {
        try (Socket ignored = new Socket()) {
            java.net.ServerSocket s = new java.net.ServerSocket();
            s.bind(new InetSocketAddress("::1", 0));
            s.close();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
