package dev.sluice.log;

/**
 * Writes the header each {@link SyslogFormat} puts before a line's text, with
 * HAProxy's layout (observed on HAProxy 2.6's own datagrams):
 * <pre>
 * local    &lt;134&gt;Dec  4 01:39:14 sluice[14386]: TEXT
 * rfc3164  &lt;134&gt;Dec  4 01:39:14 HOST sluice[14386]: TEXT      (HOST: localhost unless one is sent)
 * rfc5424  &lt;134&gt;1 2026-12-04T01:39:14.994000+00:00 HOST sluice 14386 - - TEXT   (HOST: - unless sent)
 * priority &lt;134&gt;TEXT
 * short    &lt;6&gt;TEXT
 * timed    &lt;6&gt;2026-12-04T01:39:14.994000+00:00 TEXT
 * iso      2026-12-04T01:39:14.994000+00:00 TEXT
 * raw      TEXT
 * </pre>
 * Dates are local time. Sluice's clock for these is in milliseconds, so the last
 * three digits of the microseconds are zeros.
 */
final class SyslogHeader {
    private SyslogHeader() {
    }

    static void write(LineBuilder out, SyslogFormat format, LogFacility facility, LogLevel level, long epochMillis,
            SyslogIdentity identity) {
        switch (format) {
            case LOCAL, RFC3164 -> {
                priority(out, facility.code() * 8 + level.code());
                out.putSyslogDate(epochMillis);
                out.put(' ');
                if (format == SyslogFormat.RFC3164) {
                    out.put(identity.hostname() != null ? identity.hostname() : "localhost");
                    out.put(' ');
                }
                out.put(identity.tag());
                out.put('[');
                out.putDecimal(identity.pid());
                out.put(']');
                out.put(':');
                out.put(' ');
            }
            case RFC5424 -> {
                priority(out, facility.code() * 8 + level.code());
                out.put('1');
                out.put(' ');
                out.putIsoDate(epochMillis);
                out.put(' ');
                out.put(identity.hostname() != null ? identity.hostname() : "-");
                out.put(' ');
                out.put(identity.tag());
                out.put(' ');
                out.putDecimal(identity.pid());
                out.put(" - - ");
            }
            case PRIORITY -> priority(out, facility.code() * 8 + level.code());
            case SHORT -> priority(out, level.code());
            case TIMED -> {
                priority(out, level.code());
                out.putIsoDate(epochMillis);
                out.put(' ');
            }
            case ISO -> {
                out.putIsoDate(epochMillis);
                out.put(' ');
            }
            case RAW -> {
                // The text alone.
            }
        }
    }

    private static void priority(LineBuilder out, int value) {
        out.put('<');
        out.putDecimal(value);
        out.put('>');
    }
}
