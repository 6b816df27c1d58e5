package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The FFM UNIX datagram socket against real receivers: one of its own, and socat's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixDatagramSocketTest {
    @TempDir
    Path dir;

    @Test
    void aDatagramSentToAPathArrivesWhole() throws Exception {
        String path = dir.resolve("log.sock").toString();
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open(4096);
                UnixDatagramSocket sender = UnixDatagramSocket.open(4096)) {
            receiver.bind(path);
            sender.target(path);
            byte[] first = "<134>Dec  4 01:39:14 sluice[1]: hello\n".getBytes(StandardCharsets.US_ASCII);
            assertTrue(sender.send(first, 0, first.length), sender.lastError());
            byte[] second = "xxsecond".getBytes(StandardCharsets.US_ASCII);
            assertTrue(sender.send(second, 2, 6), sender.lastError());
            byte[] into = new byte[4096];
            int n = receiver.receive(into, 5000);
            assertEquals(new String(first, StandardCharsets.US_ASCII), new String(into, 0, n, StandardCharsets.US_ASCII));
            n = receiver.receive(into, 5000);
            assertEquals("second", new String(into, 0, n, StandardCharsets.US_ASCII));
            assertEquals(-1, receiver.receive(into, 50), "nothing more was sent");
        }
    }

    @Test
    void sendingWhereNobodyListensFailsAtOnceWithTheReason() throws Exception {
        try (UnixDatagramSocket sender = UnixDatagramSocket.open(4096)) {
            sender.target(dir.resolve("nobody.sock").toString());
            byte[] line = "x".getBytes(StandardCharsets.US_ASCII);
            assertFalse(sender.send(line, 0, 1));
            assertTrue(sender.lastError().contains("No such file or directory"), sender.lastError());
        }
    }

    @Test
    void aReceiverThatDoesNotReadMakesSendsFailInsteadOfBlocking() throws Exception {
        String path = dir.resolve("full.sock").toString();
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open(4096);
                UnixDatagramSocket sender = UnixDatagramSocket.open(4096)) {
            receiver.bind(path);
            sender.target(path);
            byte[] line = new byte[1000];
            int sent = 0;
            while (sender.send(line, 0, line.length)) {
                sent++;
                assertTrue(sent < 1_000_000, "the receiver's queue never filled");
            }
            assertTrue(sender.lastError().contains("Resource temporarily unavailable"), sender.lastError());
            assertTrue(sent > 0);
        }
    }

    @Test
    void aPathTooLongForSockaddrUnIsRefused() throws Exception {
        try (UnixDatagramSocket sender = UnixDatagramSocket.open(4096)) {
            IOException e = assertThrows(IOException.class, () -> sender.target("/" + "x".repeat(200)));
            assertTrue(e.getMessage().contains("1 to 107 bytes"), e.getMessage());
        }
    }

    /** socat is the reference receiver; the test needs Debian's socat package (CI installs it). */
    @Test
    void socatReceivesWhatWeSend() throws Exception {
        Path socat = Path.of("/usr/bin/socat");
        assertTrue(Files.isExecutable(socat), "this test needs socat (apt-get install socat)");
        Path path = dir.resolve("socat.sock");
        Process process = new ProcessBuilder(socat.toString(), "-u", "UNIX-RECV:" + path, "STDOUT")
                .redirectErrorStream(true).start();
        try (UnixDatagramSocket sender = UnixDatagramSocket.open(4096)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(path)) {
                assertTrue(System.nanoTime() < deadline, "socat did not create its socket");
                if (!process.isAlive()) {
                    throw new AssertionError("socat exited: " + new String(process.getInputStream().readAllBytes()));
                }
                Thread.sleep(10);
            }
            sender.target(path.toString());
            byte[] line = "<14>hello from sluice\n".getBytes(StandardCharsets.US_ASCII);
            assertTrue(sender.send(line, 0, line.length), sender.lastError());
            InputStream out = process.getInputStream();
            byte[] got = out.readNBytes(line.length);
            assertEquals("<14>hello from sluice\n", new String(got, StandardCharsets.US_ASCII));
        } finally {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
