package dev.sluice.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManyToOneArrayQueueTest {
    @Test
    void offersFailAndAreCountedOnceTheQueueIsFull() {
        ManyToOneArrayQueue<String> q = new ManyToOneArrayQueue<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer("e" + i));
        }
        assertFalse(q.offer("e4"), "a fifth element does not fit in four slots");
        assertFalse(q.offer("e5"));
        assertEquals(2, q.rejected());
        assertEquals(4, q.size());
        assertEquals("e0", q.poll());
        assertTrue(q.offer("e6"), "one polled element makes room for one");
        assertEquals(List.of("e1", "e2", "e3", "e6"), List.of(q.poll(), q.poll(), q.poll(), q.poll()));
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertEquals(2, q.rejected());
    }

    @Test
    void capacityMustBeAPowerOfTwoAndElementsNotNull() {
        assertThrows(IllegalArgumentException.class, () -> new ManyToOneArrayQueue<String>(3));
        assertThrows(IllegalArgumentException.class, () -> new ManyToOneArrayQueue<String>(1));
        assertThrows(NullPointerException.class, () -> new ManyToOneArrayQueue<String>(2).offer(null));
    }

    /** Against an ArrayDeque bounded by the same capacity, across many wraps of the array. */
    @Property(tries = 500)
    void behavesAsABoundedFifo(@ForAll @IntRange(min = 1, max = 4) int log2Capacity,
                               @ForAll @Size(max = 300) List<Boolean> offers) {
        int capacity = 1 << log2Capacity;
        ManyToOneArrayQueue<Integer> q = new ManyToOneArrayQueue<>(capacity);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        long refused = 0;
        int next = 0;
        for (boolean offer : offers) {
            if (offer) {
                boolean fits = model.size() < capacity;
                assertEquals(fits, q.offer(next));
                if (fits) {
                    model.addLast(next);
                } else {
                    refused++;
                }
                next++;
            } else {
                assertEquals(model.pollFirst(), q.poll());
            }
            assertEquals(model.size(), q.size());
            assertEquals(model.isEmpty(), q.isEmpty());
            assertEquals(refused, q.rejected());
        }
    }

    @Test
    void offerAndPollAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        ManyToOneArrayQueue<Runnable> q = new ManyToOneArrayQueue<>(64);
        Runnable r = () -> { };
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                while (q.offer(r)) {
                    // fill it, the last offer fails
                }
                while (q.poll() != null) {
                    // empty it
                }
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 6.5M offers and polls");
            }
        }
    }

    /**
     * Four producers race one consumer through a small queue: every element
     * arrives once, each producer's in the order it offered them, and every
     * refused offer was counted.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentProducersLoseAndDuplicateNothingAndKeepTheirOwnOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        ManyToOneArrayQueue<long[]> q = new ManyToOneArrayQueue<>(16);
        AtomicLong failedOffers = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        // Elements are preallocated so that the race, not the allocator, sets the pace.
        long[][][] elements = new long[producers][perProducer][];
        for (int p = 0; p < producers; p++) {
            for (int i = 0; i < perProducer; i++) {
                elements[p][i] = new long[] {p, i};
            }
        }
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads[p] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    while (!q.offer(elements[id][i])) {
                        failedOffers.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            });
            threads[p].start();
        }
        go.countDown();
        long[] nextExpected = new long[producers];
        long received = 0;
        while (received < (long) producers * perProducer) {
            long[] e = q.poll();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            int p = (int) e[0];
            assertEquals(nextExpected[p], e[1], "producer " + p + "'s elements out of order or duplicated");
            nextExpected[p]++;
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(q.poll(), "nothing beyond what was offered");
        assertTrue(q.isEmpty());
        assertEquals(failedOffers.get(), q.rejected(), "every refused offer is counted once");
    }
}
