package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.LoopCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The seed's headline figure: session task runs per session under severe
 * memory pressure against the same workload with no pressure at all (the
 * seed saw 4.5M {@code process_session()} calls against 4.0M). Prints both,
 * per seed, for the measurement that compares wake policies.
 */
class TcpRunCountScenarioTest {
    @Test
    void smallestPoolAndUnconstrainedPoolBothCompleteAndTheirRunCountsArePrinted(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun constrained = TcpDeadlockScenarioTest.seedWorkload().pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            constrained.assertCompletedCleanly();
            // Two buffers per session and one spare: no allocation can ever wait.
            SimRun unconstrained = TcpDeadlockScenarioTest.seedWorkload().pool(2 * 1000 + 2, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            unconstrained.assertCompletedCleanly();

            BufferPool tight = constrained.world.loops().get(0).pool();
            BufferPool roomy = unconstrained.world.loops().get(0).pool();
            assertTrue(tight.counters().waits(Criticality.NORMAL) > 0, "the smallest pool never made a session wait");
            for (Criticality c : Criticality.values()) {
                assertEquals(0, roomy.counters().waits(c), "the unconstrained pool made a " + c + " allocation wait");
            }
            System.out.printf("run counts seed %d: smallest pool %.2f task runs/session (%s), unconstrained %.2f (%s), ratio %.3f%n",
                    seed, constrained.taskRunsPerSession(), retries(constrained), unconstrained.taskRunsPerSession(),
                    retries(unconstrained), constrained.taskRunsPerSession() / unconstrained.taskRunsPerSession());
        });
    }

    private static String retries(SimRun run) {
        LoopCounters c = run.totalLoopCounters();
        BufferPool pool = run.world.loops().get(0).pool();
        return "io retries " + c.ioRetries + ", " + c.ioRetriesProductive + " productive; waits NORMAL "
                + pool.counters().waits(Criticality.NORMAL) + ", CRITICAL " + pool.counters().waits(Criticality.CRITICAL)
                + "; peak in use " + pool.peakInUse();
    }
}
