package dev.sluice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A health check runs its script, times out as HAProxy's, and moves its server's state by rise and fall. */
class HealthCheckTest {
    private static final long MS = 1_000_000L;

    private final TestLoop loop = new TestLoop(0);
    private final ScriptedConnector connector = new ScriptedConnector(loop);
    private final List<ServerStateChange> changes = new ArrayList<>();
    private final List<CheckReport> reports = new ArrayList<>();
    private final Server server = new Server("web", new InetSocketAddress("127.0.0.1", 8080), 0, 0);
    private final Server other = new Server("other", new InetSocketAddress("127.0.0.1", 8081), 0, 0);
    private final Backend backend = new Backend("be", List.of(server, other), BalanceSpec.ROUNDROBIN,
            RetryPolicy.DEFAULT, new ServerStateListener() {
                @Override
                public void stateChanged(ServerStateChange change) {
                    changes.add(change);
                }

                @Override
                public void checkReported(CheckReport report) {
                    reports.add(report);
                }
            }, () -> loop.now);

    private HealthCheck check(HealthCheckSpec spec, ServerCheckSpec options) {
        CheckArena arena = new CheckArena(CheckArena.buffersFor(spec, options), 1024, () -> loop.now);
        HealthCheck c = new HealthCheck(loop, connector, server, spec, options, arena, 0);
        c.start(0);
        return c;
    }

    /** Turns the loop until {@code ms}, one millisecond at a time. */
    private void runUntil(long ms) {
        for (long t = loop.now / MS; t <= ms; t++) {
            loop.advanceTo(t * MS);
            loop.runInbox();
        }
    }

    private static HealthCheckSpec httpchk(List<CheckStep.Expect> expects) {
        return CheckScripts.http(HttpCheckRequest.build("GET", "/health", "HTTP/1.1",
                List.of(new HttpCheckRequest.Header("Host", "example")), null), expects);
    }

