package dev.sluice.loop;

/**
 * A loop's own counters. Written only by the loop's thread; read by others
 * (stats, shutdown summary), which then see a recent value.
 */
public final class LoopCounters {
    /** Session task runs: the seed's {@code process_session()} figure. */
    public long sessionTaskRuns;
    /** Receives retried after a buffer was handed to a waiting connection. */
    public long ioRetries;
    /** Of those, retries that produced something for the session task to do. */
    public long ioRetriesProductive;
    public long bytesIn;
    public long bytesOut;
    public long acceptErrors;
    /** Exceptions thrown by a task or handler and caught by the loop (a bug if not 0). */
    public long taskFailures;
    /** Connections that lingered before their close, reading and dropping what their peer still sent. */
    public long lingeringCloses;
    /**
     * Reads made right after a write emptied the buffer in the middle of a
     * streamed message, instead of at the next readiness (the rest of a 20 KB
     * response through a 16 KB buffer, sent with the first part as one segment).
     */
    public long streamRefills;
    /**
     * Work that other threads (or the loop itself) could not hand to this loop
     * because its inbox was full: refused by {@link Loop#execute(Runnable)}.
     * Counted by the senders in the inbox and copied here by the loop's thread
     * once a pass, so this stays a one-writer field.
     */
    public long inboxFull;
    /**
     * TLS clients whose session ended before their handshake did, by reason,
     * indexed by {@code net.TlsHandshakeFailure}'s order: refused by the
     * engine, closed, broken, timed out.
     */
    public final long[] tlsHandshakeFailures = new long[4];
    /**
     * HTTP sessions that sat idle long enough to give up their exchange's
     * parts (channels, analysers, server link), and those that made them again
     * when their client sent the next request.
     */
    public long sessionsParked;
    public long sessionsUnparked;

    /** Adds {@code other} into this (summing loops for a report). */
    public void add(LoopCounters other) {
        sessionTaskRuns += other.sessionTaskRuns;
        ioRetries += other.ioRetries;
        ioRetriesProductive += other.ioRetriesProductive;
        bytesIn += other.bytesIn;
        bytesOut += other.bytesOut;
        acceptErrors += other.acceptErrors;
        taskFailures += other.taskFailures;
        lingeringCloses += other.lingeringCloses;
        streamRefills += other.streamRefills;
        inboxFull += other.inboxFull;
        sessionsParked += other.sessionsParked;
        sessionsUnparked += other.sessionsUnparked;
        for (int i = 0; i < tlsHandshakeFailures.length; i++) {
            tlsHandshakeFailures[i] += other.tlsHandshakeFailures[i];
        }
    }
}
