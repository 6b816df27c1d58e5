package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.session.SessionOutcome;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.TestInfo;

/** The checks every fault scenario makes, over its seeds. */
final class SimChecks {
    private SimChecks() {
    }

    /**
     * Runs {@code scenario} over the seeds: no deadlock, no leak, outcomes that
     * agree, and no client that saw a clean end of stream in the middle of a
     * response (a failed exchange must reach the client as a reset). Returns
     * the session outcomes summed over the seeds, and prints them with the
     * clients' outcomes.
     */
    static Map<SessionOutcome, Integer> runChecked(TestInfo test, int seeds, SimScenario scenario) {
        Map<SessionOutcome, Integer> total = new EnumMap<>(SessionOutcome.class);
        Map<SimClient.Outcome, Integer> clients = new EnumMap<>(SimClient.Outcome.class);
        SimSeeds.forEach(test, seeds, seed -> {
            SimRun run = scenario.run(seed);
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            Integer truncated = run.clientOutcomes().get(SimClient.Outcome.TRUNCATED);
            if (truncated != null) {
                throw new SimFailure(truncated + " clients saw a clean end of stream before their whole response: "
                        + "a failed exchange must reach the client as a reset; " + run.summary());
            }
            run.sessionOutcomes().forEach((k, v) -> total.merge(k, v, Integer::sum));
            run.clientOutcomes().forEach((k, v) -> clients.merge(k, v, Integer::sum));
        });
        System.out.println(test.getDisplayName() + ": sessions " + total + ", clients " + clients);
        return total;
    }

    static void assertHappened(Map<SessionOutcome, Integer> outcomes, SessionOutcome expected) {
        assertTrue(outcomes.getOrDefault(expected, 0) > 0, "no session ended " + expected + ": " + outcomes);
    }

    /**
     * Runs, for each seed, a workload drawn from that seed (salted, so that the
     * draw and the run use different streams): no deadlock, no leak, outcomes
     * that agree.
     */
    static void drawnWorkloadsHold(TestInfo test, int seeds, long salt, Function<SplittableRandom, SimScenario> draw) {
        SimSeeds.forEach(test, seeds, seed -> {
            SimRun run = draw.apply(new SplittableRandom(seed ^ salt)).run(seed);
            run.assertNoLeaks();
            run.assertOutcomesAgree();
        });
    }

    /** Whether an open session holds a slot of {@code server}, for the census of a stuck world (the check is the session package's own). */
    static boolean uses(dev.sluice.session.Session session, dev.sluice.backend.Server server) {
        try {
            java.lang.reflect.Method m = dev.sluice.session.Session.class.getDeclaredMethod("uses", dev.sluice.backend.Server.class);
            m.setAccessible(true);
            return (boolean) m.invoke(session, server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
