package dev.sluice.loop;

/**
 * A deadline that, when it passes, wakes a task. The task itself decides what
 * expired (it compares its own deadlines with the clock), so a timer carries
 * no callback and re-arming one allocates nothing.
 *
 * <p>Not thread-safe: armed and cancelled only on its loop's thread.
 */
public final class Timer {
    final Task task;
    long deadline;
    /** Position in the timer heap, or -1 when not armed. */
    int heapIndex = -1;

    public Timer(Task task) {
        this.task = task;
    }

    public boolean isArmed() {
        return heapIndex >= 0;
    }

    /** The deadline in clock nanoseconds; meaningful only while armed. */
    public long deadline() {
        return deadline;
    }
}
