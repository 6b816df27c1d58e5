package dev.sluice.backend;

import java.util.SplittableRandom;

/**
 * One loop's state for choosing servers of one backend: the smooth weighted
 * round robin's running scores, the {@code static-rr} and {@code leastconn}
 * cursors, and the random source of {@code random}. Each loop has its own, so
 * choosing takes no lock and shares no cache line; each loop's sequence is
 * smooth and weighted, and so is their sum.
 *
 * <p>Not thread-safe: used only on its loop's thread.
 */
final class Chooser {
    /** Smooth weighted round robin: each server's running score, by position in the backend. */
    long[] score;
    int mapCursor;
    int rotation;
    final SplittableRandom random;

    Chooser(int servers, long seed) {
        this.score = new long[servers];
        this.random = new SplittableRandom(seed);
    }

    /** A server added at run time has a position past the scores made so far: they grow, rarely. */
    void fit(Farm farm) {
        if (score.length < farm.positions()) {
            score = java.util.Arrays.copyOf(score, farm.positions());
        }
    }

    /**
     * Smooth weighted round robin among candidates that have room (nginx's
     * scheme): each earns its weight, the richest wins and pays the total
     * back. A server is skipped while full, earning nothing, so that it does
     * not come back with a burst. {@code avoid} is taken only if nothing else can be.
     *
     * @return a candidate index, or -1 when every candidate is full
     */
    int roundRobin(Farm farm, int avoid) {
        fit(farm);
        Server[] c = farm.candidates;
        int best = -1;
        long total = 0;
        for (int i = 0; i < c.length; i++) {
            if (i == avoid || c[i].isFull()) {
                continue;
            }
            int w = farm.weights[i];
            int p = c[i].position();
            score[p] += w;
            total += w;
            if (best < 0 || score[p] > score[c[best].position()]) {
                best = i;
            }
        }
        if (best < 0) {
            return avoid >= 0 && !c[avoid].isFull() ? avoid : -1;
        }
        score[c[best].position()] -= total;
        return best;
    }

    /** {@code static-rr}: the next map entry, from this loop's cursor, whose server has room. */
    int staticRoundRobin(Farm farm, int avoid) {
        WeightedMap map = farm.map;
        int n = map.size();
        int avoided = -1;
        for (int i = 0; i < n; i++) {
            int at = (mapCursor + i) % n;
            int c = map.at(at);
            if (farm.candidates[c].isFull()) {
                continue;
            }
            if (c == avoid) {
                avoided = at;
                continue;
            }
            mapCursor = at + 1;
            return c;
        }
        if (avoided >= 0) {
            mapCursor = avoided + 1;
            return avoid;
        }
        return -1;
    }

    /**
     * {@code leastconn}: the candidate with room whose requests in flight and
     * queued, plus this one, weigh least for its weight; among equals, the
     * first after a cursor that moves at each choice.
     */
    int leastConnections(Farm farm, int avoid) {
        Server[] c = farm.candidates;
        int n = c.length;
        int best = -1;
        long bestLoad = 0;
        int bestWeight = 1;
        int start = rotation++ % n;
        if (rotation < 0) {
            rotation = 0;
        }
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (i == avoid || c[i].isFull()) {
                continue;
            }
            long load = (long) c[i].slotsInUse() + c[i].queued() + 1;
            int w = farm.weights[i];
            if (best < 0 || load * bestWeight < bestLoad * w) {
                best = i;
                bestLoad = load;
                bestWeight = w;
            }
        }
        if (best < 0) {
            return avoid >= 0 && !c[avoid].isFull() ? avoid : -1;
        }
        return best;
    }

    /** {@code first}: the first candidate, in declaration order, with room. */
    static int first(Farm farm, int avoid) {
        Server[] c = farm.candidates;
        for (int i = 0; i < c.length; i++) {
            if (i != avoid && !c[i].isFull()) {
                return i;
            }
        }
        return avoid >= 0 && !c[avoid].isFull() ? avoid : -1;
    }

    /**
     * {@code random(draws)}: random points of the ring, keeping the server
     * with the fewest requests in flight for its weight. Unlike the others it
     * does not skip full servers: a full one means the request waits in the
     * backend's queue, as in HAProxy.
     *
     * @return a candidate index, or -1 when the one drawn is full
     */
    int random(Farm farm, int draws, int avoid) {
        int best = -1;
        for (int d = 0; d < draws; d++) {
            int c = farm.ring.lookup(random.nextInt(), avoid);
            if (best >= 0 && c != best) {
                Server a = farm.candidates[best];
                Server b = farm.candidates[c];
                if ((long) b.slotsInUse() * farm.weights[best] > (long) a.slotsInUse() * farm.weights[c]) {
                    c = best;
                }
            }
            best = c;
        }
        return best >= 0 && farm.candidates[best].isFull() ? -1 : best;
    }
}
