package dev.sluice.config;

import dev.sluice.log.Captures;
import dev.sluice.log.LogFormat;
import dev.sluice.log.LogOption;
import dev.sluice.log.LogTarget;
import dev.sluice.log.Logging;
import dev.sluice.log.ProxyLog;
import java.util.List;
import java.util.Set;

/**
 * How one frontend logs: the targets its {@code log} lines resolve to
 * ({@code log global} replaced by the global lines), its compiled format, its
 * options and its tag.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param targets where its lines go; empty when it logs nothing
 * @param format its traffic lines' format: {@code option httplog [clf]}, {@code option tcplog},
 *     {@code log-format}, or HAProxy's "Connect from" line when it has targets and chose none; null
 *     when it has no target and chose none
 * @param options {@code option dontlognull}, {@code dontlog-normal}, {@code log-separate-errors}
 * @param tag its {@code log-tag}, or null for the global one
 * @param captures its {@code capture request header} and {@code capture response header} lines
 */
public record LogConfig(List<LogTarget> targets, LogFormat format, Set<LogOption> options, String tag,
        Captures captures) {
    /** No target, no format. */
    public static final LogConfig NONE = new LogConfig(List.of(), null, Set.of(), null);

    public LogConfig {
        targets = List.copyOf(targets);
        options = Set.copyOf(options);
        captures = captures == null ? Captures.NONE : captures;
    }

    /** A frontend's logging without captures. */
    public LogConfig(List<LogTarget> targets, LogFormat format, Set<LogOption> options, String tag) {
        this(targets, format, options, tag, Captures.NONE);
    }

    /**
     * Declares this frontend to the logging being built; the result goes to every
     * loop's sessions. Each loop gets {@code maxconn} capture slots (none without captures).
     */
    public ProxyLog register(Logging.Builder logging, String frontend, int maxconn) {
        return logging.proxy(frontend, format, targets, options, tag, captures, maxconn);
    }
}
