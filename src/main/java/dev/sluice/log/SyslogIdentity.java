package dev.sluice.log;

import java.util.Objects;

/**
 * What a syslog header says about the process: its tag ({@code log-tag},
 * default {@code sluice}), its pid, and the host name when {@code log-send-hostname}
 * asked for one (null otherwise: then {@code rfc3164} says {@code localhost}
 * and {@code rfc5424} says {@code -}, as HAProxy does).
 *
 * <p>Immutable.
 */
public record SyslogIdentity(String tag, long pid, String hostname) {
    public static final String DEFAULT_TAG = "sluice";

    public SyslogIdentity {
        Objects.requireNonNull(tag);
    }

    /** This process: tag {@code sluice}, its own pid, no host name sent. */
    public static SyslogIdentity ofThisProcess() {
        return new SyslogIdentity(DEFAULT_TAG, ProcessHandle.current().pid(), null);
    }

    /** The machine's host name ({@code %H}): the kernel's, else the JDK's idea of it, else {@code localhost}. */
    public static String systemHostname() {
        try {
            String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux, or no /proc: ask the JDK below.
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    public SyslogIdentity withTag(String newTag) {
        return new SyslogIdentity(newTag, pid, hostname);
    }

    public SyslogIdentity withHostname(String newHostname) {
        return new SyslogIdentity(tag, pid, newHostname);
    }
}
