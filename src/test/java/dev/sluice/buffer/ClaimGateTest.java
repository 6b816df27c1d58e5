package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim over two pools: admitted only with its whole set free in both, its
 * takes out of that set whatever the lanes say, what it gives back set aside
 * again until it ends, the rest of the pools' rules blind to it, and waiting
 * claims served in order as either pool frees buffers.
 */
class ClaimGateTest {
    private BufferPool plain;
    private BufferPool records;
    private ClaimGate gate;
    private final List<String> admittedLog = new ArrayList<>();

    @BeforeEach
    void pools() {
        FakeClock clock = new FakeClock();
        plain = new BufferPool(6, 64, 2, clock);
        records = new BufferPool(null, 8, 64, 4, 3, clock);
        gate = new ClaimGate(plain, records);
    }

    private BufferClaim claim(String name) {
        return gate.claim(() -> admittedLog.add(name));
    }

    private static RecordingWaiter waiterOf(BufferClaim c, String name) {
        RecordingWaiter w = new RecordingWaiter(name);
        w.claimWith(c);
        return w;
    }

    @Test
    void anAdmittedClaimTakesItsWholeSetWhateverTheLanesSay() {
        BufferClaim a = claim("a");
        assertTrue(a.admit(2, 4));
        assertEquals(2, plain.earmarked());
        assertEquals(4, records.earmarked());
        RecordingWaiter w = waiterOf(a, "a");
        // NORMAL would leave four records free: out of the claim it takes all four of its set.
        for (int i = 0; i < 4; i++) {
            assertNotNull(records.allocateOrWait(Criticality.NORMAL, w), "record " + i);
        }
        assertEquals(0, records.earmarked());
        assertEquals(4, a.held(1));
        assertEquals(4, records.counters().claimedTakes());
        // Beyond its set it is an ordinary taker again: NORMAL must leave the reserve of 4, and 4 are free.
        assertNull(records.allocateOrWait(Criticality.NORMAL, w));
        records.cancel(w);
        records.checkInvariants();
        plain.checkInvariants();
    }

    @Test
    void otherTakersSeeOnlyWhatIsNotSetAside() {
        BufferClaim a = claim("a");
        assertTrue(a.admit(2, 4));
        // Six plain buffers, two set aside: NORMAL (reserve 2) may take two, where it could take four.
        assertNotNull(plain.tryAllocate(Criticality.NORMAL));
        assertNotNull(plain.tryAllocate(Criticality.NORMAL));
        assertNull(plain.tryAllocate(Criticality.NORMAL));
        // URGENT leaves one free, CRITICAL may take the last: of the available ones, never of the claim's.
        assertNotNull(plain.tryAllocate(Criticality.URGENT));
        assertNull(plain.tryAllocate(Criticality.URGENT));
        assertNotNull(plain.tryAllocate(Criticality.CRITICAL));
        assertNull(plain.tryAllocate(Criticality.CRITICAL));
        assertEquals(2, plain.free());
        assertEquals(0, plain.available());
        // The claim still gets its two.
        RecordingWaiter w = waiterOf(a, "a");
        assertNotNull(plain.allocateOrWait(Criticality.URGENT, w));
        assertNotNull(plain.allocateOrWait(Criticality.CRITICAL, w));
        plain.checkInvariants();
    }

    @Test
    void aBufferGivenBackReturnsToTheClaimUntilItEnds() {
        BufferClaim a = claim("a");
        assertTrue(a.admit(1, 2));
        RecordingWaiter w = waiterOf(a, "a");
        Buffer b = plain.allocateOrWait(Criticality.URGENT, w);
        assertEquals(0, plain.earmarked());
        RecordingWaiter other = new RecordingWaiter("other");
        // Five free, reserve 2: three NORMAL takes, then the other waits.
        for (int i = 0; i < 3; i++) {
            assertNotNull(plain.allocateOrWait(Criticality.NORMAL, new RecordingWaiter("n" + i)));
        }
        assertNull(plain.allocateOrWait(Criticality.NORMAL, other));
        plain.release(b);
        // Back into the claim, not to the waiter: the claim's session may need it again.
        assertNull(other.received);
        assertEquals(1, plain.earmarked());
        a.end();
        // The claim ended: its set goes to the pool's rules, and so to the waiter (3 free, NORMAL leaves 2).
        assertEquals(0, plain.earmarked());
        assertNotNull(other.received);
        plain.checkInvariants();
    }

