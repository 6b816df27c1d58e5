package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload in the same process, one property at a time: the new file runs for
 * new sessions while a session in flight finishes under the old one; an
 * unchanged listener keeps its socket and never refuses a connection; a new
 * address opens and a removed one closes; server state carries over by name;
 * the pools are resized in the arena they were carved from; and a file that is
 * invalid, or that would need a restart, changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadEndToEndTest {
    @TempDir
    Path dir;
    private Path cfg;
    private Sluice sluice;
    private HttpTestOrigin a;
    private HttpTestOrigin b;

    @AfterEach
    void stop() throws IOException {
        if (sluice != null) {
            sluice.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private String config(int limit, int serverPort, String binds) {
        return """
                global
                    nbthread 2
                    tune.buffers.limit %d
                    hard-stop-after 10s
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend front
                %s    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                """.formatted(limit, binds, serverPort);
    }

    private void start(String text) throws Exception {
        a = new HttpTestOrigin();
        b = new HttpTestOrigin();
        cfg = dir.resolve("sluice.cfg");
        Files.writeString(cfg, text.replace("@A", Integer.toString(a.port())));
        sluice = Sluice.start(ConfigParser.parse(cfg));
    }

    private Sluice.Reload reload(String text) throws IOException {
        Files.writeString(cfg, text);
        return sluice.reload();
    }

    private int port() {
        return sluice.boundAddresses().get(0).getPort();
    }

    @Test
    void newSessionsUseTheNewFileWhileOneInFlightFinishesUnderTheOld() throws Exception {
        int port = Nginx.freePort();
        start(config(64, 0, "    bind 127.0.0.1:" + port + "\n").replace("server s1 127.0.0.1:0", "server s1 127.0.0.1:@A"));
        try (HttpWire slow = new HttpWire(port)) {
            slow.send("GET /slow/800 HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(200);
            Sluice.Reload r = reload(config(64, b.port(), "    bind 127.0.0.1:" + port + "\n"));
            assertTrue(r.applied(), r.messages().toString());
            try (HttpWire fresh = new HttpWire(port)) {
                assertEquals(200, fresh.exchange("GET /new HTTP/1.1\r\nHost: t\r\n\r\n").status());
            }
            HttpWire.Response old = slow.read();
            assertEquals(200, old.status());
            assertEquals("slow", new String(old.body()));
            // The old generation soft-stops: its keep-alive connection ends after this response.
            assertEquals(List.of("close"), HttpWire.fieldValues(old.head(), "connection"));
            assertTrue(slow.closedByPeer());
        }
        assertEquals(1, a.requests().size(), "the old configuration's server");
        assertEquals(1, b.requests().size(), "the new configuration's server");
        assertEquals("/new", b.requests().get(0).target());
    }

    @Test
    void anUnchangedListenerKeepsItsSocketAndRefusesNothingWhileANewOneOpensAndARemovedOneCloses() throws Exception {
        int kept = Nginx.freePort();
        int removed = Nginx.freePort();
        start(config(64, 0, "    bind 127.0.0.1:" + kept + "\n    bind 127.0.0.1:" + removed + "\n")
                .replace("server s1 127.0.0.1:0", "server s1 127.0.0.1:@A"));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger connected = new AtomicInteger();
        Thread prober = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                try (Socket s = new Socket("127.0.0.1", kept)) {
                    connected.incrementAndGet();
                } catch (IOException e) {
                    refused.incrementAndGet();
                }
            }
        });
        int added = Nginx.freePort();
        for (int i = 0; i < 5; i++) {
            String binds = "    bind 127.0.0.1:" + kept + "\n" + (i % 2 == 0 ? "    bind 127.0.0.1:" + added + "\n"
                    : "    bind 127.0.0.1:" + removed + "\n");
            assertTrue(reload(config(64, a.port(), binds)).applied());
            Thread.sleep(50);
        }
        running.set(false);
        prober.join();
        assertEquals(0, refused.get(), "connections refused on an unchanged listener during reloads");
        assertTrue(connected.get() > 10, connected.toString());
        // After the last reload: kept and added listen, removed does not.
        assertTrue(connects(kept));
        assertTrue(connects(added));
        assertFalse(connects(removed), "a removed listener still accepts");
    }

    @Test
    void serverStateCarriesOverByBackendAndServerName() throws Exception {
        start(config(64, 0, "    bind 127.0.0.1:0\n").replace("server s1 127.0.0.1:0", "server s1 127.0.0.1:@A"));
        Server s1 = sluice.backend("app").servers().get(0);
        s1.setMaintenance(true);
        assertTrue(reload(config(64, a.port(), "    bind 127.0.0.1:0\n")).applied());
        Server next = sluice.backend("app").servers().get(0);
        assertFalse(next == s1, "the reload built new servers");
        assertEquals(ServerState.MAINT, next.state());
        next.setMaintenance(false);
        next.setWeight(7);
        assertTrue(reload(config(64, a.port(), "    bind 127.0.0.1:0\n")).applied());
        assertEquals(ServerState.UP, sluice.backend("app").servers().get(0).state());
        assertEquals(7, sluice.backend("app").servers().get(0).weight());
    }

    @Test
    void thePoolsAreResizedInTheirArenaAndALimitBeyondItIsRefused() throws Exception {
        start(config(64, 0, "    bind 127.0.0.1:0\n").replace("server s1 127.0.0.1:0", "server s1 127.0.0.1:@A"));
        Sluice.Reload smaller = reload(config(20, a.port(), "    bind 127.0.0.1:0\n"));
        assertTrue(smaller.applied(), smaller.messages().toString());
        for (Sluice.PoolReading p : sluice.pools()) {
            assertEquals(10, p.size());
            assertEquals(10, p.free());
        }
        try (HttpWire w = new HttpWire(port())) {
            assertEquals(200, w.exchange("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").status());
        }
        Sluice.Reload larger = reload(config(128, a.port(), "    bind 127.0.0.1:0\n"));
        assertFalse(larger.applied());
        assertTrue(larger.messages().get(0).contains("tune.buffers.limit 128 (64 per loop) exceeds the arena carved at"
                + " start (32 per loop, tune.buffers.limit 64)"), larger.messages().toString());
        assertTrue(reload(config(64, a.port(), "    bind 127.0.0.1:0\n")).applied());
        for (Sluice.PoolReading p : sluice.pools()) {
            assertEquals(32, p.size());
        }
    }

    @Test
    void anInvalidFileOrOneNeedingARestartChangesNothing() throws Exception {
        start(config(64, 0, "    bind 127.0.0.1:0\n").replace("server s1 127.0.0.1:0", "server s1 127.0.0.1:@A"));
        Sluice.Reload bad = reload(config(64, a.port(), "    bind 127.0.0.1:0\n    frobnicate\n"));
        assertFalse(bad.applied());
        assertTrue(bad.messages().get(1).startsWith(cfg + ":12: 'frobnicate' is not supported by Sluice"),
                bad.messages().toString());
        Sluice.Reload threads = reload(config(64, a.port(), "    bind 127.0.0.1:0\n").replace("nbthread 2",
                "nbthread 3"));
        assertFalse(threads.applied());
        assertTrue(threads.messages().get(0).contains("nbthread 3 differs from the 2 loops running"));
        assertNotNull(sluice.backend("app"));
        try (HttpWire w = new HttpWire(port())) {
            assertEquals(200, w.exchange("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").status());
        }
        assertEquals(1, a.requests().size());
    }

    @Test
    void theServerStateFileWrittenAtAReloadIsReadBackByTheNextStart() throws Exception {
        Path state = dir.resolve("servers.state");
        String withFile = config(64, 0, "    bind 127.0.0.1:0\n").replace("hard-stop-after 10s",
                "hard-stop-after 10s\n    server-state-file " + state).replace("server s1 127.0.0.1:0",
                "server s1 127.0.0.1:@A");
        start(withFile);
        sluice.backend("app").servers().get(0).setWeight(9);
        sluice.backend("app").servers().get(0).setDrain(true);
        assertTrue(reload(withFile.replace("@A", Integer.toString(a.port()))).applied());
        assertTrue(Files.readString(state).lines().anyMatch(l -> l.startsWith("1 app 1 s1 127.0.0.1 2 8 9 1 ")),
                Files.readString(state));
        sluice.close();
        sluice = Sluice.start(ConfigParser.parse(cfg));
        Server s1 = sluice.backend("app").servers().get(0);
        assertEquals(9, s1.weight());
        assertEquals(ServerState.DRAIN, s1.state());
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
