package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import dev.sluice.net.TestCertificates;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SNI routing with TLS passed through, in mode tcp: {@code req.ssl_sni}
 * behind {@code tcp-request inspect-delay} and {@code tcp-request content
 * accept if { req_ssl_hello_type 1 }}, as OpenShift's router and many
 * Kubernetes configurations write it. The origins are real TLS servers
 * ({@code openssl s_server -WWW}, each with its own certificate and its own
 * page), the clients real curl, and the same configuration runs on HAProxy
 * 2.6 beside Sluice: both must send each name to the same origin.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsPassthroughEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;
    private final List<Process> origins = new ArrayList<>();

    @AfterEach
    void stopOrigins() throws InterruptedException {
        for (Process p : origins) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** An openssl s_server on {@code port} with a certificate for {@code name}, serving a page that names it. */
    private void origin(String name, int port) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name));
        Path pem = TestCertificates.write(root, "cert", name, name);
        Files.writeString(root.resolve("who"), "origin " + name + "\n");
        Process p = new ProcessBuilder("openssl", "s_server", "-quiet", "-WWW", "-accept", "127.0.0.1:" + port,
                "-cert", pem.toString()).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        origins.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Haproxy.accepts(port)) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "openssl s_server did not start: "
                    + Files.readString(dir.resolve(name + ".log")));
            Thread.sleep(20);
        }
    }

    /** The same file for both proxies: two names routed by the ClientHello, anything else refused. */
    private static String config(int routed, int quick, int a, int b) {
        return String.join("\n",
                "global",
                "    tune.buffers.limit 64",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 20s",
                "    timeout server 20s",
                "frontend sni",
                "    bind 127.0.0.1:" + routed,
                "    tcp-request inspect-delay 20s",
                "    tcp-request content accept if { req_ssl_hello_type 1 }",
                "    tcp-request content reject",
                "    acl to_a req_ssl_sni -i a.test",
                "    use_backend a if to_a",
                "    use_backend b if { req.ssl_sni -m end .b.test }",
                "frontend quick",
                "    bind 127.0.0.1:" + quick,
                "    tcp-request inspect-delay 300ms",
                "    tcp-request content accept if { req_ssl_hello_type 1 }",
                "    tcp-request content reject",
                "    default_backend a",
                "backend a",
                "    server a 127.0.0.1:" + a,
                "backend b",
                "    server b 127.0.0.1:" + b,
                "");
    }

    /** curl to {@code name} through {@code port}: the page's text, or its exit code when it failed. */
    private String fetch(String name, int port) throws Exception {
        String out = TlsEndToEndTest.run("curl", "-sk", "--max-time", "10", "--resolve",
                name + ":" + port + ":127.0.0.1", "https://" + name + ":" + port + "/who", "-w", "|%{exitcode}");
        return out.endsWith("|0") ? out.substring(0, out.length() - 2) : "failed " + out;
    }

    @Test
    void eachNameReachesItsOriginThroughSluiceAsThroughHaproxy() throws Exception {
        int a = FreePorts.next();
        int b = FreePorts.next();
        origin("a.test", a);
        origin("b.test", b);
        int routed = FreePorts.next();
        int quick = FreePorts.next();
        sluice = Sluice.start(ConfigParser.parse("passthrough.cfg", config(routed, quick, a, b)));
        int hRouted = FreePorts.next();
        int hQuick = FreePorts.next();
        try (Haproxy haproxy = new Haproxy(dir.resolve("haproxy"), config(hRouted, hQuick, a, b), hRouted)) {
            for (int[] ports : new int[][] {{routed, quick}, {hRouted, hQuick}}) {
                String who = ports[0] == routed ? "sluice" : "haproxy";
                assertEquals("origin a.test\n", fetch("a.test", ports[0]), who);
                assertEquals("origin a.test\n", fetch("A.TEST", ports[0]), who + ", -i");
                assertEquals("origin b.test\n", fetch("www.b.test", ports[0]), who + ", -m end");
                // No rule names it and there is no default backend: the connection is closed.
                assertTrue(fetch("c.test", ports[0]).startsWith("failed"), who);
                // A name no rule takes goes to the default backend, where there is one.
                assertEquals("origin a.test\n", fetch("c.test", ports[1]), who + ", default backend");
            }
        }
        awaitCounter("sessions_ended_no_backend", 1);
    }

    @Test
    void bytesThatAreNoTlsAreRefusedAtOnceAndASilentClientWhenTheDelayEnds() throws Exception {
        int a = FreePorts.next();
        origin("a.test", a);
        int routed = FreePorts.next();
        int quick = FreePorts.next();
        sluice = Sluice.start(ConfigParser.parse("passthrough.cfg", config(routed, quick, a, a)));
        // Plain HTTP is no TLS handshake: the hello rule fails for good on its first byte, so the reject decides
        // long before the routed frontend's 20 s delay.
        long start = System.nanoTime();
        String plain = TlsEndToEndTest.run("curl", "-s", "--max-time", "15", "http://127.0.0.1:" + routed + "/",
                "-w", "%{exitcode}");
        assertEquals("52", plain, "curl's 'empty reply from server'");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the refusal waited for the delay");
        // A client that sends nothing is refused when the quick frontend's 300 ms delay ends: the rules see no hello.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), quick)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read());
        }
        awaitCounter("sessions_ended_rejected", 2);
        assertEquals(0, counter("sessions_ended_no_backend"));
        String sent = new String(TlsEndToEndTest.run("curl", "-sk", "--max-time", "10", "--resolve",
                "a.test:" + routed + ":127.0.0.1", "https://a.test:" + routed + "/who").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        assertEquals("origin a.test\n", sent, "the same listener still routes a hello");
    }
}
