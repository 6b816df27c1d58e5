package dev.sluice.stick;

import java.util.Map;

/**
 * The counters a stick table stores, per entry, as parallel primitive arrays
 * allocated when the table is made: for a count, its counter; for a rate, the
 * current period's count, the previous period's count and the current
 * period's start, with the rate's period.
 *
 * <p>Rates are HAProxy's sliding window: a count for the current period and
 * one for the period before; the rate read is the current count plus the
 * previous one weighted by the part of the previous period still inside the
 * window ending now.
 *
 * <p>Not thread-safe: its {@link StickTable} calls it under the table's lock.
 */
final class EntryCounts {
    /** Per {@link StickData} ordinal: the counter of a count, the current period's count of a rate; null when not stored. */
    private final int[][] counts;
    /** Per rate ordinal: the previous period's count, the current period's start and the period; null when not stored. */
    private final int[][] previous;
    private final long[][] periodStarts;
    private final long[] periods = new long[StickData.values().length];

    /**
     * @param stored the data types and, for each rate, its period in milliseconds (others ignored)
     */
    EntryCounts(int size, Map<StickData, Long> stored) {
        counts = new int[StickData.values().length][];
        previous = new int[StickData.values().length][];
        periodStarts = new long[StickData.values().length][];
        for (var e : stored.entrySet()) {
            int d = e.getKey().ordinal();
            counts[d] = new int[size];
            if (e.getKey().rate()) {
                previous[d] = new int[size];
                periodStarts[d] = new long[size];
                periods[d] = e.getValue();
                if (periods[d] < 1) {
                    throw new IllegalArgumentException(e.getKey().keyword() + ": a period of at least 1 ms");
                }
            }
        }
    }

    /** Whether {@code data} is stored. */
    boolean stores(StickData data) {
        return counts[data.ordinal()] != null;
    }

    /** A new entry's counters: every count 0, every rate's period starting {@code now}. */
    void reset(int e, long now) {
        for (int d = 0; d < counts.length; d++) {
            if (counts[d] != null) {
                counts[d][e] = 0;
                if (previous[d] != null) {
                    previous[d][e] = 0;
                    periodStarts[d][e] = now;
                }
            }
        }
    }

    /** The entry's connection ended: {@code conn_cur} goes down, if stored and above 0. */
    void dropConnection(int e) {
        int[] cur = counts[StickData.CONN_CUR.ordinal()];
        if (cur != null && cur[e] > 0) {
            cur[e]--;
        }
    }

    void add(int e, StickData data, long now) {
        int d = data.ordinal();
        int[] c = counts[d];
        if (c == null) {
            return;
        }
        if (data.rate()) {
            long period = periods[d];
            long start = periodStarts[d][e];
            if (now - start >= period) {
                previous[d][e] = c[e];
                c[e] = 0;
                start += period;
                if (now - start >= period) {
                    // Two periods or more without an event: the window is empty.
                    previous[d][e] = 0;
                    start = now;
                }
                periodStarts[d][e] = start;
            }
        }
        if (c[e] != -1) {
            c[e]++;
        }
    }

    /** The entry's value of {@code data} at {@code now}, or -1 when it is not stored. */
    long read(int e, StickData data, long now) {
        int d = data.ordinal();
        int[] c = counts[d];
        if (c == null) {
            return -1;
        }
        if (!data.rate()) {
            return Integer.toUnsignedLong(c[e]);
        }
        long period = periods[d];
        long current = Integer.toUnsignedLong(c[e]);
        long past = Integer.toUnsignedLong(previous[d][e]);
        long remain = periodStarts[d][e] + period - now;
        if (remain < 0) {
            remain += period;
            past = remain >= 0 ? current : 0;
            current = 0;
            remain = Math.max(remain, 0);
        }
        // At one event or none in the window, the weighting would make the rate flap between 0 and 1.
        if (current == 0 && past <= 1) {
            return past;
        }
        return (past * remain + current * period) / period;
    }
}
