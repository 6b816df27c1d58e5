package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy 2.6 (Debian's {@code /usr/sbin/haproxy}, package
 * {@code haproxy}) for end-to-end comparisons: run in the foreground from a
 * configuration the test writes, on 127.0.0.1, and stopped by its PID. A
 * missing haproxy fails the test loudly: CI installs the package.
 */
final class Haproxy implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path log;

    /** Starts haproxy on {@code config} and waits until {@code port} accepts connections. */
    Haproxy(Path dir, String config, int port) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: apt-get install haproxy");
        Files.createDirectories(dir);
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        this.log = dir.resolve("haproxy.log");
        this.process = new ProcessBuilder(BINARY.toString(), "-f", file.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("haproxy did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Whether something on 127.0.0.1 accepts connections on {@code port}. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
