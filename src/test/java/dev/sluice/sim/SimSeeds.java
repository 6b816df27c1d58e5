package dev.sluice.sim;

import java.util.function.LongConsumer;
import org.junit.jupiter.api.TestInfo;

/**
 * Runs a scenario body over seeds, and turns a failure into a message that
 * names the seed and the one command that replays it.
 *
 * <p>Seeds are {@code 1..N} by default (the test names N), so a plain build is
 * reproducible. {@code -Dsim.seeds=N} runs N seeds, {@code -Dsim.seedStart=K}
 * starts them at K, and {@code -Dsim.seed=S} replays seed S alone.
 */
final class SimSeeds {
    private SimSeeds() {
    }

    /** The seeds this run should use. */
    static long[] seeds(int defaultCount) {
        String one = System.getProperty("sim.seed");
        if (one != null && !one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        int count = Integer.getInteger("sim.seeds", defaultCount);
        long start = Long.getLong("sim.seedStart", 1L);
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = start + i;
        }
        return seeds;
    }

    /** Runs {@code body} once per seed; the first failure stops the test with its seed and replay command. */
    static void forEach(TestInfo test, int defaultCount, LongConsumer body) {
        for (long seed : seeds(defaultCount)) {
            try {
                body.accept(seed);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\n  replay: " + replay(test, seed), e);
            }
        }
    }

    static String replay(TestInfo test, long seed) {
        String cls = test.getTestClass().map(Class::getSimpleName).orElse("?");
        String method = test.getTestMethod().map(m -> "#" + m.getName()).orElse("");
        return "mvn -q test -Dtest=" + cls + method + " -Dsim.seed=" + seed;
    }
}
