package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceAlgorithm;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.CheckScripts;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.HttpCheckRequest;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.ServerCheckSpec;
import dev.sluice.backend.ServerState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Health checks under the deadlock scenario's pressure, and against servers
 * that really die: a check never fails because the client pool is dry (its
 * buffers are its own), so no healthy server flaps; a dead server goes DOWN
 * within {@code fall} checks and comes back UP within {@code rise} once it
 * returns, and while it is DOWN no request is sent to it.
 */
class HealthCheckScenarioTest {
    private static final long INTER_MS = 20;
    private static final ServerCheckSpec OPTIONS = ServerCheckSpec.DEFAULTS.withInter(INTER_MS, 0, 0);

    /** {@code option httpchk GET /health}: every check exchanges HTTP through the check's own buffers. */
    private static final HealthCheckSpec HTTPCHK = CheckScripts.http(HttpCheckRequest.build("GET",
            SimHttpServerConnection.HEALTH_PATH, "HTTP/1.1", List.of(new HttpCheckRequest.Header("host", "sim")), null),
            List.of());

    @Test
    void noServerFlapsWhileTheDeadlockScenarioStarvesThePool(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            // 10 buffers, reserve 2, one server with maxconn 1, 200 keep-alive clients with bodies several buffers long.
            SimRun run = HttpDeadlockScenarioTest.seedWorkload().clients(200).pool(10, 2)
                    .healthChecks(HTTPCHK, OPTIONS).run(seed);
            System.out.println("checks under pressure " + run.summary() + "; checks " + run.checks.runs()
                    + " run, " + run.checks.passed() + " passed, " + run.checks.failed() + " failed");
            run.assertCompletedCleanly();
            HealthCheck check = run.checks.checks().get(0);
            long checkedMs = run.checksStoppedAt / 1_000_000L;
            // The next check starts inter after the last one ended, as HAProxy's: a check takes about a millisecond here.
            assertTrue(checkedMs > 1000 && check.runs() >= checkedMs / (INTER_MS + 2) - 1,
                    "only " + check.runs() + " checks in " + checkedMs + " ms");
            assertEquals(0, check.failed(), "a check failed under pressure: " + check.lastStatus());
            // The check in progress when the checks stopped ends without a verdict.
            assertTrue(check.passed() >= check.runs() - 1, check.passed() + " of " + check.runs() + " passed");
            assertEquals(List.of(), run.stateChanges, "a server changed state");
            // The pressure was real: the pool ran dry and sessions waited for buffers while the checks ran.
            dev.sluice.buffer.BufferPool pool = run.world.loops().get(0).pool();
            assertEquals(pool.size(), pool.peakInUse(), "the pool never ran dry");
            assertTrue(pool.counters().waits(dev.sluice.buffer.Criticality.NORMAL) > 100, "few sessions waited for a buffer");
            assertTrue(run.servers.get(0).healthRequests >= check.passed(), "checks were answered by the server");
        });
    }

    @Test
    void aServerThatDiesGoesDownWithinFallChecksAndComesBackUpWithinRiseChecksOnceItReturns(TestInfo test) {
        long diesAt = 300;
        long returnsAt = 700;
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.http().pool(10, 2).bufsize(1024).httpServer(1, 0, 0, 0)
                    .serverDownBetweenMillis(1, diesAt, returnsAt).clients(20).arrivalsWithinMillis(100)
                    .requests(1, 2).upload(100, 3000).download(100, 3000)
                    .healthChecks(HealthCheckSpec.TCP_CONNECT, OPTIONS).checksUntilMillis(1_000).run(seed);
            run.assertCompletedCleanly();
            List<SimRun.StateChange> changes = run.stateChanges;
            assertEquals(2, changes.size(), "expected DOWN then UP: " + changes);
            SimRun.StateChange down = changes.get(0);
            SimRun.StateChange up = changes.get(1);
            assertEquals("server1", down.change().server());
            assertEquals(ServerState.DOWN, down.change().to());
            assertEquals(ServerState.UP, up.change().to());
            // A check may have passed just before the death; the next fall ones fail. A refused connect takes a round trip.
            long slack = 2_000_000L;
            long downAfter = down.at() - diesAt * 1_000_000L;
            assertTrue(downAfter > 0 && downAfter <= OPTIONS.fall() * INTER_MS * 1_000_000L + slack,
                    "DOWN " + SimWorld.millis(downAfter) + " ms after the death; fall x inter is "
                            + OPTIONS.fall() * INTER_MS + " ms");
            long upAfter = up.at() - returnsAt * 1_000_000L;
            assertTrue(upAfter > 0 && upAfter <= OPTIONS.rise() * INTER_MS * 1_000_000L + slack,
                    "UP " + SimWorld.millis(upAfter) + " ms after the return; rise x inter is "
                            + OPTIONS.rise() * INTER_MS + " ms");
        });
    }

    @Test
    void whileAServerIsDownEveryRequestGoesToTheOthers(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            // server1 is dead from the start; checks find it at their first round, before any client arrives.
            SimRun run = SimScenario.http().pool(16, 2).bufsize(1024).httpServer(2, 0, 0, 0).deadServer(2)
                    .httpServer(0, 0, 0, 0).clients(200).arrivalsBetweenMillis(50, 150).requests(1, 3)
                    .upload(0, 2000).download(100, 4000).bodies(0.5, 0.2)
                    .healthChecks(HTTPCHK, OPTIONS).run(seed);
            run.assertCompletedCleanly();
            assertEquals(ServerState.DOWN, run.backends.get(0).servers().get(1).state());
            assertEquals(0, run.backends.get(0).servers().get(1).sessions(), "a request was sent to the dead server");
            assertEquals(0, run.servers.get(1).accepted);
        });
    }

    /** Two servers of maxconn 1, requests hashed by URI onto them, and the second dies while requests wait for it. */
    private static SimScenario hashedQueuesAndADeath(RetryPolicy retry) {
        return SimScenario.http().pool(32, 2).bufsize(1024).httpServer(1, 0, 0, 0).serverDownBetweenMillis(1, 100, 60_000)
                .balance(BalanceSpec.of(BalanceAlgorithm.URI)).retry(retry).clients(60).arrivalsWithinMillis(50)
                .requests(1, 2).upload(0, 2000).download(1000, 4000).bodies(0.5, 0).latencyMicros(2000, 4000)
                .healthChecks(HealthCheckSpec.TCP_CONNECT, OPTIONS);
    }

    @Test
    void requestsQueuedForAServerThatGoesDownAreSentToAnotherWithRedispatch(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = hashedQueuesAndADeath(RetryPolicy.DEFAULT.withRedispatch(RetryPolicy.LAST_RETRY)).run(seed);
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            Backend b = run.backends.get(0);
            assertEquals(ServerState.DOWN, b.servers().get(1).state());
            assertTrue(b.redispatched() > 0, "nothing waited for the server when it went down: " + run.summary());
            assertEquals(0, b.refused());
            assertEquals(null, run.sessionOutcomes().get(dev.sluice.session.SessionOutcome.NO_SERVER), run.summary());
        });
    }

    @Test
    void requestsQueuedForAServerThatGoesDownGet503WithoutRedispatch(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = hashedQueuesAndADeath(RetryPolicy.DEFAULT).run(seed);
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            Backend b = run.backends.get(0);
            assertTrue(b.refused() > 0, "nothing waited for the server when it went down: " + run.summary());
            assertEquals(0, b.redispatched());
            Integer refusedSessions = run.sessionOutcomes().get(dev.sluice.session.SessionOutcome.NO_SERVER);
            assertTrue(refusedSessions != null && refusedSessions > 0, run.summary());
        });
    }
}