    @Test
    void aRefusedConnectionMarksTheServerDownAtOnceAndRiseChecksBringItBack() {
        connector.accept = ScriptedConnector.Accept.REFUSE;
        HealthCheck c = check(HealthCheckSpec.TCP_CONNECT, ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(ServerState.DOWN, server.state(), "a server starts at rise: one failure takes it down");
        assertEquals(CheckStatus.L4CON, c.lastStatus());
        connector.accept = ScriptedConnector.Accept.YES;
        runUntil(2001);
        assertEquals(ServerState.DOWN, server.state(), "one success of rise 2");
        assertEquals(1, c.health());
        runUntil(4001);
        assertEquals(ServerState.UP, server.state());
        assertEquals(4, c.health(), "fully up: rise + fall - 1");
        assertEquals(List.of(ServerState.DOWN, ServerState.UP), changes.stream().map(ServerStateChange::to).toList());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080)), connector.targets.subList(0, 1));
    }

    @Test
    void theStatsPageTurnsACheckOffAndOnAndForcesItsHealthOnTheChecksLoop() {
        HealthCheck c = check(HealthCheckSpec.TCP_CONNECT, ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(ServerState.UP, server.state());
        assertTrue(c.force(HealthCheck.Forced.STOPPED));
        assertEquals(ServerState.UP, server.state(), "applied by the check's loop, not by the caller");
        runUntil(2);
        assertEquals(ServerState.DOWN, server.state());
        assertEquals(0, c.health());
        assertTrue(c.force(HealthCheck.Forced.DISABLE));
        runUntil(3);
        long runs = c.runs();
        runUntil(10_000);
        assertTrue(c.disabled());
        assertEquals(runs, c.runs(), "a check turned off does not run");
        assertEquals(ServerState.DOWN, server.state(), "and nothing brings the server back meanwhile");
        assertTrue(c.force(HealthCheck.Forced.ENABLE));
        runUntil(12_100);
        assertEquals(ServerState.UP, server.state(), "turned on, its rise successes bring the server UP");
        assertTrue(c.force(HealthCheck.Forced.STOPPING));
        runUntil(12_101);
        assertEquals(ServerState.DRAIN, server.state());
        assertEquals(4, c.health());
        assertTrue(c.force(HealthCheck.Forced.RUNNING));
        runUntil(12_102);
        assertEquals(ServerState.UP, server.state());
        c.stop();
        c.force(HealthCheck.Forced.ENABLE);
        runs = c.runs();
        runUntil(20_000);
        assertEquals(runs, c.runs(), "a check its generation stopped is never turned on again");
    }

    @Test
    void anUpServerGoesDownAfterFallConsecutiveFailuresCheckedAtFastinterMeanwhile() {
        ServerCheckSpec options = ServerCheckSpec.DEFAULTS.withInter(1000, 100, 5000);
        HealthCheck c = check(HealthCheckSpec.TCP_CONNECT, options);
        runUntil(1);
        assertEquals(ServerState.UP, server.state());
        runUntil(1001);
        assertEquals(4, c.health());
        connector.accept = ScriptedConnector.Accept.REFUSE;
        int before = connector.targets.size();
        runUntil(2001);
        assertEquals(ServerState.UP, server.state(), "one failure of fall 3");
        runUntil(2101);
        assertEquals(ServerState.UP, server.state(), "the second failure comes fastinter later");
        runUntil(2201);
        assertEquals(ServerState.DOWN, server.state(), "the third, fastinter later again");
        assertEquals(3, connector.targets.size() - before);
        runUntil(7000);
        assertEquals(3, connector.targets.size() - before, "fully down: downinter (5 s) until the next check");
        runUntil(7202);
        assertEquals(4, connector.targets.size() - before);
    }

    @Test
    void withoutTimeoutCheckAConnectionThatNeverOpensTimesOutAfterInter() {
        connector.accept = ScriptedConnector.Accept.NEVER;
        HealthCheck c = check(HealthCheckSpec.TCP_CONNECT, ServerCheckSpec.DEFAULTS);
        runUntil(1999);
        assertEquals(ServerState.UP, server.state());
        runUntil(2000);
        assertEquals(CheckStatus.L4TOUT, c.lastStatus());
        assertEquals(ServerState.DOWN, server.state());
        assertTrue(connector.peers.get(0).reset, "a timed out check connection is reset");
    }

    @Test
    void withTimeoutCheckTheConnectWaitsTheSmallerOfConnectAndInterThenTheAnswerWaitsTimeoutCheck() {
        connector.answer = request -> null;
        HealthCheck c = check(httpchk(List.of()).withTimeouts(300, 50), ServerCheckSpec.DEFAULTS);
        runUntil(299);
        assertEquals(null, c.lastStatus(), "connected at once; the answer may take timeout check (300 ms)");
        runUntil(301);
        assertEquals(CheckStatus.L7TOUT, c.lastStatus());
        connector.accept = ScriptedConnector.Accept.NEVER;
        // Down after one failure: the next check starts inter (2 s) later, at 2300 ms.
        runUntil(2349);
        assertEquals(CheckStatus.L7TOUT, c.lastStatus(), "the connect waits timeout connect (50 ms)");
        runUntil(2350);
        assertEquals(CheckStatus.L4TOUT, c.lastStatus());
    }

    @Test
    void anHttpCheckSendsItsRequestAndPassesOn2xxOr3xxAndFailsOtherwise() {
        connector.answer = request -> request.endsWith("\r\n\r\n") ? "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n" : null;
        HealthCheck c = check(httpchk(List.of()), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OK, c.lastStatus());
        assertEquals("GET /health HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n", connector.lastRequest());
        connector.answer = request -> "HTTP/1.1 503 Service Unavailable\r\n\r\n";
        runUntil(2001);
        assertEquals(CheckStatus.L7STS, c.lastStatus());
        assertEquals(ServerState.UP, server.state(), "fully up after a pass: fall 3 failures are needed");
        runUntil(6001);
        assertEquals(ServerState.DOWN, server.state());
        assertTrue(changes.get(0).reason().contains("Layer7 wrong status"), changes.get(0).reason());
    }

    @Test
    void anHttpCheckFailsOnSomethingThatIsNotAnHttpResponse() {
        connector.answer = request -> "SSH-2.0-OpenSSH\r\n\r\n";
        HealthCheck c = check(httpchk(List.of()), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7RSP, c.lastStatus());
    }

    @Test
    void httpCheckExpectMatchesStatusesAndBodiesAndTheirNegations() {
        CheckStep.Expect status = CheckStep.Expect.of(CheckStep.Match.HTTP_STATUS, false, null, null,
                new int[] {200, 200, 300, 310});
        CheckStep.Expect bodyHasOk = CheckStep.Expect.of(CheckStep.Match.HTTP_BODY, false,
                "ok".getBytes(StandardCharsets.US_ASCII), null, null);
        CheckStep.Expect noSqlError = CheckStep.Expect.of(CheckStep.Match.HTTP_BODY_REGEX, true, null,
                Pattern.compile("SQL Error"), null);
        CheckStep.Expect not5xx = CheckStep.Expect.of(CheckStep.Match.HTTP_STATUS_REGEX, true, null,
                Pattern.compile("^5"), null);
        assertEquals(CheckStatus.L7OK, once(List.of(status), "HTTP/1.1 305 Use Proxy\r\n\r\n"));
        assertEquals(CheckStatus.L7STS, once(List.of(status), "HTTP/1.1 204 No Content\r\n\r\n"));
        assertEquals(CheckStatus.L7OK, once(List.of(bodyHasOk), "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nall ok"));
        assertEquals(CheckStatus.L7RSP, once(List.of(bodyHasOk), "HTTP/1.0 200 OK\r\n\r\nnot good"));
        assertEquals(CheckStatus.L7OK, once(List.of(noSqlError), "HTTP/1.0 200 OK\r\n\r\nfine"));
        assertEquals(CheckStatus.L7RSP, once(List.of(noSqlError), "HTTP/1.0 200 OK\r\n\r\nan SQL Error here"));
        assertEquals(CheckStatus.L7OK, once(List.of(not5xx), "HTTP/1.0 404 Not Found\r\n\r\n"));
        assertEquals(CheckStatus.L7STS, once(List.of(not5xx), "HTTP/1.0 502 Bad Gateway\r\n\r\n"));
    }

    private CheckStatus once(List<CheckStep.Expect> expects, String response) {
        TestLoop l = new TestLoop(1);
        ScriptedConnector k = new ScriptedConnector(l);
        k.answer = request -> response;
        Server s = new Server("s", new InetSocketAddress("127.0.0.1", 1), 0, 0);
        new Backend("b", List.of(s), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT, ServerStateListener.NONE, () -> l.now);
        HealthCheckSpec spec = httpchk(expects);
        HealthCheck c = new HealthCheck(l, k, s, spec, ServerCheckSpec.DEFAULTS,
                new CheckArena(CheckArena.buffersFor(spec, ServerCheckSpec.DEFAULTS), 1024, () -> l.now), 0);
        c.start(0);
        for (int t = 0; t < 5; t++) {
            l.advanceTo(t * MS);
            l.runInbox();
        }
        return c.lastStatus();
    }

    @Test
    void disableOn404DrainsAnUpServerAndA2xxBringsItBack() {
        connector.answer = request -> "HTTP/1.1 404 Not Found\r\n\r\n";
        HealthCheck c = check(httpchk(List.of()).withDisableOn404(true), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OKC, c.lastStatus());
        assertEquals(ServerState.DRAIN, server.state());
        connector.answer = request -> "HTTP/1.1 200 OK\r\n\r\n";
        runUntil(2001);
        assertEquals(ServerState.UP, server.state());
        assertEquals(1, c.conditional());
    }

    @Test
    void tcpCheckRunsItsSendExpectSequence() {
        connector.closeAfterAnswer = false;
        connector.answer = request -> request.equals("PING\r\n") ? "+PONG\r\n"
                : request.equals("PING\r\ninfo replication\r\n") ? "+PONG\r\nrole:master\r\n" : null;
        HealthCheckSpec spec = new HealthCheckSpec("tcp-check", HealthCheckSpec.Protocol.TCP, List.of(
                CheckStep.Connect.DEFAULT,
                new CheckStep.Send("PING\r\n".getBytes(StandardCharsets.US_ASCII)),
                CheckStep.Expect.of(CheckStep.Match.CONTAINS, false, "+PONG".getBytes(StandardCharsets.US_ASCII), null, null),
                new CheckStep.Send("info replication\r\n".getBytes(StandardCharsets.US_ASCII)),
                CheckStep.Expect.of(CheckStep.Match.REGEX, false, null, Pattern.compile("role:(master|slave)"), null)),
                false, 0, 0, false);
        HealthCheck c = check(spec, ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OK, c.lastStatus());
        assertEquals("PING\r\ninfo replication\r\n", connector.lastRequest());
        connector.answer = request -> request.equals("PING\r\n") ? "+PONG\r\n"
                : request.equals("PING\r\ninfo replication\r\n") ? "+PONG\r\nrole:replica\r\n" : null;
        connector.closeAfterAnswer = true;
        runUntil(2001);
        assertEquals(CheckStatus.L7RSP, c.lastStatus(), "role:replica matches neither master nor slave");
    }

    @Test
    void redisCheckPassesOnPong() {
        connector.answer = request -> request.equals("*1\r\n$4\r\nPING\r\n") ? "+PONG\r\n" : null;
        HealthCheck c = check(CheckScripts.redis(), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OK, c.lastStatus());
        connector.answer = request -> "-ERR unknown\r\n";
        runUntil(2001);
        assertEquals(CheckStatus.L7STS, c.lastStatus());
    }

    @Test
    void smtpCheckNeedsA2xxBannerAndA2xxAnswerToHelo() {
        connector.banner = "220 mail.example ESMTP\r\n";
        connector.closeAfterAnswer = false;
        connector.answer = request -> request.equals("HELO localhost\r\n") ? "250 hello\r\n" : null;
        HealthCheck c = check(CheckScripts.smtp("HELO localhost"), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OK, c.lastStatus());
        connector.banner = "554 go away\r\n";
        runUntil(2001);
        assertEquals(CheckStatus.L7STS, c.lastStatus());
        assertTrue(!connector.peers.get(connector.peers.size() - 1).reset, "smtpchk closes with a FIN");
    }

    @Test
    void sslHelloCheckPassesOnATlsRecordAndFailsOnPlainText() {
        connector.closeAfterAnswer = false;
        connector.answer = request -> request.charAt(0) == 0x16 ? "\u0015\u0003\u0001\u0000\u0002\u0002\u0046" : null;
        HealthCheck c = check(CheckScripts.sslHello(), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L6OK, c.lastStatus());
        connector.answer = request -> "HTTP/1.1 400 Bad Request\r\n\r\n";
        runUntil(2001);
        assertEquals(CheckStatus.L6RSP, c.lastStatus());
    }

    /** Bytes as a Latin-1 string, for scripted binary answers. */
    private static String latin1(int... bytes) {
        StringBuilder sb = new StringBuilder();
        for (int b : bytes) {
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void mysqlCheckWithAUserLogsInAndFailsOnAnErrorPacket() {
        // A handshake packet (seq 0, protocol 10), then the answer to the login: OK (0x00), or an error (0xff).
        String handshake = latin1(5, 0, 0, 0, 10) + "5.7" + latin1(0);
        String user = "haproxy" + latin1(0);
        connector.closeAfterAnswer = false;
        connector.answer = request -> request.contains(user) ? handshake + latin1(3, 0, 0, 2, 0, 0, 0) : null;
        HealthCheck c = check(CheckScripts.mysql("haproxy"), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        assertEquals(CheckStatus.L7OK, c.lastStatus());
        assertTrue(connector.lastRequest().endsWith(latin1(1, 0, 0, 0, 1)), "the login is followed by a QUIT");
        connector.answer = request -> request.contains(user) ? handshake + latin1(3, 0, 0, 2, 0xff, 0x15, 4) : null;
        runUntil(2010);
        assertEquals(CheckStatus.L7STS, c.lastStatus());
    }

    @Test
    void addrPortAndSendProxyChangeWhereAndWhatTheCheckSends() {
        connector.answer = request -> request.endsWith("\r\n\r\n") ? "HTTP/1.1 200 OK\r\n\r\n" : null;
        check(httpchk(List.of()), ServerCheckSpec.DEFAULTS.withTarget("127.0.0.2", 9000).withSendProxy(true));
        runUntil(1);
        assertEquals(new InetSocketAddress("127.0.0.2", 9000), connector.targets.get(0));
        assertTrue(connector.lastRequest().startsWith("PROXY UNKNOWN\r\nGET /health "), connector.lastRequest());
    }

    @Test
    void aServerInMaintenanceIsNotCheckedAndLeavesItUp() {
        connector.accept = ScriptedConnector.Accept.REFUSE;
        server.setMaintenance(true);
        check(HealthCheckSpec.TCP_CONNECT, ServerCheckSpec.DEFAULTS);
        runUntil(10_000);
        assertEquals(0, connector.targets.size());
        assertEquals(ServerState.MAINT, server.state());
        connector.accept = ScriptedConnector.Accept.YES;
        server.setMaintenance(false);
        assertEquals(ServerState.UP, server.state(), "out of maintenance the server is UP until a check fails");
        runUntil(12_001);
        assertTrue(connector.targets.size() >= 1);
        assertEquals(ServerState.UP, server.state());
    }

    @Test
    void logHealthChecksReportsEveryResultThatChangedOrMovedTheHealth() {
        connector.answer = request -> "HTTP/1.1 200 OK\r\n\r\n";
        check(httpchk(List.of()).withLogHealthChecks(true), ServerCheckSpec.DEFAULTS);
        runUntil(1);
        runUntil(2001);
        runUntil(4001);
        // The first pass moves health from rise (2) to the top (4); the next ones change nothing.
        assertEquals(1, reports.size());
        connector.answer = request -> "HTTP/1.1 500 Oops\r\n\r\n";
        runUntil(6001);
        assertEquals(2, reports.size());
        assertEquals("Health check for server be/web failed, reason: Layer7 wrong status, info: \"HTTP status 500\","
                + " check duration: 0ms, status: 2/3 UP.", reports.get(1).describe());
    }

    @Test
    void aCheckTakesItsBuffersFromItsArenaAndNeverFromTheLoopsPool() {
        // TestLoop.pool() throws: a check that touched the client pool would fail here.
        connector.answer = request -> "HTTP/1.1 200 OK\r\n\r\n";
        HealthCheckSpec spec = httpchk(List.of());
        CheckArena arena = new CheckArena(CheckArena.buffersFor(spec, ServerCheckSpec.DEFAULTS), 1024, () -> loop.now);
        assertEquals(2, arena.buffers());
        HealthCheck c = new HealthCheck(loop, connector, server, spec, ServerCheckSpec.DEFAULTS, arena, 0);
        assertEquals(2, arena.inUse());
        c.start(0);
        runUntil(20_001);
        assertEquals(11, c.passed());
        assertEquals(2, arena.inUse(), "the buffers stay the check's own");
        assertEquals(0, CheckArena.buffersFor(HealthCheckSpec.TCP_CONNECT, ServerCheckSpec.DEFAULTS),
                "a connect-only check takes no buffer");
    }
}
