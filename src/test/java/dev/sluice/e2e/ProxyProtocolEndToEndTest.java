package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bind ... accept-proxy}: a load balancer in front sends a PROXY
 * protocol header first, and Sluice's rules, X-Forwarded-For and relays see
 * the real client it names. The load balancer here is the real HAProxy 2.6
 * with {@code send-proxy} and {@code send-proxy-v2}; the client connects to
 * it from 127.0.0.5, so that only the header can tell Sluice who it is.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        return FreePorts.next();
    }

    /** Starts haproxy in front of {@code sluicePort}, sending the PROXY header as {@code option}; returns its port. */
    private int haproxyInFront(int sluicePort, String option) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        assertTrue(Files.isExecutable(haproxy), "haproxy (Debian package haproxy) is needed: .ci/run installs it");
        int port = freePort();
        Path cfg = dir.resolve("haproxy-" + option + ".cfg");
        Files.writeString(cfg, String.join("\n",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 10s",
                "    timeout server 10s",
                "listen front",
                "    bind 127.0.0.1:" + port,
                "    server sluice 127.0.0.1:" + sluicePort + " " + option,
                ""));
        Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        toClose.add(() -> {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        });
        awaitTrue(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, () -> "haproxy did not listen on " + port);
        return port;
    }

    private static String exchangeFrom(String source, int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private void httpBehindHaproxy(String option) throws Exception {
        HttpTestOrigin origin = origin();
        int sluicePort = freePort();
        Cfg cfg = cfg(origin).frontend("bind 127.0.0.1:" + sluicePort + " accept-proxy", "option forwardfor",
                "http-request deny deny_status 403 if { src 127.0.0.6 }");
        start(cfg);
        int front = haproxyInFront(sluicePort, option);
        String answer = exchangeFrom("127.0.0.5", front, "GET /seen HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals("127.0.0.5", origin.requests().get(0).header("x-forwarded-for"));
        String denied = exchangeFrom("127.0.0.6", front, "GET /no HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(denied.startsWith("HTTP/1.1 403"), "src must be the client the header names: " + denied);
    }

    @Test
    void anHttpFrontendBehindHaproxySendProxySeesTheRealClient() throws Exception {
        httpBehindHaproxy("send-proxy");
    }

    @Test
    void anHttpFrontendBehindHaproxySendProxyV2SeesTheRealClient() throws Exception {
        httpBehindHaproxy("send-proxy-v2");
    }

    @Test
    void aTcpRelayDropsTheHeaderAndRoutesOnTheClientItNames() throws Exception {
        TestOrigin echo = new TestOrigin(TestOrigin.Mode.ECHO);
        toClose.add(echo);
        int sluicePort = freePort();
        sluice = Sluice.start(ConfigParser.parse("pp.cfg", String.join("\n",
                "global", "    tune.buffers.limit 64", "    hard-stop-after 5s",
                "defaults", "    mode tcp", "    timeout connect 5s", "    timeout client 10s", "    timeout server 10s",
                "frontend front", "    bind 127.0.0.1:" + sluicePort + " accept-proxy",
                "    tcp-request content reject if { src 127.0.0.6 }",
                "    default_backend echo",
                "backend echo", "    server e 127.0.0.1:" + echo.port(), "")));
        int front = haproxyInFront(sluicePort, "send-proxy-v2");
        assertEquals("relayed without the header", exchangeFrom("127.0.0.5", front, "relayed without the header"));
        assertEquals("", exchangeFrom("127.0.0.6", front, "rejected by the client's address"));
    }

    @Test
    void aConnectionWithoutAValidHeaderIsDroppedUnanswered() throws Exception {
        HttpTestOrigin origin = origin();
        int sluicePort = freePort();
        start(cfg(origin).frontend("bind 127.0.0.1:" + sluicePort + " accept-proxy"));
        String answer;
        try {
            answer = exchangeFrom("127.0.0.1", sluicePort, get("/no-header"));
        } catch (java.net.SocketException reset) {
            // Dropped with a reset: what HAProxy does too.
            answer = "";
        }
        assertEquals("", answer, "no answer to a connection without a header");
        assertTrue(origin.requests().isEmpty(), "nothing reached the origin");
        awaitCounter("http_rejected_bad_proxy_header", 1);
    }
}
