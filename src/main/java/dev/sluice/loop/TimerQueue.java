package dev.sluice.loop;

import java.util.Arrays;

/**
 * A loop's timers: a binary min-heap on deadline, with each timer's position
 * kept in the timer so that cancel and re-arm are O(log n) and allocate
 * nothing once the heap has grown to its working size.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class TimerQueue {
    private Timer[] heap = new Timer[64];
    private int size;

    /** Arms (or re-arms) the timer for an absolute deadline. */
    public void arm(Timer timer, long deadline) {
        if (timer.heapIndex >= 0) {
            long old = timer.deadline;
            timer.deadline = deadline;
            if (deadline < old) {
                siftUp(timer.heapIndex);
            } else {
                siftDown(timer.heapIndex);
            }
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.deadline = deadline;
        timer.heapIndex = size;
        heap[size++] = timer;
        siftUp(timer.heapIndex);
    }

    /** Disarms the timer; does nothing if it is not armed. */
    public void cancel(Timer timer) {
        int i = timer.heapIndex;
        if (i < 0) {
            return;
        }
        Timer last = heap[--size];
        heap[size] = null;
        timer.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /** Disarms every timer whose deadline is at or before {@code now} and schedules its task. Returns how many fired. */
    public int expire(long now, RunQueue runQueue) {
        int fired = 0;
        while (size > 0 && heap[0].deadline - now <= 0) {
            Timer t = heap[0];
            cancel(t);
            runQueue.schedule(t.task);
            fired++;
        }
        return fired;
    }

    /** The earliest deadline, or {@code Long.MAX_VALUE} when no timer is armed. */
    public long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    public int size() {
        return size;
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (p.deadline - t.deadline <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadline - c.deadline < 0) {
                child = right;
                c = heap[child];
            }
            if (t.deadline - c.deadline <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
