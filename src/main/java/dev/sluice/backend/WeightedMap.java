package dev.sluice.backend;

/**
 * The table of {@code static-rr} and of map-based hashing: as many entries as
 * the candidates' total weight, each candidate appearing as often as its
 * weight, spread evenly. It is filled the way HAProxy fills its server map, so
 * that a hash taken modulo the total weight picks the same server in both:
 * each candidate earns its weight at every entry, and the one whose earnings,
 * counted in whole totals, are highest (the first one on a tie) takes the
 * entry and pays one total back.
 *
 * <p>Weights here are the configured ones divided by their greatest common
 * divisor, as in HAProxy, so the table stays small.
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class WeightedMap {
    /** Candidate indexes, one per unit of weight. */
    private final int[] entries;

    private WeightedMap(int[] entries) {
        this.entries = entries;
    }

    static WeightedMap build(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] entries = new int[total];
        int[] score = new int[weights.length];
        for (int o = 0; o < total; o++) {
            int best = -1;
            int max = 0;
            for (int c = 0; c < weights.length; c++) {
                if (weights[c] == 0) {
                    continue;
                }
                if (total == 1) {
                    best = c;
                    break;
                }
                score[c] += weights[c];
                int v = (score[c] + total) / total;
                if (best < 0 || v > max) {
                    max = v;
                    best = c;
                }
            }
            entries[o] = best;
            score[best] -= total;
        }
        return new WeightedMap(entries);
    }

    int size() {
        return entries.length;
    }

    /** The candidate at {@code hash} modulo the table's size (the hash taken as unsigned). */
    int forHash(int hash) {
        return entries[Integer.remainderUnsigned(hash, entries.length)];
    }

    int at(int index) {
        return entries[index];
    }
}
