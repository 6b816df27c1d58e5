package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.session.SessionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Exchanges that switch protocols become tunnels: they relay both ways, hold
 * their server slot to the end, and take their buffers under the TCP relay's
 * rule (URGENT for a direction's first buffer, CRITICAL for the one that
 * completes the pair). Mixed with ordinary requests through one slot and the
 * smallest pool, no tunnel and no request may deadlock, and every relayed byte
 * is the byte sent.
 */
class HttpTunnelScenarioTest {
    @Test
    void tunnelsAndRequestsThroughOneSlotAndTheSmallestPoolAllComplete(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.http()
                    .bufsize(1024)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .server(1)
                    .clients(300)
                    .requests(1, 2)
                    .download(1024, 4 * 1024)
                    .tunnels(0.4, 8, 6 * 1024)
                    .arrivalsWithinMillis(100)
                    .httpBehaviors(4, 1, 0, 0, 0, 0)
                    .run(seed);
            System.out.println("tunnels " + run.summary());
            run.assertCompletedCleanly();
            int tunnels = 0;
            for (SimClientEnd c : run.clients) {
                if (c instanceof SimClient && c.outcome() == SimClient.Outcome.COMPLETE) {
                    tunnels++;
                }
            }
            assertTrue(tunnels > 80, "only " + tunnels + " tunnels completed");
            assertTrue(run.sessionOutcomes().getOrDefault(SessionOutcome.DONE, 0) == 300, run.summary());
        });
    }

    @Test
    void tunnelsOnTwoLoopsWithSlowAndVanishingClientsLeakNothing(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = SimScenario.http()
                .loops(2)
                .bufsize(1024)
                .pool(2 * TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                .server(2)
                .clients(200)
                .download(512, 3 * 1024)
                .tunnels(0.5, 8, 8 * 1024)
                .behaviors(3, 2, 1, 0)
                .arrivalsWithinMillis(100)
                .run(seed);
            run.assertNoDeadlock();
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            long vanished = run.clients.stream().filter(c -> c.outcome() == SimClient.Outcome.VANISHED).count();
            assertTrue(vanished > 0, "no client vanished: the scenario tests nothing it says");
        });
    }
}
