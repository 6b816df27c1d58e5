package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS discovery against a real DNS server (Debian's dnsmasq on 127.0.0.1):
 * a server-template filled from A records and from SRV records, a server line
 * that follows its name, a name that disappears, and records that change while
 * {@code wrk -c50} runs through Sluice to two nginx on 127.0.0.2 and 127.0.0.3,
 * with 0 failed requests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsDiscoveryEndToEndTest {
    @TempDir
    Path dir;
    private Sluice sluice;

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    private Sluice start(int dnsPort, String backendLines, int listenPort) throws Exception {
        Path cfg = dir.resolve("sluice.cfg");
        Files.writeString(cfg, """
                global
                    nbthread 2
                resolvers dns
                    nameserver local 127.0.0.1:%d
                    timeout resolve 100ms
                    timeout retry 100ms
                    hold nx 500ms
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                %s""".formatted(dnsPort, listenPort, backendLines));
        sluice = Sluice.start(ConfigParser.parse(cfg));
        return sluice;
    }

    /** The addresses of the servers that take requests now, sorted. */
    private Set<String> up() {
        Set<String> up = new TreeSet<>();
        for (Server s : sluice.backend("app").servers()) {
            if (s.state() == ServerState.UP) {
                up.add(s.address().getAddress().getHostAddress() + ":" + s.address().getPort());
            }
        }
        return up;
    }

    private static void await(Supplier<Boolean> condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            assertTrue(System.nanoTime() - deadline < 0, what.get());
            Thread.sleep(20);
        }
    }

    @Test
    void aServerTemplateFollowsTheARecordsAndItsSpareServersWaitInMaintenance() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(dir.resolve("dns"), "127.0.0.2 web.test\n")) {
            start(dns.port(), "    server-template web 3 web.test:8080 resolvers dns resolve-prefer ipv4\n",
                    Nginx.freePort());
            await(() -> up().equals(Set.of("127.0.0.2:8080")), () -> "servers up: " + up());
            List<Server> servers = sluice.backend("app").servers();
            assertEquals(2, servers.stream().filter(Server::unresolved).count());
            dns.hosts("127.0.0.2 web.test\n127.0.0.3 web.test\n127.0.0.4 web.test\n");
            await(() -> up().equals(Set.of("127.0.0.2:8080", "127.0.0.3:8080", "127.0.0.4:8080")),
                    () -> "servers up: " + up());
            Server first = servers.stream().filter(s -> s.address().getHostString().equals("127.0.0.2")).findFirst()
                    .orElseThrow();
            dns.hosts("127.0.0.3 web.test\n127.0.0.4 web.test\n");
            await(() -> up().equals(Set.of("127.0.0.3:8080", "127.0.0.4:8080")), () -> "servers up: " + up());
            assertEquals(ServerState.MAINT, first.state(), "the server whose address left the records");
            dns.hosts("");
            await(() -> up().isEmpty(), () -> "NXDOMAIN past hold nx, yet servers up: " + up());
        }
    }

    @Test
    void aServerTemplateFromSrvRecordsTakesTheirPortsToo() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(dir.resolve("dns"), "", "srv-host=_http._tcp.svc.test,a.svc.test,9001",
                "srv-host=_http._tcp.svc.test,b.svc.test,9002", "host-record=a.svc.test,127.0.0.2",
                "host-record=b.svc.test,127.0.0.3")) {
            start(dns.port(), "    server-template srv 4 _http._tcp.svc.test resolvers dns resolve-prefer ipv4\n",
                    Nginx.freePort());
            await(() -> up().equals(Set.of("127.0.0.2:9001", "127.0.0.3:9002")), () -> "servers up: " + up());
        }
    }

    @Test
    void aServerLineFollowsItsName() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(dir.resolve("dns"), "127.0.0.2 one.test\n")) {
            start(dns.port(), "    server s one.test:81 resolvers dns init-addr none\n", Nginx.freePort());
            await(() -> up().equals(Set.of("127.0.0.2:81")), () -> "up: " + up());
            dns.hosts("127.0.0.3 one.test\n");
            await(() -> up().equals(Set.of("127.0.0.3:81")), () -> "up: " + up());
        }
    }

    @Test
    void recordsThatChangeUnderWrkFailNoRequest() throws Exception {
        int port = Nginx.freePort();
        try (Dnsmasq dns = new Dnsmasq(dir.resolve("dns"), "127.0.0.2 web.test\n");
             Nginx two = new Nginx(dir.resolve("n2"), "127.0.0.2", port, "location / { return 200 \"two\\n\"; }");
             Nginx three = new Nginx(dir.resolve("n3"), "127.0.0.3", port, "location / { return 200 \"three\\n\"; }")) {
            int listen = Nginx.freePort();
            start(dns.port(), "    server-template web 4 web.test:" + port + " resolvers dns resolve-prefer ipv4\n",
                    listen);
            await(() -> up().size() == 1, () -> "up: " + up());
            try (Wrk wrk = new Wrk(dir, "http://127.0.0.1:" + listen + "/", 2, 50, 8)) {
                Thread.sleep(1_000);
                dns.hosts("127.0.0.2 web.test\n127.0.0.3 web.test\n");
                await(() -> up().size() == 2, () -> "up: " + up());
                Thread.sleep(1_500);
                dns.hosts("127.0.0.3 web.test\n");
                await(() -> up().equals(Set.of("127.0.0.3:" + port)), () -> "up: " + up());
                Thread.sleep(1_500);
                dns.hosts("127.0.0.2 web.test\n127.0.0.3 web.test\n");
                await(() -> up().size() == 2, () -> "up: " + up());
                Wrk.Result r = wrk.await(30);
                assertTrue(r.requests() > 1_000, r.text());
                assertEquals(0, r.failed() + r.writeErrors() + r.connectErrors(), r.text());
            }
            long toThree = sluice.backend("app").servers().stream()
                    .filter(s -> s.address().equals(new InetSocketAddress("127.0.0.3", port)))
                    .mapToLong(Server::sessions).sum();
            assertTrue(toThree > 0, "the address the records added took no request");
        }
    }
}
