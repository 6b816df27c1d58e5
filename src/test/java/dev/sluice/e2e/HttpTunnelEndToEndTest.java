package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request that asks to switch protocols reaches the server with its Upgrade
 * field; a 101 turns the exchange into a tunnel both ways, ruled by timeout
 * tunnel, until both directions have ended.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpTunnelEndToEndTest extends HttpEndToEnd {
    @Test
    void aWebSocketClientTalksToAWebSocketServerThroughSluice() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpClient client = HttpClient.newHttpClient();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port() + "/ws"),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("hello through sluice", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello through sluice", received.poll(10, TimeUnit.SECONDS));
        String big = "x".repeat(40_000);
        ws.sendText(big, true).get(10, TimeUnit.SECONDS);
        assertEquals(big, received.poll(10, TimeUnit.SECONDS), "a message larger than two buffers");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertEquals(1, origin.upgrades());
        HttpTestOrigin.Request seen = origin.requests().get(0);
        assertEquals("websocket", seen.header("upgrade"));
        assertEquals("upgrade", seen.header("connection").toLowerCase());
        client.close();
    }

    @Test
    void aTunnelRelaysBothWaysAndEndsWhenBothSidesHave() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("GET /upgrade-echo HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly bytes|");
        HttpWire.Response r = w.read("GET");
        assertEquals(101, r.status(), r.head());
        assertEquals("echo", r.header("upgrade"));
        assertEquals("upgrade", r.header("connection"));
        w.send("and more");
        w.socket().shutdownOutput();
        String echoed = new String(w.readToEnd(), StandardCharsets.ISO_8859_1);
        assertEquals("early bytes|and more", echoed);
        awaitCounter("sessions_ended_done", 1);
    }

    @Test
    void anIdleTunnelIsCutAfterTimeoutTunnel() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).backend("timeout tunnel 300ms"));
        HttpWire w = wire();
        w.send("GET /upgrade-echo HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n");
        assertEquals(101, w.read("GET").status());
        long started = System.nanoTime();
        assertTrue(w.closedByPeer(), "the idle tunnel stayed open");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis >= 250 && millis < 5_000, "cut after " + millis + " ms");
        awaitCounter("sessions_ended_tunnel_timeout", 1);
    }

    @Test
    void anH2cUpgradeIsNotRelayed() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire.Response r = wire().exchange("GET /headers HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
        assertEquals(200, r.status());
        HttpTestOrigin.Request seen = origin.requests().get(0);
        assertNull(seen.header("upgrade"), seen.head());
        assertNull(seen.header("http2-settings"), seen.head());
    }

    @Test
    void aSwitchThatTheRequestDidNotAskForIsRefused() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("switch", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\n");
        start(cfg(origin));
        assertEquals(502, wire().exchange(get("/raw/switch")).status());
        assertEquals(0, origin.upgrades());
    }

    @Test
    void aServerThatRefusesTheUpgradeAnswersAsUsualAndTheConnectionGoesOn() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("GET /plain HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("/plain", r.text());
        assertEquals(200, w.exchange(get("/again")).status());
        assertEquals(List.of("echo"), origin.requests().get(0).headers("upgrade"),
                "the request asked, and the server was free to say no");
    }
}
