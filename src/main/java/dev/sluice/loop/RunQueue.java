package dev.sluice.loop;

import dev.sluice.util.IntrusiveList;

/**
 * A loop's FIFO of tasks to run, an {@link IntrusiveList} of the tasks' own
 * links, so that waking a task allocates nothing. Tasks woken while the queue
 * runs are run in the same pass, after the ones already queued; a pass is
 * bounded so that I/O is never starved.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class RunQueue {
    private final IntrusiveList<Task> tasks = new IntrusiveList<>();
    private long runs;

    /**
     * Queues the task unless it is already queued here.
     *
     * @throws IllegalStateException if the task is queued on another loop's run queue
     */
    public void schedule(Task task) {
        if (!tasks.contains(task.queueLink)) {
            tasks.addLast(task.queueLink);
        }
    }

    /**
     * Runs queued tasks, including those queued while it runs, up to
     * {@code limit} runs. Returns how many ran.
     */
    public int runAll(int limit) {
        int ran = 0;
        Task task;
        while (ran < limit && (task = tasks.removeFirst()) != null) {
            ran++;
            runs++;
            task.run();
        }
        return ran;
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    public int size() {
        return tasks.size();
    }

    /** Every task run since start. */
    public long runs() {
        return runs;
    }
}
