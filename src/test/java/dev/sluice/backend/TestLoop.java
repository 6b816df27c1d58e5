package dev.sluice.backend;

import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Clock;
import dev.sluice.loop.LoopCore;
import java.util.ArrayDeque;

/** A loop turned by hand: its inbox runs when asked, its timers expire when time is moved. */
final class TestLoop extends LoopCore {
    private final int id;
    private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
    private final BufferPool pool;
    long now;

    TestLoop(int id) {
        this(id, null);
    }

    TestLoop(int id, BufferPool pool) {
        this.id = id;
        this.pool = pool;
    }

    /** Runs what other threads sent (work and posted messages: grants, refusals), then the run queue. */
    void runInbox() {
        while (!inbox.isEmpty()) {
            inbox.poll().run();
        }
        deliverMessages(t -> {
            throw new AssertionError("a posted message failed", t);
        });
        runQueue.runAll(Integer.MAX_VALUE);
    }

    @Override
    protected void messagePosted() {
        // Delivered by the next runInbox.
    }

    /** Grants and refusals posted and not delivered yet. */
    boolean messagesPending() {
        return hasMessages();
    }

    void advanceTo(long nanos) {
        now = nanos;
        timers.expire(now, runQueue);
        runQueue.runAll(Integer.MAX_VALUE);
        runInbox();
    }

    int inboxSize() {
        return inbox.size();
    }

    long nextDeadline() {
        return timers.nextDeadline();
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public Clock clock() {
        return () -> now;
    }

    @Override
    public BufferPool pool() {
        if (pool == null) {
            throw new UnsupportedOperationException("this test loop has no pool");
        }
        return pool;
    }

    @Override
    public void execute(Runnable work) {
        inbox.add(work);
    }
}
