package dev.sluice.log;

import java.util.Locale;

/**
 * The header put before a line's text, chosen by {@code log ... format NAME}.
 * Every line ends with a newline, whatever the format.
 */
public enum SyslogFormat {
    /** {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: }: RFC 3164 without the host name. The default. */
    LOCAL,
    /** {@code <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: } (RFC 3164). */
    RFC3164,
    /** {@code <PRI>1 ISO-TIME HOST TAG PID - - } (RFC 5424, no structured data). */
    RFC5424,
    /** {@code <PRI>}, then the text. */
    PRIORITY,
    /** {@code <LEVEL>}, then the text: what systemd's journal reads on standard output. */
    SHORT,
    /** {@code <LEVEL>ISO-TIME }, then the text. */
    TIMED,
    /** {@code ISO-TIME }, then the text. */
    ISO,
    /** The text alone. */
    RAW;

    /** The configuration word. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code word}, or null. */
    public static SyslogFormat byKeyword(String word) {
        for (SyslogFormat format : values()) {
            if (format.keyword().equals(word)) {
                return format;
            }
        }
        return null;
    }
}
