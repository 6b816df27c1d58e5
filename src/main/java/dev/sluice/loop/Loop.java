package dev.sluice.loop;

import dev.sluice.buffer.BufferPool;

/**
 * What a session sees of the loop that owns it: a clock, a run queue, timers,
 * a buffer pool and an inbox. Sessions know nothing else of the loop, so the
 * same session code runs on the NIO {@link EventLoop} and in the simulator.
 *
 * <p>Every method but {@link #execute(Runnable)} must be called on the loop's
 * own thread.
 */
public interface Loop {
    /** Index of this loop among the process's loops, from 0. */
    int id();

    Clock clock();

    BufferPool pool();

    /** Wakes a task: it will run once, soon, on this loop. */
    void schedule(Task task);

    /** Arms a timer for an absolute deadline on {@link #clock()}. */
    void arm(Timer timer, long deadlineNanos);

    void cancel(Timer timer);

    /** Thread-safe: runs {@code work} on this loop's thread, soon. */
    void execute(Runnable work);

    /** This loop's counters. */
    LoopCounters counters();

    /** A mark for {@link #polledSince}: taken now, it names the next poll for I/O. */
    default long pollMark() {
        return 0;
    }

    /**
     * Whether a whole poll for I/O, the handing out of what it found included,
     * has started and ended since {@code mark} was taken: any readiness that
     * existed at the mark has been reported by now. A loop that cannot tell
     * answers false, which is always safe.
     */
    default boolean polledSince(long mark) {
        return false;
    }
}
