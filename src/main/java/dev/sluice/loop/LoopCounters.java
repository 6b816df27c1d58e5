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
    public long sessionsOpened;
    public long sessionsClosed;
    public long bytesIn;
    public long bytesOut;
    public long connectErrors;
    public long queueTimeouts;
    public long queueFull;
    public long clientTimeouts;
    public long serverTimeouts;
    public long connectTimeouts;
    public long clientAborts;
    public long serverAborts;
    public long acceptErrors;
    public long refusedMaxconn;

    /** Adds {@code other} into this (summing loops for a report). */
    public void add(LoopCounters other) {
        sessionTaskRuns += other.sessionTaskRuns;
        ioRetries += other.ioRetries;
        ioRetriesProductive += other.ioRetriesProductive;
        sessionsOpened += other.sessionsOpened;
        sessionsClosed += other.sessionsClosed;
        bytesIn += other.bytesIn;
        bytesOut += other.bytesOut;
        connectErrors += other.connectErrors;
        queueTimeouts += other.queueTimeouts;
        queueFull += other.queueFull;
        clientTimeouts += other.clientTimeouts;
        serverTimeouts += other.serverTimeouts;
        connectTimeouts += other.connectTimeouts;
        clientAborts += other.clientAborts;
        serverAborts += other.serverAborts;
        acceptErrors += other.acceptErrors;
        refusedMaxconn += other.refusedMaxconn;
    }
}
