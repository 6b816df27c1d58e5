package dev.sluice.net;

import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Clock;
import dev.sluice.loop.Loop;
import dev.sluice.loop.LoopCounters;
import dev.sluice.loop.Message;
import dev.sluice.loop.RunQueue;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;

/**
 * A loop for unit tests that a test drives by hand: its run queue, then its
 * heavy tasks ({@link #scheduleHeavy}), run when {@link #runQueued()} is called.
 */
final class MemoryLoop implements Loop {
    private final RunQueue queue = new RunQueue();
    private final RunQueue heavy = new RunQueue();
    private final LoopCounters counters = new LoopCounters();
    private final BufferPool pool;

    MemoryLoop(BufferPool pool) {
        this.pool = pool;
    }

    /** Runs what is queued; returns how many tasks ran. */
    int runQueued() {
        return queue.runAll(1000) + heavy.runAll(1000);
    }

    /** Heavy tasks waiting for {@link #runQueued()}. */
    int heavyQueued() {
        return heavy.size();
    }

    @Override
    public void scheduleHeavy(Task task) {
        heavy.schedule(task);
    }

    @Override
    public int id() {
        return 0;
    }

    @Override
    public Clock clock() {
        return Clock.SYSTEM;
    }

    @Override
    public BufferPool pool() {
        return pool;
    }

    @Override
    public void schedule(Task task) {
        queue.schedule(task);
    }

    @Override
    public void arm(Timer timer, long deadlineNanos) {
        throw new UnsupportedOperationException("no timers here");
    }

    @Override
    public void cancel(Timer timer) {
    }

    @Override
    public void execute(Runnable work) {
        work.run();
    }

    @Override
    public void post(Message message) {
        throw new UnsupportedOperationException("no messages here");
    }

    @Override
    public LoopCounters counters() {
        return counters;
    }
}
