package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three classes' margins and service order: only a pair-completing
 * CRITICAL allocation takes the last buffer, a slot holder's first buffer
 * (URGENT) leaves one, and NORMAL leaves the reserve.
 */
class CriticalityTest {
    private final BufferPool pool = new BufferPool(5, 1024, 2, () -> 0L);

    private List<Buffer> take(Criticality c, int n) {
        List<Buffer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pool.tryAllocate(c));
        }
        return out;
    }

    @Test
    void marginsAreZeroOneAndTheReserve() {
        assertEquals(0, Criticality.CRITICAL.margin(2));
        assertEquals(1, Criticality.URGENT.margin(2));
        assertEquals(2, Criticality.NORMAL.margin(2));
        assertEquals(0, Criticality.URGENT.margin(0), "a pool without reserve has no margin at all");
    }

    @Test
    void urgentLeavesTheLastBufferForCritical() {
        take(Criticality.NORMAL, 3);
        assertNull(pool.tryAllocate(Criticality.NORMAL), "NORMAL must leave the reserve of 2");
        assertNotNull(pool.tryAllocate(Criticality.URGENT));
        assertNull(pool.tryAllocate(Criticality.URGENT), "URGENT must leave one buffer");
        assertNotNull(pool.tryAllocate(Criticality.CRITICAL), "CRITICAL takes the last buffer");
        assertEquals(0, pool.free());
    }

    @Test
    void aReleasedBufferGoesToCriticalThenUrgentThenNormal() {
        List<Buffer> held = take(Criticality.CRITICAL, 5);
        RecordingWaiter normal = new RecordingWaiter("w");
        RecordingWaiter urgent = new RecordingWaiter("w");
        RecordingWaiter critical = new RecordingWaiter("w");
        assertNull(pool.allocateOrWait(Criticality.NORMAL, normal));
        assertNull(pool.allocateOrWait(Criticality.URGENT, urgent));
        assertNull(pool.allocateOrWait(Criticality.CRITICAL, critical));
        pool.release(held.get(0));
        assertSame(held.get(0), critical.received, "the CRITICAL waiter is served first");
        pool.release(held.get(1));
        assertNull(urgent.received, "with 1 free an URGENT waiter must wait: it would take the last buffer");
        pool.release(held.get(2));
        assertNotNull(urgent.received, "with 2 free the URGENT waiter gets one");
        pool.checkInvariants();
    }

    @Test
    void reclassifyingAWaiterServesItUnderItsNewClassWithoutCountingACancel() {
        take(Criticality.NORMAL, 3);
        RecordingWaiter w = new RecordingWaiter("w");
        assertNull(pool.allocateOrWait(Criticality.NORMAL, w));
        Buffer b = pool.reclassify(w, Criticality.URGENT);
        assertNotNull(b, "as URGENT it may take one of the 2 free buffers");
        assertEquals(0, pool.counters().cancels(Criticality.NORMAL));
        assertEquals(1, pool.counters().waits(Criticality.NORMAL));
        assertEquals(Criticality.URGENT, b.allocatedAs());
        pool.checkInvariants();
    }
}
