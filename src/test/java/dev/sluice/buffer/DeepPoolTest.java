package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A pool deeper than a pair (a TLS record arena whose sessions speak TLS on
 * both sides and may hold four record buffers): its {@code URGENT} lanes,
 * each leaving as many buffers free as its number, are served in order, and
 * holders that ask in the lane of what they still need (lane {@code need - 1})
 * always finish, however many compete for the last buffers.
 */
class DeepPoolTest {
    private static final FakeClock CLOCK = new FakeClock();

    @Test
    void eachLaneLeavesItsNumberFreeAndCountsAsUrgent() {
        BufferPool pool = new BufferPool(null, 8, 16, 4, 3, CLOCK);
        assertEquals(4, pool.normalLane());
        List<Buffer> held = new ArrayList<>();
        // NORMAL leaves the reserve: 4 of 8.
        for (int i = 0; i < 4; i++) {
            held.add(pool.tryAllocateIn(pool.normalLane()));
        }
        assertNull(pool.tryAllocateIn(pool.normalLane()));
        Buffer three = pool.tryAllocateIn(3);
        assertNotNull(three, "lane 3 takes the fourth last, leaving three");
        assertEquals(Criticality.URGENT, three.allocatedAs());
        assertNull(pool.tryAllocateIn(3));
        assertNotNull(pool.tryAllocateIn(2));
        assertNull(pool.tryAllocateIn(2));
        assertNotNull(pool.tryAllocateIn(1));
        assertNull(pool.tryAllocateIn(1));
        Buffer last = pool.tryAllocateIn(0);
        assertEquals(Criticality.CRITICAL, last.allocatedAs());
        assertEquals(0, pool.free());
        pool.checkInvariants();
    }

    @Test
    void aReleaseGoesToTheLowestLaneThatMayTakeIt() {
        BufferPool pool = new BufferPool(null, 6, 16, 4, 3, CLOCK);
        List<Buffer> held = new ArrayList<>();
        while (pool.free() > 0) {
            held.add(pool.tryAllocateIn(0));
        }
        RecordingWaiter deep = new RecordingWaiter("deep");
        RecordingWaiter shallow = new RecordingWaiter("shallow");
        RecordingWaiter normal = new RecordingWaiter("normal");
        assertNull(pool.allocateOrWaitIn(3, deep));
        assertNull(pool.allocateOrWaitIn(pool.normalLane(), normal));
        assertNull(pool.allocateOrWaitIn(1, shallow));
        assertEquals(2, pool.waiting(Criticality.URGENT));
        pool.release(held.remove(0));
        assertTrue(deep.received == null && shallow.received == null, "one free: lane 0 only");
        pool.release(held.remove(0));
        assertNotNull(shallow.received, "two free: lane 1 goes first, though it queued last");
        assertNull(deep.received);
        pool.release(held.remove(0));
        pool.release(held.remove(0));
        pool.release(held.remove(0));
        assertNotNull(deep.received, "four free: lane 3");
        assertNull(normal.received);
        pool.checkInvariants();
    }

    /**
     * Sessions needing two or four buffers (TLS on one side or both) and
     * NORMAL readers compete for a small pool, each taking in the lane of its
     * remaining need and releasing everything once whole: every one of them
     * finishes, on every seed.
     */
    @Test
    void holdersThatAskForWhatTheyStillNeedAlwaysFinish() {
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int count = 5 + random.nextInt(8);
            BufferPool pool = new BufferPool(null, count, 16, 4, 3, CLOCK);
            List<Holder> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(new Holder(pool, random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? 2 : 4));
            }
            int steps = 0;
            while (all.stream().anyMatch(h -> !h.done)) {
                List<Holder> movable = all.stream().filter(h -> !h.done && !h.isWaiting()).toList();
                if (movable.isEmpty()) {
                    throw new AssertionError("seed " + seed + ": every holder waits, " + pool.free() + " of " + count
                            + " free: a deadlock");
                }
                movable.get(random.nextInt(movable.size())).step();
                pool.checkInvariants();
                assertTrue(++steps < 100_000, "seed " + seed + " does not end");
            }
            assertEquals(count, pool.free(), "seed " + seed);
        }
    }

    /** A holder that needs {@code need} buffers at once (0: a NORMAL reader that needs one, without a slot). */
    private static final class Holder extends BufferWaiter {
        private final BufferPool pool;
        private final int need;
        private final List<Buffer> held = new ArrayList<>();
        boolean done;

        Holder(BufferPool pool, int need) {
            this.pool = pool;
            this.need = need;
        }

        void step() {
            int wanted = need == 0 ? 1 : need;
            if (held.size() == wanted) {
                held.forEach(pool::release);
                held.clear();
                done = true;
                return;
            }
            int lane = need == 0 ? pool.normalLane() : need - 1 - held.size();
            Buffer b = pool.allocateOrWaitIn(lane, this);
            if (b != null) {
                held.add(b);
            }
        }

        @Override
        protected void onBuffer(Buffer buffer) {
            held.add(buffer);
        }
    }
}
