package dev.sluice.loop;

import dev.sluice.util.IntrusiveList;

/**
 * Work that runs on a loop's run queue. A task is queued at most once at a
 * time: waking an already-queued task does nothing, so any number of events
 * between two runs cost one run.
 *
 * <p>Not thread-safe: woken and run only on its loop's thread. Other threads
 * go through {@link Loop#execute(Runnable)}.
 */
public abstract class Task {
    /** The task's place in its loop's {@link RunQueue}. */
    final IntrusiveList.Link<Task> queueLink = new IntrusiveList.Link<>(this);

    /** Does the work. Called only by {@link RunQueue#runAll(int)}. */
    protected abstract void run();

    /** True while this task waits in a run queue. */
    public final boolean isQueued() {
        return queueLink.isLinked();
    }
}
