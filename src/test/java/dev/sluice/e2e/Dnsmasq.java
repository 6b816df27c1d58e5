package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for end-to-end tests: Debian's {@code dnsmasq} (package
 * {@code dnsmasq}), on 127.0.0.1 at a port of the test's, answering only from
 * a hosts file and SRV lines the test writes (no upstream, no system files),
 * started by the test, told to read its hosts file again with SIGHUP, and
 * stopped by its PID. A missing dnsmasq fails the test loudly: CI installs it.
 */
final class Dnsmasq implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

    private final Path dir;
    private final Path hosts;
    private final int port;
    private final Process process;

    /** @param srvLines {@code srv-host=...} and {@code host-record=...} lines, read once at start */
    Dnsmasq(Path dir, String hostsFile, String... srvLines) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: apt-get install dnsmasq");
        this.dir = Files.createDirectories(dir);
        this.port = freeUdpPort();
        this.hosts = dir.resolve("hosts");
        Files.writeString(hosts, hostsFile);
        Path conf = dir.resolve("dnsmasq.conf");
        Files.writeString(conf, """
                port=%d
                listen-address=127.0.0.1
                bind-interfaces
                no-resolv
                no-hosts
                no-poll
                local=/test/
                addn-hosts=%s
                local-ttl=0
                user=root
                pid-file=
                %s
                """.formatted(port, hosts, String.join("\n", srvLines)));
        this.process = new ProcessBuilder(BINARY.toString(), "--keep-in-foreground", "--conf-file=" + conf)
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("dnsmasq did not start: " + Files.readString(dir.resolve("dnsmasq.log")));
            }
            Thread.sleep(20);
        }
    }

    int port() {
        return port;
    }

    /** Writes the hosts file anew and has dnsmasq read it (SIGHUP, which also empties its cache). */
    void hosts(String text) throws IOException, InterruptedException {
        Files.writeString(hosts, text);
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -HUP dnsmasq failed");
        }
    }

    /** Whether it answers a query (any answer will do). */
    private boolean answers() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(200);
            byte[] q = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'x', 0, 0, 1, 0, 1};
            s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
            s.receive(new DatagramPacket(new byte[512], 512));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free for UDP and TCP both: dnsmasq listens on both. */
    private static int freeUdpPort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try (java.net.ServerSocket tcp = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (java.net.BindException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
