package dev.sluice.log;

/**
 * One event loop's side of logging: the session's logging phase hands it a
 * filled {@link LogRecord}, and it decides whether the line is wanted, formats
 * it into a line buffer of its own and copies it into the loop's ring. Nothing
 * here blocks or allocates; a full ring drops the line and counts it, and the log
 * writer reports the count as a line of its own.
 *
 * <p>Not thread-safe: owned by one loop; each loop has its own ({@link Logging#loop(int)}).
 */
public final class LoopLog {
    private final int index;
    private final LogRing ring;
    private final LineBuilder line;
    private final LogWriter writer;
    private final LogFormat eventPrefixHttp;
    private final LogFormat eventPrefixTcp;
    private final LogFormat handshakePrefix;
    private long skipped;

    LoopLog(int index, LogRing ring, LineBuilder line, LogWriter writer) {
        this.index = index;
        this.ring = ring;
        this.line = line;
        this.writer = writer;
        try {
            eventPrefixHttp = LogFormat.compile("%ci:%cp [%tr] %ft: ", LogMode.HTTP);
            eventPrefixTcp = LogFormat.compile("%ci:%cp [%t] %ft: ", LogMode.TCP);
            handshakePrefix = LogFormat.compile("%ci:%cp [%t] %f/", LogMode.TCP);
        } catch (LogConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This loop's number. */
    public int index() {
        return index;
    }

    /**
     * The traffic line of one session (TCP) or request (HTTP), in the frontend's
     * format, at {@code info}, or {@code err} for a failed one under
     * {@code option log-separate-errors}. Returns true if the line went into the
     * ring; false if the frontend logs nothing, an option left it out
     * ({@code dontlognull}, {@code dontlog-normal}), or the ring was full (counted).
     */
    public boolean log(ProxyLog proxy, LogRecord record) {
        if (proxy.format == null || !proxy.enabled()) {
            return false;
        }
        if (proxy.logsAtAccept()) {
            // Written at accept: nothing is known yet of bytes or failures, so the options do not apply.
            return format(proxy, record, LogLevel.INFO);
        }
        if (proxy.dontLogNull && record.bytesFromClient == 0) {
            skipped++;
            return false;
        }
        boolean failed = record.failed(proxy.format.mode() == LogMode.HTTP);
        if (proxy.dontLogNormal && !failed) {
            skipped++;
            return false;
        }
        return format(proxy, record, failed && proxy.separateErrors ? LogLevel.ERR : LogLevel.INFO);
    }

    private boolean format(ProxyLog proxy, LogRecord record, LogLevel level) {
        if (!proxy.wants(level)) {
            return false;
        }
        long number = proxy.format.countsLines() ? proxy.lines.getAndIncrement() : 0;
        line.start(proxy.bodyLimit);
        proxy.format.format(record, line, number);
        return offer(proxy, level);
    }

    /** The level of a refusal's line: {@code err} when Sluice or a server failed (5xx), else {@code warning}. */
    public static LogLevel refusalLevel(int status) {
        return status >= 500 ? LogLevel.ERR : LogLevel.WARNING;
    }

    /**
     * A request or connection Sluice refused, as an event line at {@code level}
     * (warning for the client's fault, err for a server's or Sluice's own):
     * <pre>127.0.0.1:41234 [04/Dec/2026:01:43:44.064] fe1: 400 reason</pre>
     * naming the client, the request's date, the frontend, the status sent (left
     * out when there is none) and the reason, which should be a constant.
     */
    public boolean refused(ProxyLog proxy, LogRecord record, LogLevel level, String reason) {
        if (!proxy.wants(level)) {
            return false;
        }
        line.start(proxy.bodyLimit);
        LogFormat prefix = proxy.format != null && proxy.format.mode() == LogMode.TCP ? eventPrefixTcp
                : eventPrefixHttp;
        prefix.format(record, line, 0);
        if (record.status >= 0) {
            line.putDecimal(record.status);
            line.put(' ');
        }
        line.put(reason);
        return offer(proxy, level);
    }

    /**
     * A TLS client whose handshake did not finish, in HAProxy's words, in
     * place of a traffic line:
     * <pre>127.0.0.1:41644 [06/Dec/2026:23:03:05.885] www/1: SSL handshake failure</pre>
     * naming the client, the accept date, the frontend and the listener.
     * {@code option dontlognull} leaves out {@code quiet} ones (a client that
     * went away); {@code option log-separate-errors} logs them at {@code err}.
     */
    public boolean handshakeFailed(ProxyLog proxy, LogRecord record, String listener, String text, boolean quiet) {
        if (proxy.format == null || !proxy.enabled() || quiet && proxy.dontLogNull) {
            return false;
        }
        LogLevel level = proxy.separateErrors ? LogLevel.ERR : LogLevel.INFO;
        if (!proxy.wants(level)) {
            return false;
        }
        line.start(proxy.bodyLimit);
        handshakePrefix.format(record, line, 0);
        line.put(listener);
        line.put(": ");
        line.put(text);
        return offer(proxy, level);
    }

    /** Any other event of a frontend (a server going down, say), as text at {@code level}. */
    public boolean event(ProxyLog proxy, LogLevel level, CharSequence text) {
        if (!proxy.wants(level)) {
            return false;
        }
        line.start(proxy.bodyLimit);
        line.put(text);
        return offer(proxy, level);
    }

    private boolean offer(ProxyLog proxy, LogLevel level) {
        boolean queued = ring.offer(proxy.list, level, System.currentTimeMillis(), line.bytes, line.length());
        if (queued) {
            writer.lineQueued();
        }
        return queued;
    }

    /** Lines this loop's ring dropped because it was full. */
    public long dropped() {
        return ring.dropped();
    }

    /** Lines this loop put in its ring. */
    public long queued() {
        return ring.offered();
    }

    /** Lines left out by {@code dontlognull} or {@code dontlog-normal}. Read on this loop only. */
    public long skipped() {
        return skipped;
    }

    /** The ring's size in bytes, allocated at start-up. */
    public int ringBytes() {
        return ring.capacity();
    }

    /** Bytes waiting in the ring now. */
    public long ringUsed() {
        return ring.used();
    }
}
