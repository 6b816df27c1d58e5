package dev.sluice.log;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How one frontend logs: its format, the targets it resolved ({@code log global}
 * included), and its options. Made by {@link Logging.Builder#proxy} at start-up,
 * then handed to every loop's {@link LoopLog#log} with the session's record.
 *
 * <p>Immutable but for the {@code %lc} counter, which is atomic: shared by all loops.
 */
public final class ProxyLog {
    final String name;
    /** The name {@code %ft} logs for a connection over TLS: the frontend's, then {@code ~}, as HAProxy does. */
    private final String tlsName;
    final LogFormat format;
    final int list;
    final List<LogTarget> targets;
    final boolean dontLogNull;
    final boolean dontLogNormal;
    final boolean separateErrors;
    /** The least severe level any target takes: a line less severe than this is not even formatted. */
    final LogLevel leastSevere;
    /** The longest body worth formatting: the longest target line. */
    final int bodyLimit;
    final AtomicLong lines = new AtomicLong();
    final Captures captures;
    /** Slots per loop for the captures: the frontend's maxconn. */
    final int captureSlots;
    /** One per loop, made by {@link Logging.Builder#start}; empty without captures. */
    CaptureSlab[] slabs = new CaptureSlab[0];

    ProxyLog(String name, LogFormat format, int list, List<LogTarget> targets, Set<LogOption> options,
            Captures captures, int captureSlots) {
        this.name = name;
        this.tlsName = name + "~";
        this.captures = captures;
        this.captureSlots = captureSlots;
        this.format = format;
        this.list = list;
        this.targets = List.copyOf(targets);
        EnumSet<LogOption> set = options.isEmpty() ? EnumSet.noneOf(LogOption.class) : EnumSet.copyOf(options);
        dontLogNull = set.contains(LogOption.DONTLOGNULL);
        dontLogNormal = set.contains(LogOption.DONTLOG_NORMAL);
        separateErrors = set.contains(LogOption.LOG_SEPARATE_ERRORS);
        LogLevel least = LogLevel.EMERG;
        int longest = 0;
        for (LogTarget t : targets) {
            if (t.maxLevel().ordinal() > least.ordinal()) {
                least = t.maxLevel();
            }
            longest = Math.max(longest, t.maxLength());
        }
        leastSevere = least;
        bodyLimit = longest;
    }

    /** The frontend's name. */
    public String name() {
        return name;
    }

    /** The frontend's name as {@code %ft} logs it for a connection over TLS ({@code name~}). */
    public String tlsName() {
        return tlsName;
    }

    /** The format its traffic lines use, or null when it logs no traffic (only events). */
    public LogFormat format() {
        return format;
    }

    /**
     * True when the frontend's line is HAProxy's "Connect from" line
     * ({@link LogFormat#connect}): the session logs it when the connection is
     * accepted, and logs nothing at its end.
     */
    public boolean logsAtAccept() {
        return format != null && format.atAccept();
    }

    /** True if at least one target receives this frontend's lines. */
    public boolean enabled() {
        return !targets.isEmpty();
    }

    public List<LogTarget> targets() {
        return targets;
    }

    /**
     * A record for one session of this frontend, allocated at session start: its
     * request-line room is {@link LogRecord#DEFAULT_REQUEST_LINE_LENGTH} bytes, or
     * the longest target line if shorter, and the smallest room when the frontend
     * logs nothing, so that a frontend without logging pays a few dozen bytes a
     * session, not a kilobyte.
     */
    public LogRecord newRecord() {
        return new LogRecord(enabled() ? Math.min(LogRecord.DEFAULT_REQUEST_LINE_LENGTH, bodyLimit)
                : LogRecord.MIN_REQUEST_LINE_LENGTH);
    }

    /**
     * Loop {@code loop}'s room for this frontend's captured headers, or null when
     * the frontend captures nothing or logs no traffic line.
     */
    public CaptureSlab captureSlab(int loop) {
        return loop < slabs.length ? slabs[loop] : null;
    }

    /** True if some target takes lines of {@code level}. */
    boolean wants(LogLevel level) {
        return !targets.isEmpty() && level.atLeastAsSevereAs(leastSevere);
    }
}
