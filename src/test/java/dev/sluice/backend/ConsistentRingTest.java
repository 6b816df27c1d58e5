package dev.sluice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The ring places HAProxy's points and finds the nearest one, either way round. */
class ConsistentRingTest {
    private final ConsistentRing ring = ConsistentRing.build(new int[] {1, 2, 3}, new int[] {1, 2, 1});

    @Test
    void eachServerOwnsSixteenPointsPerUnitOfWeightAtHaproxysPlaces() {
        assertEquals(16 * 4, ring.points());
        int[] owned = new int[3];
        for (int i = 0; i < ring.points(); i++) {
            owned[ring.ownerAt(i)]++;
            if (i > 0) {
                assertTrue(Integer.compareUnsigned(ring.keyAt(i - 1), ring.keyAt(i)) <= 0, "not in ring order at " + i);
            }
        }
        assertEquals(16, owned[0]);
        assertEquals(32, owned[1]);
        assertEquals(16, owned[2]);
        // Server id 2's first point: avalanche(2 * 4096 + 0).
        int key = HashFunction.avalanche(2 * 4096);
        boolean found = false;
        for (int i = 0; i < ring.points(); i++) {
            found |= ring.keyAt(i) == key && ring.ownerAt(i) == 1;
        }
        assertTrue(found);
    }

    @Test
    void aHashGoesToTheNearestPointOnEitherSide() {
        int checked = 0;
        for (int i = 0; i + 1 < ring.points(); i++) {
            int a = ring.keyAt(i);
            int b = ring.keyAt(i + 1);
            if (ring.ownerAt(i) == ring.ownerAt(i + 1) || Integer.compareUnsigned(b - a, 4) < 0) {
                continue;
            }
            assertEquals(ring.ownerAt(i), ring.lookup(a + 1, -1), "just after point " + i);
            assertEquals(ring.ownerAt(i + 1), ring.lookup(b - 1, -1), "just before point " + (i + 1));
            assertEquals(ring.ownerAt(i), ring.lookup(a, -1), "on point " + i);
            checked++;
        }
        assertTrue(checked > 10);
    }

    @Test
    void theRingWrapsAroundPastItsLastPoint() {
        int last = ring.keyAt(ring.points() - 1);
        int first = ring.keyAt(0);
        if (last != -1) {
            assertEquals(ring.ownerAt(ring.points() - 1), ring.lookup(last + 1, -1));
        }
        if (first != 0) {
            assertEquals(ring.ownerAt(0), ring.lookup(first - 1, -1));
        }
    }

    @Test
    void anAvoidedServerIsSkippedClockwise() {
        for (int i = 0; i + 1 < ring.points(); i++) {
            if (ring.ownerAt(i) != ring.ownerAt(i + 1)) {
                assertEquals(ring.ownerAt(i + 1), ring.lookup(ring.keyAt(i), ring.ownerAt(i)));
                return;
            }
        }
    }
}
