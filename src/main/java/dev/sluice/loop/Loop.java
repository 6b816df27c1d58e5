package dev.sluice.loop;

import dev.sluice.buffer.BufferPool;

/**
 * What a session sees of the loop that owns it: a clock, a run queue, timers,
 * a buffer pool, an inbox and a message list. Sessions know nothing else of
 * the loop, so the same session code runs on the NIO {@link EventLoop} and in
 * the simulator.
 *
 * <p>Every method but {@link #execute(Runnable)} and {@link #post(Message)}
 * must be called on the loop's own thread.
 */
public interface Loop {
    /** Index of this loop among the process's loops, from 0. */
    int id();

    Clock clock();

    BufferPool pool();

    /** Wakes a task: it will run once, soon, on this loop. */
    void schedule(Task task);

    /**
     * Wakes a task whose run costs far more than any I/O event's (a TLS
     * handshake's key exchange and signature): it runs once, soon, but a loop
     * may run only a few of them per poll for I/O, so that a burst of them
     * does not hold back the connections already at work. Here it is
     * {@link #schedule}; the NIO loop bounds it ({@code EventLoop.HEAVY_BUDGET}).
     * The task goes through this method only.
     */
    default void scheduleHeavy(Task task) {
        schedule(task);
    }

    /** Arms a timer for an absolute deadline on {@link #clock()}. */
    void arm(Timer timer, long deadlineNanos);

    void cancel(Timer timer);

    /**
     * Thread-safe: runs {@code work} on this loop's thread, soon, through the
     * loop's bounded inbox.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the inbox is
     *         full: {@code work} will not run, and the loop counted the refusal
     *         ({@link LoopCounters#inboxFull})
     */
    void execute(Runnable work);

    /**
     * Thread-safe: delivers {@code message} on this loop's thread, soon. Never
     * fails for lack of room and allocates nothing: the message is its own link
     * (see {@link Message} for why that is bounded).
     *
     * @throws IllegalStateException if {@code message} is already posted and not yet delivered
     */
    void post(Message message);

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
