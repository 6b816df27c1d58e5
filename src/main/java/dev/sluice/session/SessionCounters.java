package dev.sluice.session;

/**
 * One loop's session counters: how many opened, queued, and how each ended.
 * Written only by the loop's thread; read by others (stats, shutdown summary),
 * which then see a recent value.
 */
public final class SessionCounters {
    private static final SessionOutcome[] OUTCOMES = SessionOutcome.values();

    long opened;
    long queued;
    private final long[] outcomes = new long[OUTCOMES.length];
    private long requestBytes;
    private long responseBytes;

    void closed(SessionOutcome outcome, long requestBytesForwarded, long responseBytesForwarded) {
        outcomes[outcome.ordinal()]++;
        requestBytes += requestBytesForwarded;
        responseBytes += responseBytesForwarded;
    }

    /** Sessions started, in total. */
    public long opened() {
        return opened;
    }

    /** Sessions that had to wait for a server slot. */
    public long queued() {
        return queued;
    }

    /** Sessions that ended with {@code outcome}. */
    public long ended(SessionOutcome outcome) {
        return outcomes[outcome.ordinal()];
    }

    public long closed() {
        long n = 0;
        for (long c : outcomes) {
            n += c;
        }
        return n;
    }

    /** Bytes that reached servers from clients, over closed sessions. */
    public long requestBytes() {
        return requestBytes;
    }

    /** Bytes that reached clients from servers, over closed sessions. */
    public long responseBytes() {
        return responseBytes;
    }

    /** Adds {@code other} into this (summing loops for a report). */
    public void add(SessionCounters other) {
        opened += other.opened;
        queued += other.queued;
        requestBytes += other.requestBytes;
        responseBytes += other.responseBytes;
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] += other.outcomes[i];
        }
    }
}
