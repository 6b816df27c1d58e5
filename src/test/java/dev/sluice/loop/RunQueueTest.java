package dev.sluice.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
