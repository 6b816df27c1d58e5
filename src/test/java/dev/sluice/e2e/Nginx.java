package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}, package {@code nginx}) for
 * end-to-end tests: one process ({@code master_process off}), on 127.0.0.1,
 * with a temporary configuration whose {@code server} block the test gives,
 * started by the test and stopped by its PID. A missing nginx fails the test
 * loudly: CI installs the package.
 */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private final Process process;

    /**
     * @param locations the inside of the {@code server} block, e.g. {@code location /health { return 200 "ok"; }}
     */
    Nginx(Path dir, String locations) throws IOException, InterruptedException {
        this(dir, freePort(), locations);
    }

    Nginx(Path dir, int port, String locations) throws IOException, InterruptedException {
        this(dir, "127.0.0.1", port, locations);
    }

    /** On another loopback address ({@code 127.0.0.2}...): several origins on one port, told apart by address. */
    Nginx(Path dir, String host, int port, String locations) throws IOException, InterruptedException {
        this(dir, host, port, "", locations);
    }

    /** With options on its {@code listen} line, e.g. {@code proxy_protocol}. */
    Nginx(Path dir, String host, int port, String listenOptions, String locations)
            throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: apt-get install nginx");
        this.dir = Files.createDirectories(dir);
        this.port = port;
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen %4$s:%2$d %5$s;
                %3$s
                    }
                }
                """.formatted(dir, port, locations, host, listenOptions));
        this.process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(host, port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
                process.destroyForcibly();
                throw new IOException("nginx did not start on port " + port + ": " + log);
            }
            Thread.sleep(20);
        }
    }

    int port() {
        return port;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    /** Stops nginx by its PID and waits until the port refuses connections. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        return FreePorts.next();
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
