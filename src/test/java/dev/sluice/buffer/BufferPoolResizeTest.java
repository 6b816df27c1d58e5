package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A reload's new {@code tune.buffers.limit} resizes each loop's pool within
 * the arena carved at start: buffers in use never pass the larger of the two
 * sizes, a lowered size is reached as the holders give buffers back, and a
 * session completing its pair is still served meanwhile.
 */
class BufferPoolResizeTest {
    private final FakeClock clock = new FakeClock();

    private BufferPool pool(int count, int reserve) {
        return new BufferPool(count, 64, reserve, clock);
    }

    @Test
    void loweringRetiresFreeBuffersAtOnceAndTheRestAsTheyComeBack() {
        BufferPool p = pool(10, 2);
        List<Buffer> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(p.tryAllocate(Criticality.CRITICAL));
        }
        p.resize(4, 1);
        assertEquals(4, p.size());
        assertEquals(0, p.free(), "the two free buffers retired, and 4 more are owed");
        assertEquals(8, p.inUse());
        assertNull(p.tryAllocate(Criticality.CRITICAL), "nothing is lent while the pool is in debt");
        for (int i = 0; i < 4; i++) {
            p.release(held.remove(0));
            assertEquals(0, p.free());
            p.checkInvariants();
        }
        p.release(held.remove(0));
        assertEquals(1, p.free(), "the debt is paid: releases free buffers again");
        held.forEach(p::release);
        assertEquals(4, p.free());
        assertEquals(10, p.capacity());
        p.checkInvariants();
    }

    @Test
    void whileInDebtAReleaseGoesToASessionCompletingItsPair() {
        BufferPool p = pool(4, 1);
        Buffer a = p.tryAllocate(Criticality.URGENT);
        Buffer b = p.tryAllocate(Criticality.CRITICAL);
        Buffer c = p.tryAllocate(Criticality.CRITICAL);
        p.resize(2, 1);
        RecordingWaiter pair = new RecordingWaiter("pair");
        RecordingWaiter first = new RecordingWaiter("first");
        assertNull(p.allocateOrWait(Criticality.URGENT, first));
        assertNull(p.allocateOrWait(Criticality.CRITICAL, pair));
        p.release(a);
        assertSame(a, pair.received, "the CRITICAL waiter gets the buffer: it can finish");
        assertNull(first.received);
        p.release(b);
        assertNull(first.received, "no CRITICAL waiter: the release pays the debt");
        p.release(c);
        assertNull(first.received, "the debt is paid now, but in use is still at the new size");
        p.release(pair.received);
        assertNotNull(first.received, "below the new size, waiters are served again");
        p.checkInvariants();
    }

    @Test
    void raisingForgivesTheDebtThenBringsRetiredBuffersBackToTheWaiters() {
        BufferPool p = pool(6, 1);
        List<Buffer> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(p.tryAllocate(Criticality.CRITICAL));
        }
        p.resize(2, 1);
        RecordingWaiter w = new RecordingWaiter("w");
        assertNull(p.allocateOrWait(Criticality.URGENT, w));
        p.resize(6, 1);
        assertNotNull(w.received, "a retired buffer came back and went to the waiter");
        assertEquals(1, p.free());
        held.forEach(p::release);
        p.release(w.received);
        assertEquals(6, p.free());
        p.checkInvariants();
    }

    @Test
    void aSizeBeyondTheArenaIsRefused() {
        BufferPool p = pool(4, 1);
        assertThrows(IllegalArgumentException.class, () -> p.resize(5, 1));
        assertThrows(IllegalArgumentException.class, () -> p.resize(2, 2));
    }

    /**
     * Random allocations and releases around resizes: in use never passes the
     * larger of the old and the new size (the largest of the sizes since the
     * pool was last within its size, when reloads come faster than holders
     * give back).
     */
    @Test
    void inUseNeverPassesTheLargerOfTheOldAndTheNewSize() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            BufferPool p = pool(32, 2);
            List<Buffer> held = new ArrayList<>();
            int previous = 32;
            for (int step = 0; step < 2_000; step++) {
                int op = r.nextInt(10);
                if (op == 0) {
                    int next = 4 + r.nextInt(29);
                    previous = Math.max(previous, next);
                    p.resize(next, 2);
                } else if (op < 6 || held.isEmpty()) {
                    Buffer b = p.tryAllocate(Criticality.of(r.nextInt(3)));
                    if (b != null) {
                        held.add(b);
                    }
                } else {
                    p.release(held.remove(r.nextInt(held.size())));
                }
                assertTrue(p.inUse() <= previous, "seed " + seed + ": " + p.inUse() + " in use > " + previous);
                if (p.inUse() <= p.size()) {
                    previous = p.size();
                }
                p.checkInvariants();
            }
            held.forEach(p::release);
            assertEquals(p.size(), p.free(), "seed " + seed);
        }
    }
}
