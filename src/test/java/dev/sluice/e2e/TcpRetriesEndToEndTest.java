package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code retries} and {@code option redispatch} in mode tcp, over real
 * sockets: a connection refused by its server is tried again (the client's
 * bytes wait in the request buffer, none sent yet), on another server when
 * redispatch says so, and the client's stream arrives whole and once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpRetriesEndToEndTest extends HttpEndToEnd {
    private TestOrigin echo;

    @AfterEach
    void closeOrigin() throws IOException {
        if (echo != null) {
            echo.close();
        }
    }

    private static int deadPort() throws IOException {
        return FreePorts.next();
    }

    private void startTcp(int deadPort, int livePort, String... backendLines) throws Exception {
        String text = String.join("\n",
                "global",
                "    tune.buffers.limit 64",
                "    hard-stop-after 5s",
                "defaults",
                "    mode tcp",
                "    timeout connect 200ms",
                "    timeout client 10s",
                "    timeout server 10s",
                "frontend front",
                "    bind 127.0.0.1:0",
                "    default_backend main",
                "backend main",
                "    balance first",
                String.join("\n", backendLines),
                "    server dead 127.0.0.1:" + deadPort,
                livePort > 0 ? "    server live 127.0.0.1:" + livePort : "",
                "");
        sluice = Sluice.start(ConfigParser.parse("retries.cfg", text));
    }

    private byte[] exchange(String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    @Test
    void aRefusedConnectionGoesToTheNextServerWithRedispatchAndTheStreamArrivesOnce() throws Exception {
        echo = new TestOrigin(TestOrigin.Mode.ECHO);
        startTcp(deadPort(), echo.port(), "    retries 2", "    option redispatch");
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(("stream " + i).getBytes(StandardCharsets.US_ASCII), exchange("stream " + i));
        }
        // option redispatch without an interval moves on at the last retry: with retries 2 and balance
        // first, the dead server is tried twice (the first attempt and retry 1), then retry 2 goes to live.
        assertEquals(6, counter("connect_retries"), sluice.summary().render());
        assertEquals(3, counter("connect_redispatches"));
        assertEquals(6, counter("server_main_dead_connect_errors"));
        assertEquals(0, counter("server_main_live_connect_errors"));
    }

    @Test
    void withoutRedispatchTheSameServerIsTriedAsOftenAsRetriesSayThenTheClientIsClosed() throws Exception {
        startTcp(deadPort(), 0, "    retries 2");
        long started = System.nanoTime();
        assertEquals(0, exchange("nobody there").length);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        awaitCounter("sessions_ended_connect_error", 1);
        assertEquals(3, counter("server_main_dead_connect_errors"), "the first attempt and two retries");
        assertEquals(2, counter("connect_retries"));
        assertEquals(0, counter("connect_redispatches"));
        // Two pauses of min(timeout connect, 1 s) between the three attempts.
        assertTrue(millis >= 350, "retried after " + millis + " ms");
    }

    @Test
    void retriesZeroEndsTheSessionAtTheFirstFailure() throws Exception {
        startTcp(deadPort(), 0, "    retries 0");
        assertEquals(0, exchange("once").length);
        awaitCounter("sessions_ended_connect_error", 1);
        assertEquals(1, counter("server_main_dead_connect_errors"));
        assertEquals(0, counter("connect_retries"));
    }
}
