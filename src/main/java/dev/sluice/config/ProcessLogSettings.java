package dev.sluice.config;

import dev.sluice.log.LogTarget;
import dev.sluice.log.SyslogIdentity;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code global} section's logging keywords while the file is read
 * ({@link LogKeywords}); {@link #build()} makes the {@link ProcessLogConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ProcessLogSettings {
    final List<LogTarget> targets = new ArrayList<>();
    String tag = SyslogIdentity.DEFAULT_TAG;
    /** null unless {@code log-send-hostname} was given. */
    String hostname;

    ProcessLogConfig build() {
        return new ProcessLogConfig(targets, tag, hostname);
    }
}
