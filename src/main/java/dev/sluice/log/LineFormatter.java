package dev.sluice.log;

/**
 * Formats records into a byte array of its own, outside any ring: for a caller
 * that wants the text of a line itself (a benchmark, a test, a page showing
 * recent lines). Allocates nothing per line; dates are in the local time zone.
 *
 * <p>Not thread-safe: one per thread.
 */
public final class LineFormatter {
    private final LineBuilder line;

    /** A formatter for lines of at most {@code capacity} bytes; longer ones are cut. */
    public LineFormatter(int capacity) {
        line = new LineBuilder(capacity, LocalOffset.system(), ProcessHandle.current().pid(),
                SyslogIdentity.systemHostname());
    }

    /** Formats {@code record} with {@code format}; returns the line's length in {@link #bytes()}. */
    public int format(LogFormat format, LogRecord record) {
        line.start(line.bytes.length);
        format.format(record, line, 0);
        return line.length();
    }

    /** The last line formatted, from index 0. */
    public byte[] bytes() {
        return line.bytes;
    }
}
