package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.CheckScripts;
import dev.sluice.backend.CheckStatus;
import dev.sluice.backend.CheckStep;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.HealthChecks;
import dev.sluice.backend.HttpCheckRequest;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerCheckSpec;
import dev.sluice.backend.ServerState;
import dev.sluice.backend.ServerStateChange;
import dev.sluice.backend.ServerStateListener;
import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.EventLoop;
import dev.sluice.net.NioConnector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks on a real event loop against real origins: Debian's nginx and
 * the test origins. Servers that answer are UP, a closed port is DOWN, a
 * stopped nginx goes DOWN and comes back UP when it is started again, an HTTP
 * check that gets 404 under disable-on-404 drains its server.
 */
class HealthCheckEndToEndTest {
    private static final ServerCheckSpec FAST = ServerCheckSpec.DEFAULTS.withInter(100, 0, 0);

    @TempDir
    Path dir;
    private EventLoop loop;
    private HealthChecks checks;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private final List<ServerStateChange> changes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.call(() -> {
                checks.stop(loop);
                return null;
            });
            loop.stop();
            assertEquals(loop.pool().size(), loop.pool().free(), "a check took a client buffer");
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static HealthCheckSpec httpchk(String path) {
        return CheckScripts.http(HttpCheckRequest.build("GET", path, "HTTP/1.1",
                List.of(new HttpCheckRequest.Header("Host", "localhost")), null), List.of());
    }

    private Backend start(HealthCheckSpec spec, Server... servers) throws Exception {
        Backend b = new Backend("app", List.of(servers), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT,
                new ServerStateListener() {
                    @Override
                    public void stateChanged(ServerStateChange change) {
                        changes.add(change);
                        System.err.println(change.describe());
                    }
                });
        loop = new EventLoop(0, new BufferPool(4, 1024, 1, System::nanoTime));
        List<HealthChecks.Planned> planned = new java.util.ArrayList<>();
        for (Server s : servers) {
            planned.add(new HealthChecks.Planned(s, spec, FAST));
        }
        checks = HealthChecks.create(planned, List.of(loop), List.of(new NioConnector(loop)), 16384, 0);
        checks.start();
        loop.start();
        return b;
    }

    private static Server server(String name, InetSocketAddress address) {
        return new Server(name, address, 0, 0);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void nginxIsUpAClosedPortIsDownAndAStoppedNginxGoesDownThenComesBackUp() throws Exception {
        Nginx nginx = new Nginx(dir.resolve("nginx"), "location /health { return 200 \"ok\\n\"; }");
        toClose.add(nginx);
        int port = nginx.port();
        Server web = server("nginx", nginx.address());
        Server closed = server("closed", new InetSocketAddress("127.0.0.1", Nginx.freePort()));
        start(httpchk("/health"), web, closed);
        await(() -> closed.state() == ServerState.DOWN, "the closed port DOWN");
        HealthCheck webCheck = checks.of(web);
        await(() -> webCheck.passed() >= 3, "three checks of nginx passed");
        assertEquals(ServerState.UP, web.state());
        assertEquals(CheckStatus.L4CON, checks.of(closed).lastStatus());

        nginx.close();
        await(() -> web.state() == ServerState.DOWN, "nginx DOWN after it stopped");
        assertTrue(webCheck.failed() >= FAST.fall(), "DOWN after fall failures: " + webCheck.failed());

        toClose.add(new Nginx(dir.resolve("nginx2"), port, "location /health { return 200 \"ok\\n\"; }"));
        await(() -> web.state() == ServerState.UP, "nginx UP again");
        assertEquals(List.of(ServerState.DOWN, ServerState.DOWN, ServerState.UP),
                changes.stream().map(ServerStateChange::to).toList());
    }

    @Test
    void nginxAnswering404UnderDisableOn404DrainsTheServerAnd503MarksItDown() throws Exception {
        Nginx nginx = new Nginx(dir.resolve("nginx"), """
                location /maintenance { return 404; }
                location /broken { return 503; }
                location /health { return 200; }
                """);
        toClose.add(nginx);
        Server drained = server("drained", nginx.address());
        Server broken = server("broken", nginx.address());
        HealthCheckSpec maintenance = httpchk("/maintenance").withDisableOn404(true);
        Backend b = new Backend("app", List.of(drained, broken), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT,
                changes::add);
        loop = new EventLoop(0, new BufferPool(4, 1024, 1, System::nanoTime));
        checks = HealthChecks.create(List.of(new HealthChecks.Planned(drained, maintenance, FAST),
                new HealthChecks.Planned(broken, httpchk("/broken"), FAST)), List.of(loop),
                List.of(new NioConnector(loop)), 16384, 0);
        checks.start();
        loop.start();
        await(() -> drained.state() == ServerState.DRAIN, "the 404 server drained");
        await(() -> broken.state() == ServerState.DOWN, "the 503 server down");
        assertEquals(CheckStatus.L7OKC, checks.of(drained).lastStatus());
        assertEquals(CheckStatus.L7STS, checks.of(broken).lastStatus());
        assertEquals(0, b.serversUp());
    }

    @Test
    void theTestOriginsAnswerTcpAndHttpChecksAndAWrongAnswerFailsTheCheck() throws Exception {
        TestOrigin tcp = new TestOrigin(TestOrigin.Mode.ECHO);
        toClose.add(tcp);
        HttpTestOrigin http = new HttpTestOrigin();
        toClose.add(http);
        http.raw("junk", "SSH-2.0-not-http\r\n\r\n");
        Server tcpServer = server("tcp", new InetSocketAddress("127.0.0.1", tcp.port()));
        Server httpServer = server("http", new InetSocketAddress("127.0.0.1", http.port()));
        Server junk = server("junk", new InetSocketAddress("127.0.0.1", http.port()));
        CheckStep.Expect body = CheckStep.Expect.of(CheckStep.Match.HTTP_BODY, false,
                "/alive".getBytes(StandardCharsets.US_ASCII), null, null);
        HealthCheckSpec alive = CheckScripts.http(HttpCheckRequest.build("GET", "/alive", "HTTP/1.0", List.of(), null),
                List.of(body));
        Backend b = new Backend("app", List.of(tcpServer, httpServer, junk), BalanceSpec.ROUNDROBIN,
                RetryPolicy.DEFAULT, changes::add);
        loop = new EventLoop(0, new BufferPool(4, 1024, 1, System::nanoTime));
        checks = HealthChecks.create(List.of(new HealthChecks.Planned(tcpServer, HealthCheckSpec.TCP_CONNECT, FAST),
                new HealthChecks.Planned(httpServer, alive, FAST),
                new HealthChecks.Planned(junk, httpchk("/raw/junk"), FAST)), List.of(loop),
                List.of(new NioConnector(loop)), 16384, 0);
        checks.start();
        loop.start();
        await(() -> checks.of(tcpServer).passed() >= 2 && checks.of(httpServer).passed() >= 2, "two passes each");
        await(() -> junk.state() == ServerState.DOWN, "the non-HTTP answer fails the check");
        assertEquals(CheckStatus.L4OK, checks.of(tcpServer).lastStatus());
        assertEquals(CheckStatus.L7OK, checks.of(httpServer).lastStatus());
        assertEquals(CheckStatus.L7RSP, checks.of(junk).lastStatus());
        assertEquals(List.of(tcpServer, httpServer), b.candidates());
        assertTrue(http.requests().stream().anyMatch(r -> r.target().equals("/alive")
                && "close".equalsIgnoreCase(r.header("connection"))), "the check's request closes its connection");
    }
}
