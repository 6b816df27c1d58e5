package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.RetryPolicy;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Retries go through the same slots, queues and buffer classes as a new
 * request: under the smallest pool, with a server that refuses every
 * connection, one that resets its connections, and one slot each, requests
 * retried and redispatched neither deadlock nor leak, a session that says it
 * finished delivered every byte, and a request kept for a retry holds only
 * its own two buffers. The same holds for TCP sessions, whose client bytes
 * wait in the request buffer while the connection is tried again.
 */
class RetryScenarioTest {
    private static final RetryPolicy ALL = RetryPolicy.DEFAULT.withRetries(3).withRedispatch(RetryPolicy.LAST_RETRY)
            .withRetryOn(EnumSet.allOf(RetryPolicy.RetryOn.class), Set.of(500, 502, 503, 504));

    @Test
    void retriedAndRedispatchedRequestsUnderTheSmallestPoolNeitherDeadlockNorLeak(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.http()
                    .bufsize(1024)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .deadServer(1)
                    .server(1, 0, 0, 0.3)
                    .server(1)
                    .retry(ALL)
                    .clients(300)
                    .requests(1, 2)
                    .bodies(0.6, 0.3)
                    .upload(512, 3 * 1024)
                    .download(512, 3 * 1024)
                    .arrivalsWithinMillis(100)
                    .httpBehaviors(4, 1, 0, 0, 0, 0)
                    .run(seed);
            System.out.println("retries " + run.summary());
            run.assertNoDeadlock();
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            long retries = run.totalSessionCounters().retries();
            assertTrue(retries > 0, "nothing was retried: the scenario tests nothing it says");
            assertTrue(run.totalSessionCounters().redispatches() > 0, "nothing was redispatched");
        });
    }

    @Test
    void tcpSessionsRetriedAndRedispatchedUnderTheSmallestPoolNeitherDeadlockNorLeak(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.tcp()
                    .bufsize(1024)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .deadServer(1)
                    .server(4)
                    .server(4, 0, 0, 0.2)
                    .silentServer(1)
                    .retry(ALL)
                    .clients(200)
                    .upload(512, 3 * 1024)
                    .download(512, 3 * 1024)
                    .arrivalsWithinMillis(100)
                    .timeouts(dev.sluice.session.SessionTimeouts.ofMillis(0, 0, 50, 5_000))
                    .run(seed);
            System.out.println("tcp retries " + run.summary());
            run.assertNoDeadlock();
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            assertTrue(run.totalSessionCounters().retries() > 0, "nothing was retried");
            assertTrue(run.totalSessionCounters().redispatches() > 0, "nothing was redispatched");
            assertTrue(run.sessionOutcomes().getOrDefault(dev.sluice.session.SessionOutcome.DONE, 0) > 0, "nothing got through");
        });
    }
}
