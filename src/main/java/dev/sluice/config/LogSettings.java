package dev.sluice.config;

import dev.sluice.log.LogConfigException;
import dev.sluice.log.LogFormat;
import dev.sluice.log.LogLines;
import dev.sluice.log.LogMode;
import dev.sluice.log.LogOption;
import dev.sluice.log.LogTarget;
import dev.sluice.log.Captures;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The logging keywords' values in one proxy section while the file is read
 * ({@link LogKeywords}); {@link #build} makes the section's {@link LogConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class LogSettings {
    /** Which format the section's last format keyword chose: HAProxy lets the last one win. */
    enum Choice {
        NONE, HTTPLOG, HTTPLOG_CLF, TCPLOG, CUSTOM
    }

    LogLines lines = new LogLines();
    Choice choice = Choice.NONE;
    /** The {@code log-format} string when {@link #choice} is {@link Choice#CUSTOM}. */
    String custom;
    /** The line of the keyword that made the choice. */
    int choiceLine;
    final EnumSet<LogOption> options = EnumSet.noneOf(LogOption.class);
    /** {@code log-tag}, null when not set: the global one. */
    String tag;

    /** {@code capture request header} names and lengths, in their lines' order (not inherited: frontend only). */
    final List<String> requestCaptures = new ArrayList<>();
    final List<Integer> requestCaptureLengths = new ArrayList<>();
    final List<String> responseCaptures = new ArrayList<>();
    final List<Integer> responseCaptureLengths = new ArrayList<>();

    /** Why the format cannot be used in the section's mode, found by {@link #build}; null when it can. */
    ConfigException formatError;
    /** Set by {@link #build} when {@code option httplog} falls back to {@code option tcplog}. */
    boolean httplogFellBack;

    /** Takes what a defaults section set: its log lines (a copy), format, options and tag. */
    void inherit(LogSettings defaults) {
        lines = defaults.lines.copy();
        choice = defaults.choice;
        custom = defaults.custom;
        choiceLine = defaults.choiceLine;
        options.clear();
        options.addAll(defaults.options);
        tag = defaults.tag;
    }

    /**
     * The section's logging, its {@code log global} lines replaced by {@code global}'s.
     * A frontend with targets and no format writes HAProxy's "Connect from" line.
     */
    LogConfig build(String file, Mode mode, List<LogTarget> global) {
        List<LogTarget> targets = lines.resolve(global);
        LogMode logMode = mode == Mode.HTTP ? LogMode.HTTP : LogMode.TCP;
        formatError = null;
        httplogFellBack = false;
        LogFormat format = switch (choice) {
            case NONE -> targets.isEmpty() ? null : LogFormat.connect(logMode);
            case HTTPLOG, HTTPLOG_CLF -> {
                httplogFellBack = logMode == LogMode.TCP;
                yield choice == Choice.HTTPLOG ? LogFormat.httplog(logMode) : LogFormat.httplogClf(logMode);
            }
            case TCPLOG -> LogFormat.tcplog(logMode);
            case CUSTOM -> {
                try {
                    yield LogFormat.compile(custom, logMode, LogKeywords.SAMPLES);
                } catch (LogConfigException e) {
                    formatError = new ConfigException(file, choiceLine, e.getMessage() + " (the section is in mode "
                            + mode.keyword() + ")");
                    yield null;
                }
            }
        };
        Captures captures = requestCaptures.isEmpty() && responseCaptures.isEmpty() ? Captures.NONE
                : new Captures(requestCaptures, ints(requestCaptureLengths), responseCaptures,
                        ints(responseCaptureLengths));
        return new LogConfig(targets, format, options, tag, captures);
    }

    private static int[] ints(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
