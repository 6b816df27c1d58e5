package dev.sluice.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EventLoopTest {
    private BufferPool pool;
    private EventLoop loop;
    /** Written on the loop thread, read through {@link EventLoop#call}. */
    private final List<String> ran = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pool = new BufferPool(4, 1024, 1, System::nanoTime);
        loop = new EventLoop(7, pool);
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        loop.stop();
        assertEquals(pool.size(), pool.free());
    }

    /**
     * What ran, read on the loop once at least {@code n} tasks have run. A
     * {@code call()} right after scheduling may be served from the inbox before
     * the run queue's pass, so the reading waits (bounded) for the pass.
     */
    private List<String> ranOnceAtLeast(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> seen = loop.call(() -> List.copyOf(ran));
        while (seen.size() < n && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
            seen = loop.call(() -> List.copyOf(ran));
        }
        return seen;
    }

    private Task recording(String name) {
        return new Task() {
            @Override
            protected void run() {
                ran.add(name);
            }
        };
    }

    @Test
    void loopThreadIsNamedAfterItsId() {
        assertEquals("sluice-loop-7", loop.call(() -> Thread.currentThread().getName()));
    }

    @Test
    void scheduledTasksRunInFifoOrder() throws Exception {
        loop.call(() -> {
            loop.schedule(recording("a"));
            loop.schedule(recording("b"));
            loop.schedule(recording("c"));
            return null;
        });
        assertEquals(List.of("a", "b", "c"), ranOnceAtLeast(3));
    }

    @Test
    void heavyTasksRunOnePerPollAfterTheOrdinaryOnes() throws Exception {
        List<Long> heavyPolls = new ArrayList<>();
        loop.call(() -> {
            for (int i = 0; i < 3; i++) {
                String name = "heavy" + i;
                loop.scheduleHeavy(new Task() {
                    @Override
                    protected void run() {
                        heavyPolls.add(loop.pollMark());
                        ran.add(name);
                    }
                });
            }
            loop.schedule(recording("light"));
            return null;
        });
        assertEquals(List.of("light", "heavy0", "heavy1", "heavy2"), ranOnceAtLeast(4));
        List<Long> polls = loop.call(() -> List.copyOf(heavyPolls));
        // A poll for I/O (a non-blocking one) between each two: none waits behind the others' work.
        assertTrue(polls.get(0) < polls.get(1) && polls.get(1) < polls.get(2), "polls at the heavy runs: " + polls);
    }

    @Test
    void eachWakeWhileQueuedCostsOneRun() throws Exception {
        long before = loop.call(loop::taskRuns);
        loop.call(() -> {
            Task a = recording("a");
            loop.schedule(a);
            loop.schedule(a);
            loop.schedule(a);
            return null;
        });
        assertEquals(List.of("a"), ranOnceAtLeast(1));
        assertEquals(before + 1, loop.call(loop::taskRuns));
    }

    @Test
    void aLongRunQueueDoesNotStarveTheInbox() throws Exception {
        CountDownLatch inboxRan = new CountDownLatch(1);
        loop.call(() -> {
            // A task that wakes itself forever: only the pass budget lets the inbox in.
            Task spinner = new Task() {
                @Override
                protected void run() {
                    if (inboxRan.getCount() > 0) {
                        loop.schedule(this);
                    }
                }
            };
            loop.schedule(spinner);
            return null;
        });
        loop.execute(inboxRan::countDown);
        assertTrue(inboxRan.await(5, TimeUnit.SECONDS));
    }

    @Test
    void timersFireInDeadlineOrderAndCancelledOnesNever() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        loop.call(() -> {
            long now = loop.clock().nanoTime();
            Timer late = new Timer(recording("late"));
            Timer early = new Timer(recording("early"));
            Timer cancelled = new Timer(recording("cancelled"));
            Timer last = new Timer(new Task() {
                @Override
                protected void run() {
                    done.countDown();
                }
            });
            loop.arm(late, now + TimeUnit.MILLISECONDS.toNanos(60));
            loop.arm(cancelled, now + TimeUnit.MILLISECONDS.toNanos(40));
            loop.arm(early, now + TimeUnit.MILLISECONDS.toNanos(20));
            loop.arm(last, now + TimeUnit.MILLISECONDS.toNanos(150));
            loop.cancel(cancelled);
            return null;
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("early", "late"), ranOnceAtLeast(2));
    }

    @Test
    void timerDoesNotFireBeforeItsDeadline() throws Exception {
        long[] firedAt = new long[1];
        CountDownLatch done = new CountDownLatch(1);
        long armedAt = loop.call(() -> {
            long now = loop.clock().nanoTime();
            loop.arm(new Timer(new Task() {
                @Override
                protected void run() {
                    firedAt[0] = loop.clock().nanoTime();
                    done.countDown();
                }
            }), now + TimeUnit.MILLISECONDS.toNanos(50));
            return now;
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(firedAt[0] - armedAt >= TimeUnit.MILLISECONDS.toNanos(50), "fired after " + (firedAt[0] - armedAt) + " ns");
    }

    @Test
    void executeFromAnotherThreadRunsOnTheLoopThread() throws Exception {
        Thread[] ranOn = new Thread[1];
        CountDownLatch done = new CountDownLatch(1);
        Thread sender = new Thread(() -> loop.execute(() -> {
            ranOn[0] = Thread.currentThread();
            done.countDown();
        }));
        sender.start();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals("sluice-loop-7", ranOn[0].getName());
        assertTrue(loop.call(loop::inLoop));
        assertFalse(loop.inLoop());
    }

    @Test
    void executeWhileTheLoopIsAwakeSendsNoWakeup() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            await(release);
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        long wakeupsWhileBusy = loop.wakeups();
        CountDownLatch all = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            loop.execute(all::countDown);
        }
        assertEquals(wakeupsWhileBusy, loop.wakeups());
        release.countDown();
        assertTrue(all.await(5, TimeUnit.SECONDS));
    }

    @Test
    void executeWakesASleepingLoop() throws Exception {
        // An armed timer far away makes sure the loop would otherwise sleep for a minute.
        loop.call(() -> {
            loop.arm(new Timer(recording("never")), loop.clock().nanoTime() + TimeUnit.MINUTES.toNanos(1));
            return null;
        });
        Thread.sleep(50);
        long before = loop.wakeups();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(done::countDown);
        assertTrue(done.await(2, TimeUnit.SECONDS));
        assertEquals(before + 1, loop.wakeups());
    }

    @Test
    void aThrowingTaskIsCountedAndTheLoopGoesOn() throws Exception {
        loop.call(() -> {
            loop.schedule(new Task() {
                @Override
                protected void run() {
                    throw new IllegalStateException("task failure on purpose");
                }
            });
            loop.schedule(recording("after"));
            return null;
        });
        loop.execute(() -> {
            throw new IllegalStateException("inbox failure on purpose");
        });
        assertEquals(List.of("after"), ranOnceAtLeast(1));
        assertEquals(2, loop.errors());
        assertTrue(loop.call(() -> Thread.currentThread().isAlive()));
    }

    @Test
    void callFromTheLoopThreadIsRefused() {
        Throwable refused = loop.call(() -> {
            try {
                loop.call(() -> 1);
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertTrue(refused instanceof IllegalStateException);
    }

    @Test
    void callReportsTheWorksFailure() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.call(() -> {
            throw new java.io.IOException("boom");
        }));
        assertEquals("boom", e.getCause().getMessage());
    }

    @Test
    void stopRunsTheCloseHookOnTheLoopThreadAndEndsIt() throws Exception {
        BufferPool other = new BufferPool(2, 64, 0, System::nanoTime);
        EventLoop stopping = new EventLoop(3, other);
        Thread[] hookThread = new Thread[1];
        stopping.onClose(() -> hookThread[0] = Thread.currentThread());
        stopping.start();
        Thread loopThread = stopping.call(Thread::currentThread);

        stopping.stop();

        assertSame(loopThread, hookThread[0]);
        assertFalse(loopThread.isAlive());
        assertThrows(IllegalStateException.class, () -> stopping.call(() -> 1));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks the loop's thread inside an inbox item until {@code release} opens; returns once it is blocked. */
    private void blockLoop(CountDownLatch release) throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            await(release);
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aFullInboxRefusesWorkCountsItAndRunsWhatItTook() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blockLoop(release);
        CountDownLatch taken = new CountDownLatch(EventLoop.INBOX_CAPACITY);
        for (int i = 0; i < EventLoop.INBOX_CAPACITY; i++) {
            loop.execute(taken::countDown);
        }
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> loop.execute(() -> ran.add("refused")));
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> loop.execute(() -> ran.add("refused")));
        release.countDown();
        assertTrue(taken.await(5, TimeUnit.SECONDS), "every item the inbox took runs");
        assertEquals(2, loop.call(() -> loop.counters().inboxFull), "both refusals are counted on the loop");
        assertEquals(List.of(), loop.call(() -> List.copyOf(ran)), "refused work never runs");
    }

    @Test
    void callFailsClearlyWhenTheInboxIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blockLoop(release);
        CountDownLatch drained = new CountDownLatch(EventLoop.INBOX_CAPACITY);
        for (int i = 0; i < EventLoop.INBOX_CAPACITY; i++) {
            loop.execute(drained::countDown);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.call(() -> 1));
        assertTrue(e.getCause() instanceof java.util.concurrent.RejectedExecutionException, e.toString());
        release.countDown();
        assertTrue(drained.await(5, TimeUnit.SECONDS));
        assertEquals(1, loop.call(() -> 1), "once drained, the loop answers again");
    }

    /** A message that records the thread it ran on. */
    private static final class Probe extends Message {
        final CountDownLatch delivered = new CountDownLatch(1);
        volatile Thread ranOn;

        @Override
        protected void deliver() {
            ranOn = Thread.currentThread();
            delivered.countDown();
        }
    }

    @Test
    void aPostedMessageRunsOnTheLoopEvenWhenTheInboxIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blockLoop(release);
        for (int i = 0; i < EventLoop.INBOX_CAPACITY; i++) {
            loop.execute(() -> { });
        }
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> loop.execute(() -> { }));
        Probe probe = new Probe();
        loop.post(probe);
        assertTrue(probe.isPending());
        assertThrows(IllegalStateException.class, () -> loop.post(probe), "a message is pending at most once");
        release.countDown();
        assertTrue(probe.delivered.await(5, TimeUnit.SECONDS));
        assertEquals("sluice-loop-7", probe.ranOn.getName());
        assertFalse(probe.isPending());
    }

    @Test
    void postWakesASleepingLoop() throws Exception {
        loop.call(() -> {
            loop.arm(new Timer(recording("never")), loop.clock().nanoTime() + TimeUnit.MINUTES.toNanos(1));
            return null;
        });
        Thread.sleep(50);
        Probe probe = new Probe();
        Thread poster = new Thread(() -> loop.post(probe));
        poster.start();
        assertTrue(probe.delivered.await(2, TimeUnit.SECONDS), "the post woke the loop from a one-minute sleep");
        poster.join();
    }

    /** Lingering closes are bounded per loop: past the bound a connection closes at once. */
    @Test
    void lingeringClosesAreBoundedPerLoop() {
        for (int i = 0; i < EventLoop.MAX_LINGERING; i++) {
            assertTrue(loop.startLingering(), "place " + i);
        }
        assertFalse(loop.startLingering());
        loop.endLingering();
        assertTrue(loop.startLingering());
    }
}
