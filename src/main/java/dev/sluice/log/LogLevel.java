package dev.sluice.log;

import java.util.Locale;

/**
 * The eight syslog severities, most severe first; {@link #code()} is the number
 * syslog puts in a line's priority. Traffic lines are {@link #INFO}, or
 * {@link #ERR} for a failed session under {@code option log-separate-errors}.
 */
public enum LogLevel {
    EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG;

    /** The syslog severity number, 0 (emerg) to 7 (debug). */
    public int code() {
        return ordinal();
    }

    /** The configuration word: {@code emerg}, {@code alert}, ... {@code debug}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level named {@code word}, or null. */
    public static LogLevel byKeyword(String word) {
        for (LogLevel level : values()) {
            if (level.keyword().equals(word)) {
                return level;
            }
        }
        return null;
    }

    /** True if this level is at least as severe as {@code bound} (a lower code is more severe). */
    boolean atLeastAsSevereAs(LogLevel bound) {
        return ordinal() <= bound.ordinal();
    }
}
