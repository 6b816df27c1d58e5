package dev.sluice.backend;

import java.util.Arrays;

/**
 * The consistent-hash ring of {@code hash-type consistent} (and of
 * {@code random}): each server owns 16 points per unit of weight, placed where
 * HAProxy places them, at {@code avalanche(id * 4096 + n)} for its n-th point,
 * {@code id} being its position in the backend counted from 1. A key goes to
 * the server owning the point nearest its hash, either way round the ring.
 * When a server leaves, its points go and only the keys nearest to them move.
 *
 * <p>Built when the set of UP servers or their weights change, never on a
 * request; {@link #lookup(int, int)} is a binary search and allocates nothing.
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class ConsistentRing {
    /** Points per unit of weight: HAProxy's weight scale. */
    static final int POINTS_PER_WEIGHT = 16;
    /** The point numbers one server may use: the largest weight (256) times the scale. */
    static final int POINT_RANGE = 256 * POINTS_PER_WEIGHT;

    /** Point keys, in unsigned order, each flipped by {@link Integer#MIN_VALUE} so that a signed search orders them. */
    private final int[] flipped;
    /** The owner of each point, as an index into the farm's candidates. */
    private final int[] owner;

    private ConsistentRing(int[] flipped, int[] owner) {
        this.flipped = flipped;
        this.owner = owner;
    }

    /**
     * @param ids     each candidate's position in its backend, from 1
     * @param weights each candidate's weight (0 to 256)
     */
    static ConsistentRing build(int[] ids, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w * POINTS_PER_WEIGHT;
        }
        // Flipped key in the high half (a signed sort then orders keys as unsigned), insertion order in the
        // low half: equal keys stay in server order, as HAProxy's tree keeps them.
        long[] points = new long[total];
        int[] ownerOf = new int[total];
        int n = 0;
        for (int c = 0; c < ids.length; c++) {
            for (int p = 0; p < weights[c] * POINTS_PER_WEIGHT; p++) {
                int key = HashFunction.avalanche(ids[c] * POINT_RANGE + p);
                points[n] = (long) (key ^ Integer.MIN_VALUE) << 32 | n;
                ownerOf[n] = c;
                n++;
            }
        }
        Arrays.sort(points);
        int[] flipped = new int[total];
        int[] owner = new int[total];
        for (int i = 0; i < total; i++) {
            flipped[i] = (int) (points[i] >> 32);
            owner[i] = ownerOf[(int) points[i]];
        }
        return new ConsistentRing(flipped, owner);
    }

    int points() {
        return flipped.length;
    }

    /**
     * The candidate owning the point nearest {@code hash}, or -1 on an empty
     * ring. Between the points just before and just after the hash, the one
     * before wins a tie. If it belongs to {@code avoid} (a candidate index, or
     * -1), the walk goes on clockwise to the first point of another server.
     */
    int lookup(int hash, int avoid) {
        int n = flipped.length;
        if (n == 0) {
            return -1;
        }
        int next = firstAtOrAfter(hash ^ Integer.MIN_VALUE);
        if (next == n) {
            next = 0;
        }
        int prev = next == 0 ? n - 1 : next - 1;
        int nextKey = flipped[next] ^ Integer.MIN_VALUE;
        int prevKey = flipped[prev] ^ Integer.MIN_VALUE;
        // Distances round the ring, as unsigned 32-bit differences.
        int before = hash - prevKey;
        int after = nextKey - hash;
        int at = Integer.compareUnsigned(before, after) <= 0 ? prev : next;
        for (int walked = 0; owner[at] == avoid && walked < n; walked++) {
            at = at + 1 == n ? 0 : at + 1;
        }
        return owner[at];
    }

    /** The key of the {@code index}-th point in ring order. */
    int keyAt(int index) {
        return flipped[index] ^ Integer.MIN_VALUE;
    }

    /** The owner of the {@code index}-th point in ring order. */
    int ownerAt(int index) {
        return owner[index];
    }

    private int firstAtOrAfter(int flippedKey) {
        int lo = 0;
        int hi = flipped.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (flipped[mid] < flippedKey) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
