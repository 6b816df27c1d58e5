package dev.sluice.backend;

import java.util.Arrays;

/**
 * The servers a new request may be sent to right now, and the tables that
 * choose among them: a snapshot taken whenever a server's state or weight
 * changes, and read by every loop without a lock.
 *
 * <p>The candidates are the UP active servers with a weight above 0; if there
 * are none, the UP backup servers (all of them with {@code option
 * allbackups}, else the first one in declaration order). A server that is
 * DOWN, in maintenance, drained or of weight 0 is never a candidate.
 *
 * <p>Immutable; safe to share between threads.
 */
final class Farm {
    final Server[] candidates;
    /** Each candidate's weight now (dynamic algorithms). */
    final int[] weights;
    final int totalWeight;
    /** Candidate index by server position, -1 for a server that is not a candidate. */
    private final int[] byPosition;
    final WeightedMap map;
    final ConsistentRing ring;
    final int activeUp;
    final int backupUp;
    final ServerRole serving;

    private Farm(Server[] candidates, int[] weights, int[] byPosition, WeightedMap map, ConsistentRing ring,
                 int activeUp, int backupUp, ServerRole serving) {
        this.candidates = candidates;
        this.weights = weights;
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        this.totalWeight = total;
        this.byPosition = byPosition;
        this.map = map;
        this.ring = ring;
        this.activeUp = activeUp;
        this.backupUp = backupUp;
        this.serving = serving;
    }

    /** The greatest common divisor of the non-zero configured weights, as HAProxy's map divides them. */
    static int weightDivisor(Server[] servers) {
        int g = 0;
        for (Server s : servers) {
            int w = s.configuredWeight();
            while (w != 0) {
                int t = g % w;
                g = w;
                w = t;
            }
        }
        return g == 0 ? 1 : g;
    }

    /**
     * Reads every server's state and weight (the caller holds the backend's
     * lock, so that no change slips between two reads).
     *
     * @param gcd the greatest common divisor of the configured weights, by which map weights are divided
     */
    static Farm build(Server[] servers, BalanceSpec spec, int gcd) {
        int activeUp = 0;
        int backupUp = 0;
        for (Server s : servers) {
            if (s.takesNewRequests()) {
                if (s.role() == ServerRole.ACTIVE) {
                    activeUp++;
                } else {
                    backupUp++;
                }
            }
        }
        ServerRole serving = activeUp > 0 ? ServerRole.ACTIVE : ServerRole.BACKUP;
        int count = activeUp > 0 ? activeUp
                : spec.backups() == BalanceSpec.BackupUse.ALL ? backupUp : Math.min(backupUp, 1);
        Server[] candidates = new Server[count];
        int[] weights = new int[count];
        int[] staticWeights = new int[count];
        int[] ids = new int[count];
        // Positions are never reused: a server removed at run time leaves a hole, one added takes the next.
        int positions = 0;
        for (Server s : servers) {
            positions = Math.max(positions, s.position() + 1);
        }
        int[] byPosition = new int[positions];
        Arrays.fill(byPosition, -1);
        int c = 0;
        for (Server s : servers) {
            if (c == count) {
                break;
            }
            if (s.takesNewRequests() && s.role() == serving) {
                candidates[c] = s;
                weights[c] = s.weight();
                // Static algorithms keep the configured weights; a server configured with 0 and raised at run time counts 1.
                staticWeights[c] = Math.max(1, s.configuredWeight() / gcd);
                ids[c] = s.position() + 1;
                byPosition[s.position()] = c;
                c++;
            }
        }
        WeightedMap map = spec.usesMap() && count > 0 ? WeightedMap.build(staticWeights) : null;
        ConsistentRing ring = spec.usesRing() ? ConsistentRing.build(ids, weights) : null;
        return new Farm(candidates, weights, byPosition, map, ring, activeUp, backupUp, serving);
    }

    /** One more than the highest position of a server of the backend now. */
    int positions() {
        return byPosition.length;
    }

    boolean isEmpty() {
        return candidates.length == 0;
    }

    /** The candidate index of {@code s}, or -1 when it is not a candidate (or is null). */
    int candidate(Server s) {
        return s == null || s.position() >= byPosition.length ? -1 : byPosition[s.position()];
    }

    /** Whether {@code s} may be given a request that waited for any server. */
    boolean contains(Server s) {
        return candidate(s) >= 0;
    }
}
