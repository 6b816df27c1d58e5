package dev.sluice.config;

import dev.sluice.log.LogTarget;
import dev.sluice.log.SyslogIdentity;
import java.util.List;

/**
 * The {@code global} section's logging: its {@code log} lines (the process's
 * own events go there, and {@code log global} in a proxy stands for them), the
 * syslog tag and the host name headers carry.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param targets the global {@code log} lines
 * @param tag {@code log-tag}: the tag of every header, {@code sluice} unless set
 * @param hostname the host name {@code log-send-hostname} puts in {@code rfc3164} and {@code rfc5424}
 *     headers (the system's when the keyword has no argument), or null when it is not given
 */
public record ProcessLogConfig(List<LogTarget> targets, String tag, String hostname) {
    public static final ProcessLogConfig NONE = new ProcessLogConfig(List.of(), SyslogIdentity.DEFAULT_TAG, null);

    public ProcessLogConfig {
        targets = List.copyOf(targets);
    }

    /** The identity of this process's headers. */
    public SyslogIdentity identity() {
        return new SyslogIdentity(tag, ProcessHandle.current().pid(), hostname);
    }
}
