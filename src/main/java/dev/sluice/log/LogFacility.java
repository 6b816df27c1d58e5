package dev.sluice.log;

/**
 * The 24 syslog facilities, in code order; a line's priority is
 * {@code facility * 8 + level}.
 */
public enum LogFacility {
    KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTH2, FTP, NTP, AUDIT, ALERT, CRON2,
    LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

    /** The syslog facility number, 0 (kern) to 23 (local7). */
    public int code() {
        return ordinal();
    }

    /** The configuration word, as in {@code log 127.0.0.1 local0}. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The facility named {@code word}, or null. */
    public static LogFacility byKeyword(String word) {
        for (LogFacility facility : values()) {
            if (facility.keyword().equals(word)) {
                return facility;
            }
        }
        return null;
    }
}
