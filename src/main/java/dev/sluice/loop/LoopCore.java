package dev.sluice.loop;

/**
 * What every {@link Loop} shares, whatever drives it (the NIO
 * {@link EventLoop}, the simulator's loop, a test's hand-turned one): the run
 * queue that {@link #schedule} fills, the timers that {@link #arm} and
 * {@link #cancel} keep, the loop's counters, and the count of polls for I/O
 * behind {@link #pollMark()} and {@link #polledSince(long)}. The subclass runs
 * the queue, expires the timers and calls {@link #pollStarted()} and
 * {@link #pollEnded()} around each poll.
 *
 * <p>Not thread-safe, as {@link Loop}'s methods but {@code execute}.
 */
public abstract class LoopCore implements Loop {
    protected final RunQueue runQueue = new RunQueue();
    protected final TimerQueue timers = new TimerQueue();
    protected final LoopCounters counters = new LoopCounters();
    private long pollsStarted;
    private long pollsDone;

    @Override
    public final void schedule(Task task) {
        runQueue.schedule(task);
    }

    @Override
    public final void arm(Timer timer, long deadlineNanos) {
        timers.arm(timer, deadlineNanos);
    }

    @Override
    public final void cancel(Timer timer) {
        timers.cancel(timer);
    }

    @Override
    public final LoopCounters counters() {
        return counters;
    }

    @Override
    public final long pollMark() {
        return pollsStarted;
    }

    @Override
    public final boolean polledSince(long mark) {
        return pollsDone > mark;
    }

    /** A poll for I/O begins: a mark taken from now on names a later poll. */
    protected final void pollStarted() {
        pollsStarted++;
    }

    /** The poll that began last has ended, and what it found has been handed out. */
    protected final void pollEnded() {
        pollsDone = pollsStarted;
    }
}
