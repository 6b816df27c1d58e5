package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A frontend's layer-4 rules, over real sockets: {@code tcp-request connection}
 * and {@code content} rules accept or reject a connection by its addresses,
 * and in mode tcp {@code use_backend} chooses the backend by them. Clients
 * connect from other loopback addresses (127.0.0.2, 127.0.0.3) to vary {@code src}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpRoutingEndToEndTest extends HttpEndToEnd {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeOrigins() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private TestOrigin echo() throws IOException {
        TestOrigin o = new TestOrigin(TestOrigin.Mode.ECHO);
        closing.add(o);
        return o;
    }

    private void startText(String text) throws Exception {
        sluice = Sluice.start(ConfigParser.parse("routing.cfg", text));
    }

    /** Connects from {@code source}, sends {@code text}, half-closes, and reads everything back. */
    private byte[] exchangeFrom(String source, int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    private static String tcpConfig(String frontendLines, int defaultPort, int otherPort) {
        return String.join("\n",
                "global",
                "    tune.buffers.limit 64",
                "    hard-stop-after 5s",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 10s",
                "    timeout server 10s",
                "frontend front",
                "    bind 127.0.0.1:0",
                frontendLines,
                "    default_backend main",
                "backend main",
                "    server m 127.0.0.1:" + defaultPort,
                "backend other",
                "    server o 127.0.0.1:" + otherPort,
                "");
    }

    @Test
    void useBackendInModeTcpChoosesByTheClientsAddress() throws Exception {
        TestOrigin main = echo();
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // The other backend answers with a mark of its own, so that the choice shows.
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket c = other.accept()) {
                    c.getInputStream().readAllBytes();
                    c.getOutputStream().write("other".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // The test fails on what it reads.
                }
            });
            startText(tcpConfig("    use_backend other if { src 127.0.0.2 }", main.port(), other.getLocalPort()));
            assertArrayEquals("from one".getBytes(StandardCharsets.US_ASCII), exchangeFrom("127.0.0.1", port(), "from one"));
            assertEquals("other", new String(exchangeFrom("127.0.0.2", port(), "from two"), StandardCharsets.US_ASCII));
            t.join(10_000);
        }
    }

    @Test
    void aTcpRequestConnectionRejectClosesTheConnectionWithNothingRelayed() throws Exception {
        TestOrigin main = echo();
        startText(tcpConfig("    tcp-request connection reject if { src 127.0.0.3 }", main.port(), main.port()));
        assertEquals(0, exchangeFrom("127.0.0.3", port(), "let me in").length);
        assertArrayEquals("welcome".getBytes(StandardCharsets.US_ASCII), exchangeFrom("127.0.0.1", port(), "welcome"));
        awaitCounter("sessions_ended_rejected", 1);
    }

    @Test
    void aTcpRequestContentRuleOnTheDestinationPortAcceptsOnlyWhatItNames() throws Exception {
        TestOrigin main = echo();
        int port = FreePorts.next();
        startText(tcpConfig("    bind 127.0.0.1:" + port + "\n    tcp-request content accept if { dst_port " + port
                + " }\n    tcp-request content reject", main.port(), main.port()));
        int other = sluice.boundAddresses().stream().mapToInt(InetSocketAddress::getPort).filter(p -> p != port)
                .findFirst().orElseThrow();
        assertArrayEquals("named".getBytes(StandardCharsets.US_ASCII), exchangeFrom("127.0.0.1", port, "named"));
        assertEquals(0, exchangeFrom("127.0.0.1", other, "unnamed").length);
    }

    @Test
    void anHttpFrontendRejectsAConnectionBeforeReadingARequest() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("tcp-request connection reject if { src 127.0.0.2 }",
                "http-request deny deny_status 403 if { dst 127.0.0.1 } { src 127.0.0.3 }"));
        assertEquals(0, exchangeFrom("127.0.0.2", port(), get("/x")).length);
        String denied = new String(exchangeFrom("127.0.0.3", port(), get("/y")), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 403", denied.substring(0, 12), denied);
        assertEquals(200, wire().exchange(get("/z")).status());
        assertEquals(1, origin.requests().size());
    }
}
