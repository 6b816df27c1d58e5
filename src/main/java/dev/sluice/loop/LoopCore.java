package dev.sluice.loop;

import java.util.function.Consumer;

/**
 * What every {@link Loop} shares, whatever drives it (the NIO
 * {@link EventLoop}, the simulator's loop, a test's hand-turned one): the run
 * queue that {@link #schedule} fills, the timers that {@link #arm} and
 * {@link #cancel} keep, the messages that {@link #post} collects, the loop's
 * counters, and the count of polls for I/O behind {@link #pollMark()} and
 * {@link #polledSince(long)}. The subclass runs the queue, delivers the
 * messages, expires the timers and calls {@link #pollStarted()} and
 * {@link #pollEnded()} around each poll.
 *
 * <p>Not thread-safe, as {@link Loop}'s methods but {@code execute} and {@code post}.
 */
public abstract class LoopCore implements Loop {
    protected final RunQueue runQueue = new RunQueue();
    protected final TimerQueue timers = new TimerQueue();
    protected final LoopCounters counters = new LoopCounters();
    private final PostedMessages messages = new PostedMessages();
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
    public final void post(Message message) {
        messages.post(message);
        messagePosted();
    }

    /**
     * A message was just posted, maybe from another thread: a loop that may be
     * asleep wakes up to deliver it. Called on the posting thread.
     */
    protected abstract void messagePosted();

    /**
     * Delivers the messages posted so far, oldest first (those posted meanwhile
     * wait for the next call). A message that throws goes to {@code failed}.
     * Returns how many were delivered. The loop's thread only.
     */
    protected final int deliverMessages(Consumer<Throwable> failed) {
        return messages.deliverAll(failed);
    }

    /** True when a message waits for delivery. Any thread. */
    protected final boolean hasMessages() {
        return !messages.isEmpty();
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