    @Test
    void buffersHeldBeforeAdmissionCountAgainstTheSet() {
        BufferClaim a = claim("a");
        RecordingWaiter w = waiterOf(a, "a");
        Buffer held = plain.allocateOrWait(Criticality.NORMAL, w);
        assertNotNull(held);
        assertEquals(1, a.held(0));
        assertTrue(a.admit(2, 2));
        // It holds one of its two already: one more is set aside.
        assertEquals(1, plain.earmarked());
        plain.release(held);
        // Given back while admitted, it returns to the set, which is whole again.
        assertEquals(2, plain.earmarked());
        a.end();
        assertEquals(0, plain.earmarked());
        assertEquals(0, a.held(0));
    }

    @Test
    void aClaimThatDoesNotFitWaitsAndIsAdmittedInOrderWhenEitherPoolFrees() {
        BufferClaim a = claim("a");
        BufferClaim b = claim("b");
        BufferClaim c = claim("c");
        assertTrue(a.admit(2, 4));
        // Four records left: b fits in the plain pool but not in the arena.
        assertFalse(b.admit(2, 6));
        assertTrue(b.waiting());
        // c would fit, but waits behind b: the queue is one FIFO.
        assertFalse(c.admit(1, 1));
        assertEquals(2, gate.waiting());
        a.end();
        assertEquals(List.of("b", "c"), admittedLog);
        assertTrue(b.admitted());
        assertTrue(c.admitted());
        assertEquals(3, plain.earmarked());
        assertEquals(7, records.earmarked());
        b.end();
        c.end();
        assertEquals(0, plain.earmarked());
        assertEquals(0, records.earmarked());
        assertEquals(3, gate.admissions());
        assertEquals(2, gate.waits());
        gate.checkInvariants();
    }

    @Test
    void aReleaseToTheFreeListAdmitsTheWaitingClaim() {
        RecordingWaiter n = new RecordingWaiter("n");
        List<Buffer> taken = new ArrayList<>();
        // NORMAL takes all but the reserve of 4: 4 records available.
        for (int i = 0; i < 4; i++) {
            taken.add(records.allocateOrWait(Criticality.NORMAL, n));
        }
        records.release(taken.remove(0));
        taken.add(records.tryAllocate(Criticality.CRITICAL));
        // Now 4 are held and 4 free; a set of 5 records waits.
        BufferClaim a = claim("a");
        assertFalse(a.admit(1, 5));
        records.release(taken.remove(0));
        assertEquals(List.of("a"), admittedLog);
        assertEquals(5, records.earmarked());
        a.end();
        records.checkInvariants();
    }

    @Test
    void aWaiterQueuedWhenItsClaimIsAdmittedIsServedOutOfTheClaimOnReclassification() {
        for (int i = 0; i < 4; i++) {
            assertNotNull(plain.tryAllocate(Criticality.NORMAL));
        }
        BufferClaim a = claim("a");
        RecordingWaiter w = waiterOf(a, "a");
        assertNull(plain.allocateOrWait(Criticality.NORMAL, w));
        assertTrue(a.admit(1, 0));
        // Same class, but the claim serves it now.
        Buffer b = plain.reclassify(w, Criticality.NORMAL);
        assertNotNull(b);
        assertFalse(w.isWaiting());
        assertEquals(1, a.held(0));
        plain.checkInvariants();
    }

    @Test
    void endingAWaitingClaimLeavesTheQueueAndLetsTheNextIn() {
        BufferClaim a = claim("a");
        BufferClaim b = claim("b");
        BufferClaim c = claim("c");
        assertTrue(a.admit(2, 4));
        assertFalse(b.admit(1, 8));
        assertFalse(c.admit(1, 5));
        b.end();
        assertFalse(b.waiting());
        // c is the head now, and still does not fit: a holds four of the eight records aside.
        assertEquals(List.of(), admittedLog);
        a.end();
        assertEquals(List.of("c"), admittedLog);
        c.end();
        assertEquals(0, gate.waiting());
        assertEquals(0, gate.admitted());
    }

    @Test
    void aShrinkingPoolKeepsWhatIsSetAside() {
        BufferClaim a = claim("a");
        assertTrue(a.admit(2, 0));
        plain.resize(3, 1);
        // Three circulate, two of them set aside for the claim.
        assertEquals(3, plain.free());
        assertEquals(2, plain.earmarked());
        RecordingWaiter w = waiterOf(a, "a");
        assertNotNull(plain.allocateOrWait(Criticality.URGENT, w));
        assertNotNull(plain.allocateOrWait(Criticality.URGENT, w));
        plain.checkInvariants();
    }
}
