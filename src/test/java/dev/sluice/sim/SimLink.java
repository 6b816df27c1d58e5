package dev.sluice.sim;

import java.util.SplittableRandom;

/**
 * The shape of one simulated link: one-way latency, bandwidth, the largest
 * segment a write is cut into, and the send window (how many bytes may be
 * written and not yet read by the peer, like a socket send buffer).
 */
record SimLink(long latencyNanos, long bytesPerMilli, int segmentMax, int window) {
    SimLink {
        if (latencyNanos < 0 || bytesPerMilli < 1 || segmentMax < 1 || window < 1) {
            throw new IllegalArgumentException("bad link " + latencyNanos + "/" + bytesPerMilli + "/" + segmentMax + "/" + window);
        }
    }

    /** Nanoseconds the link is busy putting {@code bytes} on the wire. */
    long transmitNanos(int bytes) {
        return bytes * 1_000_000L / bytesPerMilli;
    }

    /** A link drawn from ranges: latency in [minLatency, maxLatency], window in [minWindow, maxWindow]. */
    static SimLink draw(SplittableRandom random, long minLatencyNanos, long maxLatencyNanos, long bytesPerMilli,
                        int segmentMax, int minWindow, int maxWindow) {
        long latency = minLatencyNanos + (maxLatencyNanos > minLatencyNanos ? random.nextLong(maxLatencyNanos - minLatencyNanos + 1) : 0);
        int window = minWindow + (maxWindow > minWindow ? random.nextInt(maxWindow - minWindow + 1) : 0);
        return new SimLink(latency, bytesPerMilli, segmentMax, window);
    }
}
