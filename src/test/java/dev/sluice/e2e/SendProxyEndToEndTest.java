package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server ... send-proxy} and {@code send-proxy-v2}: each new server
 * connection starts with a PROXY header naming the client, read by a real
 * nginx ({@code listen ... proxy_protocol}) that answers with the addresses
 * it parsed ({@code $proxy_protocol_addr} and the others). The client
 * connects from 127.0.0.5 or 127.0.0.6, so that only the header can name it
 * to nginx, which sees Sluice's 127.0.0.1. Mode http and mode tcp (the relay
 * carries the client's HTTP request to nginx after the header).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendProxyEndToEndTest extends HttpEndToEnd {
    /** What nginx answers: the PROXY header's client, its port, the destination, its port, and the socket's peer. */
    private static final String ECHO_HEADER = "location / { return 200 \"$proxy_protocol_addr $proxy_protocol_port"
            + " $proxy_protocol_server_addr $proxy_protocol_server_port $remote_addr\\n\"; }";

    @TempDir
    Path dir;

    private Nginx nginx(String host, int port) throws Exception {
        Nginx n = new Nginx(dir.resolve("nginx-" + host + "-" + port), host, port, "proxy_protocol", ECHO_HEADER);
        toClose.add(n);
        return n;
    }

    private void startSluice(String mode, String server) throws Exception {
        sluice = Sluice.start(ConfigParser.parse("send-proxy.cfg", String.join("\n",
                "global", "    tune.buffers.limit 64", "    hard-stop-after 5s",
                "defaults", "    mode " + mode, "    timeout connect 5s", "    timeout client 10s",
                "    timeout server 10s",
                "frontend front", "    bind 127.0.0.1:0", "    default_backend b",
                "backend b", "    " + server, "")));
    }

    /** One request from {@code source} on a connection of its own; returns the answer's body. */
    private String askFrom(String source) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
        }
    }

    private void theHeaderNamesTheClient(String mode, String option) throws Exception {
        Nginx origin = nginx("127.0.0.1", Nginx.freePort());
        startSluice(mode, "server n 127.0.0.1:" + origin.port() + " " + option);
        assertEquals("127.0.0.5 ", askFrom("127.0.0.5").substring(0, 10));
        String[] seen = askFrom("127.0.0.6").split(" ");
        assertEquals("127.0.0.6", seen[0], "the client the header names");
        assertTrue(Integer.parseInt(seen[1]) > 0, "the client's port");
        assertEquals("127.0.0.1", seen[2], "where the client connected");
        assertEquals(String.valueOf(port()), seen[3], "the port the client connected to");
        assertEquals("127.0.0.1", seen[4], "nginx's socket peer is Sluice");
    }

    @Test
    void httpSendProxyNamesEachClientToNginx() throws Exception {
        theHeaderNamesTheClient("http", "send-proxy");
    }

    @Test
    void httpSendProxyV2NamesEachClientToNginx() throws Exception {
        theHeaderNamesTheClient("http", "send-proxy-v2");
    }

    @Test
    void tcpSendProxyNamesTheClientToNginx() throws Exception {
        theHeaderNamesTheClient("tcp", "send-proxy");
    }

    @Test
    void tcpSendProxyV2NamesTheClientToNginx() throws Exception {
        theHeaderNamesTheClient("tcp", "send-proxy-v2");
    }

    /**
     * nginx keeps its connections alive. Without send-proxy, a request that
     * is not its connection's first may go out on any idle connection of the
     * loop: here, with one loop and {@code pool-max-conn 1}, client A's second
     * request would take the connection client B's first request opened (A's
     * own was pushed out of the pool), and nginx would name B. With it, a
     * connection that sent a header serves only its own client: each client's
     * next request reuses the connection it opened, and nginx names it again.
     */
    @Test
    void aConnectionThatSentAHeaderServesOnlyItsClient() throws Exception {
        Nginx origin = nginx("127.0.0.1", Nginx.freePort());
        sluice = Sluice.start(ConfigParser.parse("send-proxy.cfg", String.join("\n",
                "global", "    nbthread 1", "    tune.buffers.limit 64", "    hard-stop-after 5s",
                "defaults", "    mode http", "    timeout connect 5s", "    timeout client 10s",
                "    timeout server 10s",
                "frontend front", "    bind 127.0.0.1:0", "    default_backend b",
                "backend b", "    server n 127.0.0.1:" + origin.port() + " send-proxy-v2 pool-max-conn 1", "")));
        try (Socket a = clientFrom("127.0.0.5"); Socket b = clientFrom("127.0.0.6")) {
            assertTrue(exchange(a).contains("\r\n\r\n127.0.0.5 "));
            assertTrue(exchange(b).contains("\r\n\r\n127.0.0.6 "));
            String second = exchange(a);
            assertTrue(second.contains("\r\n\r\n127.0.0.5 "), "A's second request on A's connection: " + second);
            assertTrue(exchange(b).contains("\r\n\r\n127.0.0.6 "));
        }
        assertEquals(2, counter("server_connections_opened"));
        assertEquals(2, counter("server_connections_reused"));
    }

    private Socket clientFrom(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        s.setSoTimeout(10_000);
        return s;
    }

    private static String exchange(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return readResponse(s.getInputStream());
    }

    /** Reads one response whose body nginx sends with a Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        String h = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = h.indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** {@code server s 127.0.0.2}: the port the client connected to, in both modes, and with an offset. */
    @Test
    void aServerWithoutAPortGetsTheClientsPort() throws Exception {
        for (String mode : new String[] {"http", "tcp"}) {
            int port = Nginx.freePort();
            nginx("127.0.0.2", port);
            sluice = Sluice.start(ConfigParser.parse("portless.cfg", String.join("\n",
                    "global", "    tune.buffers.limit 64", "    hard-stop-after 5s",
                    "defaults", "    mode " + mode, "    timeout connect 5s", "    timeout client 10s",
                    "    timeout server 10s",
                    "frontend front", "    bind 127.0.0.1:" + port, "    default_backend b",
                    "backend b", "    server same 127.0.0.2 send-proxy", "")));
            assertEquals("127.0.0.5 ", askFrom("127.0.0.5").substring(0, 10), mode);
            assertNoSessionAndEveryBufferBack();
            sluice.close();
            sluice = null;
        }
        int port = Nginx.freePort();
        nginx("127.0.0.3", port - 1);
        sluice = Sluice.start(ConfigParser.parse("offset.cfg", String.join("\n",
                "global", "    tune.buffers.limit 64", "    hard-stop-after 5s",
                "defaults", "    mode http", "    timeout connect 5s", "    timeout client 10s",
                "    timeout server 10s",
                "frontend front", "    bind 127.0.0.1:" + port, "    default_backend b",
                "backend b", "    server below 127.0.0.3:-1 send-proxy", "")));
        String[] seen = askFrom("127.0.0.5").split(" ");
        assertEquals(String.valueOf(port), seen[3], "the header names the port the client connected to");
    }
}
