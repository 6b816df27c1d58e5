package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Criticality;
import dev.sluice.session.HttpTimeouts;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionTimeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Time a request spends waiting for one of Sluice's own buffers is Sluice's,
 * never the client's: it does not count against {@code timeout http-request}.
 * Here 300 clients send complete requests at once through one slot and the
 * smallest pool, so most of them wait for a buffer far longer than the 50 ms
 * a head may take; every one of them must still be served, none answered 408.
 */
class HttpBufferWaitScenarioTest {
    @Test
    void aCompleteRequestWaitingForABufferIsNeverAnswered408(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.http()
                    .bufsize(1024)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .server(1)
                    .clients(300)
                    .requests(1, 1)
                    .download(2 * 1024, 4 * 1024)
                    .arrivalsWithinMillis(5)
                    .httpBehaviors(1, 0, 0, 0, 0, 0)
                    .timeouts(SessionTimeouts.ofMillis(60_000, 60_000, 5_000, 60_000))
                    .httpTimeouts(HttpTimeouts.ofMillis(50, 0))
                    .run(seed);
            System.out.println("buffer wait " + run.summary());
            run.assertCompletedCleanly();
            assertEquals(0, run.sessionOutcomes().getOrDefault(SessionOutcome.REQUEST_TIMEOUT, 0), run.summary());
            // The scenario means something only if heads really waited for buffers longer than the timeout.
            long normalWaitNanos = 0;
            for (SimLoop loop : run.world.loops()) {
                normalWaitNanos += loop.pool().counters().waitNanos(Criticality.NORMAL);
                assertTrue(loop.pool().counters().waits(Criticality.NORMAL) > 0, "no request waited for a buffer");
            }
            assertTrue(normalWaitNanos / run.clients.size() > 50_000_000L,
                    "requests waited " + normalWaitNanos / run.clients.size() / 1_000_000 + " ms on average");
        });
    }
}
