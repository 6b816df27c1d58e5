package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The seed's deadlock: one server with {@code maxconn 1}, the smallest pool,
 * and many sessions whose requests and responses are several buffers long.
 * Sessions queued for the slot read their requests with NORMAL buffers; the
 * slot holder needs buffers to move its exchange forward.
 */
class TcpDeadlockScenarioTest {
    static final int BUFSIZE = 1024;

    /** The seed's workload: 1,000 sessions through one slot, uploads and downloads 3 to 6 buffers long. */
    static SimScenario seedWorkload() {
        return SimScenario.tcp()
                .bufsize(BUFSIZE)
                .server(1)
                .clients(1000)
                .upload(3 * BUFSIZE, 6 * BUFSIZE)
                .download(3 * BUFSIZE, 6 * BUFSIZE)
                .arrivalsWithinMillis(200)
                .behaviors(4, 1, 0, 0);
    }

    @Test
    void maxconnOneWithSmallestPoolCompletesEverySessionByteExact(TestInfo test) {
        SimSeeds.forEach(test, 8, seed -> {
            long t0 = System.nanoTime();
            SimRun run = seedWorkload().pool(3, 1).run(seed);
            System.out.println(run.summary() + " wall " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            run.assertCompletedCleanly();
        });
    }

    @Test
    void reserveZeroDeadlocksForSomeSeedAndTheSimulatorDetectsIt(TestInfo test) {
        int detected = 0;
        long[] seeds = SimSeeds.seeds(8);
        StringBuilder seen = new StringBuilder();
        for (long seed : seeds) {
            SimRun run = seedWorkload().pool(3, 0).run(seed);
            if (run.deadlocked()) {
                detected++;
                if (detected == 1) {
                    seen.append(run.world.deadlock());
                }
            } else {
                run.assertCompletedCleanly();
            }
        }
        System.out.println("reserve 0: deadlock detected for " + detected + " of " + seeds.length + " seeds; first: " + seen);
        assertTrue(detected > 0, "no deadlock with reserve 0 over " + seeds.length + " seeds");
    }
}
