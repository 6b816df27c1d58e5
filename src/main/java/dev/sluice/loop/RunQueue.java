package dev.sluice.loop;

/**
 * A loop's FIFO of tasks to run, intrusive so that waking a task allocates
 * nothing. Tasks woken while the queue runs are run in the same pass, after
 * the ones already queued; a pass is bounded so that I/O is never starved.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class RunQueue {
    private Task head;
    private Task tail;
    private int size;
    private long runs;

    /** Queues the task unless it is already queued. */
    public void schedule(Task task) {
        if (task.queued) {
            return;
        }
        task.queued = true;
        task.nextQueued = null;
        if (tail == null) {
            head = task;
        } else {
            tail.nextQueued = task;
        }
        tail = task;
        size++;
    }

    /**
     * Runs queued tasks, including those queued while it runs, up to
     * {@code limit} runs. Returns how many ran.
     */
    public int runAll(int limit) {
        int ran = 0;
        while (head != null && ran < limit) {
            Task task = head;
            head = task.nextQueued;
            if (head == null) {
                tail = null;
            }
            task.nextQueued = null;
            task.queued = false;
            size--;
            ran++;
            runs++;
            task.run();
        }
        return ran;
    }

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }

    /** Every task run since start. */
    public long runs() {
        return runs;
    }
}
