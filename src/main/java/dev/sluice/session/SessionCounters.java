package dev.sluice.session;

/**
 * One loop's session counters: how many opened, queued, and how each ended.
 * Written only by the loop's thread; read by others (stats, shutdown summary),
 * which then see a recent value.
 */
public final class SessionCounters {
    private static final SessionOutcome[] OUTCOMES = SessionOutcome.values();

    private static final int ERRORS = dev.sluice.http.HttpError.values().length;

    long opened;
    long queued;
    long httpRequests;
    /** Responses Sluice produced itself, by status. */
    private final long[] httpReplies = new long[600];
    /** Responses that came from servers, by status class (index 1 to 5). */
    private final long[] serverResponses = new long[6];
    /** Refused messages by reason (requests and responses). */
    private final long[] httpRejects = new long[ERRORS];
    long serverConnectionsReused;
    long serverConnectionsOpened;
    /** New connection attempts after one failed ({@code retries}), and those that went to another server. */
    long retries;
    long redispatches;
    private final long[] outcomes = new long[OUTCOMES.length];
    private long requestBytes;
    private long responseBytes;

    void closed(SessionOutcome outcome, long requestBytesForwarded, long responseBytesForwarded) {
        closed(outcome);
        forwarded(requestBytesForwarded, responseBytesForwarded);
    }

    void closed(SessionOutcome outcome) {
        outcomes[outcome.ordinal()]++;
    }

    /** Bytes a session's channels forwarded, counted when it closes or gives its channels up (it parks). */
    void forwarded(long requestBytesForwarded, long responseBytesForwarded) {
        requestBytes += requestBytesForwarded;
        responseBytes += responseBytesForwarded;
    }

    void replied(int status) {
        httpReplies[status]++;
    }

    void serverResponded(int status) {
        serverResponses[status / 100]++;
    }

    void rejected(dev.sluice.http.HttpError error) {
        httpRejects[error.ordinal()]++;
    }

    public long httpRequests() {
        return httpRequests;
    }

    /** Responses with {@code status} that Sluice produced itself. */
    public long replies(int status) {
        return httpReplies[status];
    }

    /** Server responses in status class {@code hundreds} (1 to 5). */
    public long serverResponses(int hundreds) {
        return serverResponses[hundreds];
    }

    public long rejects(dev.sluice.http.HttpError error) {
        return httpRejects[error.ordinal()];
    }

    public long serverConnectionsReused() {
        return serverConnectionsReused;
    }

    /** Connection attempts retried after a failure ({@code retries}). */
    public long retries() {
        return retries;
    }

    /** Retries that went to another server ({@code option redispatch}). */
    public long redispatches() {
        return redispatches;
    }

    public long serverConnectionsOpened() {
        return serverConnectionsOpened;
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
        httpRequests += other.httpRequests;
        serverConnectionsReused += other.serverConnectionsReused;
        serverConnectionsOpened += other.serverConnectionsOpened;
        retries += other.retries;
        redispatches += other.redispatches;
        for (int i = 0; i < httpReplies.length; i++) {
            httpReplies[i] += other.httpReplies[i];
        }
        for (int i = 0; i < serverResponses.length; i++) {
            serverResponses[i] += other.serverResponses[i];
        }
        for (int i = 0; i < httpRejects.length; i++) {
            httpRejects[i] += other.httpRejects[i];
        }
    }
}
