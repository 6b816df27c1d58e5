package dev.sluice.sim;

import dev.sluice.buffer.BufferPool;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The simulated universe of one run: one seed, one virtual clock, one event
 * queue, and the loops that run Sluice's session code. Every random choice of
 * the run comes from {@link #random()}, and events at the same instant run in
 * the order they were scheduled, so a seed replays exactly.
 *
 * <p>A step mirrors one NIO loop iteration per loop (inbox, run queue, timers,
 * ready connections). The clock moves only when no loop has anything to do,
 * straight to the next event or timer deadline. The run fails loudly when a
 * loop spins (many iterations at one instant that move nothing), and reports a
 * deadlock when work is pending but nothing can ever move it.
 *
 * <p>Not thread-safe: a world runs on the test's thread alone.
 */
final class SimWorld {
    /** Why a run stopped. */
    enum Ending { FINISHED, DEADLOCK }

    /** Iterations at one instant that move no byte and close nothing before the run is declared a busy loop. */
    static final int SPIN_LIMIT = 50_000;

    private final long seed;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<SimLoop> loops = new ArrayList<>();
    private long now;
    private long sequence;
    /** Bytes read by any end plus connections closed: what counts as progress. */
    private long progress;
    private long lastProgress;
    private long lastProgressAt;
    private long iterations;
    private long eventsRun;
    private String deadlock;
    /** PROXY headers Sluice's server connections sent ({@code send-proxy}), and their bytes. */
    long preamblesSent;
    long preambleBytes;

    SimWorld(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    long seed() {
        return seed;
    }

    SplittableRandom random() {
        return random;
    }

    /** Virtual time in nanoseconds since the run began. */
    long now() {
        return now;
    }

    SimLoop addLoop(int poolSize, int bufferSize, int reserve) {
        SimLoop loop = new SimLoop(this, loops.size(), poolSize, bufferSize, reserve);
        loops.add(loop);
        return loop;
    }

    /** A loop with the pool {@code pools} makes for it (the comparison wake policies). */
    SimLoop addLoop(Function<SimLoop, BufferPool> pools) {
        SimLoop loop = new SimLoop(this, loops.size(), pools);
        loops.add(loop);
        return loop;
    }

    List<SimLoop> loops() {
        return loops;
    }

    /** Runs {@code action} at virtual time {@code time} (not before now), after everything already due then. */
    void at(long time, Runnable action) {
        events.add(new Event(Math.max(time, now), sequence++, action));
    }

    void after(long delayNanos, Runnable action) {
        at(now + delayNanos, action);
    }

    /** Something moved: bytes were read, or a connection closed. */
    void progressed(long amount) {
        progress += amount;
    }

    long iterations() {
        return iterations;
    }

    long eventsRun() {
        return eventsRun;
    }

    /** Why the last run was declared deadlocked, or null. */
    String deadlock() {
        return deadlock;
    }

    /**
     * Steps until {@code finished} holds and nothing is left to run, or until
     * no progress is possible. A stall is declared when pending work sees no
     * progress for {@code stallNanos} of virtual time; the run fails outright
     * past {@code limitNanos} or on a busy loop.
     */
    Ending run(BooleanSupplier finished, long stallNanos, long limitNanos) {
        int spin = 0;
        long spinMark = progress;
        lastProgressAt = now;
        while (true) {
            boolean did = runDueEvents();
            for (SimLoop loop : loops) {
                did |= loop.iterate();
            }
            iterations++;
            if (progress != lastProgress) {
                lastProgress = progress;
                lastProgressAt = now;
            }
            if (did) {
                if (progress != spinMark) {
                    spinMark = progress;
                    spin = 0;
                } else if (++spin > SPIN_LIMIT) {
                    throw new SimFailure("busy loop: " + SPIN_LIMIT + " iterations at t=" + millis(now)
                            + " ms moved nothing; " + describeLoops());
                }
                continue;
            }
            long next = nextTime();
            if (next == Long.MAX_VALUE) {
                if (finished.getAsBoolean()) {
                    return Ending.FINISHED;
                }
                deadlock = "quiescent at t=" + millis(now) + " ms: no event, no timer, nothing runnable; " + describeLoops();
                return Ending.DEADLOCK;
            }
            if (next - lastProgressAt > stallNanos && !finished.getAsBoolean()) {
                deadlock = "no progress from t=" + millis(lastProgressAt) + " ms to t=" + millis(next)
                        + " ms while work is pending; " + describeLoops();
                return Ending.DEADLOCK;
            }
            if (next > limitNanos) {
                throw new SimFailure("virtual time limit " + millis(limitNanos) + " ms passed; " + describeLoops());
            }
            now = next;
            spin = 0;
        }
    }

    private boolean runDueEvents() {
        boolean did = false;
        while (!events.isEmpty() && events.peek().time <= now) {
            events.poll().action.run();
            eventsRun++;
            did = true;
        }
        return did;
    }

    private long nextTime() {
        long next = events.isEmpty() ? Long.MAX_VALUE : events.peek().time;
        for (SimLoop loop : loops) {
            next = Math.min(next, loop.nextDeadline());
        }
        return next;
    }

    String describeLoops() {
        StringBuilder sb = new StringBuilder();
        for (SimLoop loop : loops) {
            sb.append(loop.describe()).append(' ');
        }
        return sb.toString().trim();
    }

    static String millis(long nanos) {
        return String.format("%.3f", nanos / 1e6);
    }

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
