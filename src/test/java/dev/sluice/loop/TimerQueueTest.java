package dev.sluice.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TimerQueueTest {
    private final TimerQueue timers = new TimerQueue();
    private final RunQueue runQueue = new RunQueue();
    private final List<Integer> fired = new ArrayList<>();

    private Timer timer(int name) {
        return new Timer(new Task() {
            @Override
            protected void run() {
                fired.add(name);
            }
        });
    }

    @Test
    void timersFireInDeadlineOrderNotArmingOrder() {
        timers.arm(timer(3), 300);
        timers.arm(timer(1), 100);
        timers.arm(timer(2), 200);

        assertEquals(3, timers.expire(1_000, runQueue));
        runQueue.runAll(100);
        assertEquals(List.of(1, 2, 3), fired);
        assertEquals(0, timers.size());
    }

    @Test
    void onlyTimersAtOrBeforeNowExpire() {
        Timer early = timer(1);
        Timer late = timer(2);
        timers.arm(early, 100);
        timers.arm(late, 200);

        assertEquals(1, timers.expire(100, runQueue));
        assertFalse(early.isArmed());
        assertTrue(late.isArmed());
        assertEquals(200, timers.nextDeadline());
    }

    @Test
    void cancelledTimerNeverFires() {
        Timer a = timer(1);
        Timer b = timer(2);
        timers.arm(a, 100);
        timers.arm(b, 200);
        timers.cancel(a);
        timers.cancel(a);

        timers.expire(1_000, runQueue);
        runQueue.runAll(100);
        assertEquals(List.of(2), fired);
    }

    @Test
    void reArmingMovesTheDeadlineBothWays() {
        Timer a = timer(1);
        Timer b = timer(2);
        timers.arm(a, 100);
        timers.arm(b, 200);
        timers.arm(a, 300);
        assertEquals(200, timers.nextDeadline());
        timers.arm(a, 50);
        assertEquals(50, timers.nextDeadline());
        assertEquals(2, timers.size());
    }

    @Test
    void deadlinesCompareAcrossTheNanoTimeWrap() {
        timers.arm(timer(2), Long.MIN_VALUE + 10);
        timers.arm(timer(1), Long.MAX_VALUE - 10);

        assertEquals(1, timers.expire(Long.MAX_VALUE, runQueue));
        runQueue.runAll(100);
        assertEquals(List.of(1), fired);
    }

    @Test
    void emptyQueueHasNoNextDeadline() {
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
    }

    /** Any mix of arm, re-arm and cancel fires exactly the armed timers, in deadline order. */
    @Property(tries = 200)
    void firesExactlyTheArmedTimersInDeadlineOrder(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 3 * 40_000) Integer> operations) {
        TimerQueue queue = new TimerQueue();
        RunQueue run = new RunQueue();
        List<Integer> order = new ArrayList<>();
        Timer[] pool = new Timer[40];
        for (int i = 0; i < pool.length; i++) {
            int name = i;
            pool[i] = new Timer(new Task() {
                @Override
                protected void run() {
                    order.add(name);
                }
            });
        }
        Map<Integer, Long> armed = new HashMap<>();
        for (int op : operations) {
            int t = op % pool.length;
            long deadline = (op / pool.length) % 1_000;
            if (op / (pool.length * 1_000) == 2) {
                queue.cancel(pool[t]);
                armed.remove(t);
            } else {
                queue.arm(pool[t], deadline);
                armed.put(t, deadline);
            }
        }
        assertEquals(armed.size(), queue.size());

        long now = 0;
        List<Long> firedDeadlines = new ArrayList<>();
        while (queue.size() > 0) {
            now = queue.nextDeadline();
            int before = order.size();
            queue.expire(now, run);
            run.runAll(Integer.MAX_VALUE);
            for (int i = before; i < order.size(); i++) {
                firedDeadlines.add(now);
            }
        }
        List<Integer> expected = new ArrayList<>(armed.keySet());
        expected.sort(Comparator.comparingLong(armed::get));
        assertEquals(expected.size(), order.size());
        assertEquals(new HashSet<>(expected), new HashSet<>(order));
        for (int i = 0; i < order.size(); i++) {
            assertEquals(armed.get(order.get(i)), firedDeadlines.get(i));
        }
    }
}
