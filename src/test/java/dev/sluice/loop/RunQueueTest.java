package dev.sluice.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunQueueTest {
    private final RunQueue queue = new RunQueue();
    private final List<String> ran = new ArrayList<>();

    private Task task(String name) {
        return new Task() {
            @Override
            protected void run() {
                ran.add(name);
            }
        };
    }

    @Test
    void runsTasksInTheOrderTheyWereWoken() {
        queue.schedule(task("a"));
        queue.schedule(task("b"));
        queue.schedule(task("c"));

        assertEquals(3, queue.runAll(100));
        assertEquals(List.of("a", "b", "c"), ran);
        assertTrue(queue.isEmpty());
    }

    @Test
    void wakingAQueuedTaskAgainCostsNoExtraRun() {
        Task a = task("a");
        queue.schedule(a);
        queue.schedule(a);
        queue.schedule(a);

        assertEquals(1, queue.size());
        assertEquals(1, queue.runAll(100));
        assertEquals(List.of("a"), ran);
        assertFalse(a.isQueued());
    }

    @Test
    void taskWokenWhileTheQueueRunsRunsInTheSamePassAfterTheOthers() {
        Task late = task("late");
        queue.schedule(new Task() {
            @Override
            protected void run() {
                ran.add("first");
                queue.schedule(late);
            }
        });
        queue.schedule(task("second"));

        assertEquals(3, queue.runAll(100));
        assertEquals(List.of("first", "second", "late"), ran);
    }

    @Test
    void aPassStopsAtItsLimitAndLeavesTheRestQueued() {
        for (int i = 0; i < 5; i++) {
            queue.schedule(task("t" + i));
        }

        assertEquals(2, queue.runAll(2));
        assertEquals(3, queue.size());
        assertEquals(3, queue.runAll(10));
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), ran);
        assertEquals(5, queue.runs());
    }

    @Test
    void aTaskMayWakeItselfForTheNextRun() {
        Task[] self = new Task[1];
        self[0] = new Task() {
            int runs;

            @Override
            protected void run() {
                ran.add("run" + runs);
                if (++runs < 3) {
                    queue.schedule(self[0]);
                }
            }
        };
        queue.schedule(self[0]);

        assertEquals(3, queue.runAll(100));
        assertEquals(List.of("run0", "run1", "run2"), ran);
    }

    @Test
    void aTaskQueuedOnOneLoopCannotBeQueuedOnAnother() {
        Task a = task("a");
        RunQueue otherLoop = new RunQueue();
        queue.schedule(a);
        assertThrows(IllegalStateException.class, () -> otherLoop.schedule(a));
        assertTrue(otherLoop.isEmpty());
        assertEquals(1, queue.runAll(10));
        otherLoop.schedule(a);
        assertEquals(1, otherLoop.size(), "once run, it may go anywhere");
    }

    @Test
    void schedulingAndRunningAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int[] count = new int[1];
        Task[] tasks = new Task[8];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = new Task() {
                @Override
                protected void run() {
                    count[0]++;
                }
            };
        }
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                for (Task t : tasks) {
                    queue.schedule(t);
                    queue.schedule(t);
                }
                queue.runAll(Integer.MAX_VALUE);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 800,000 wakeups and runs");
            }
        }
        assertEquals(3 * 8 * 100_000, count[0]);
    }
}
