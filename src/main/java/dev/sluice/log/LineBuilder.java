package dev.sluice.log;

/**
 * One log line being written: a byte array sized once, and the writing of the
 * numbers, dates and addresses that log formats need, none of which allocates.
 * Bytes past {@link #limit()} are dropped, so a long line is cut, not refused.
 *
 * <p>Not thread-safe: one per formatting thread (each loop has its own).
 */
final class LineBuilder {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] MONTHS = new byte[12][];

    static {
        String[] names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (int i = 0; i < 12; i++) {
            MONTHS[i] = names[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    final byte[] bytes;
    /** {@code %pid}. */
    final long pid;
    /** {@code %H}: the machine's host name. */
    final String hostname;
    private int length;
    private int limit;
    private final LocalOffset offset;
    private final int[] civil = new int[6];

    LineBuilder(int capacity, LocalOffset offset, long pid, String hostname) {
        bytes = new byte[capacity];
        this.pid = pid;
        this.hostname = hostname;
        limit = capacity;
        this.offset = offset;
    }

    /** Starts a new line that may hold at most {@code max} bytes (at most the capacity). */
    void start(int max) {
        length = 0;
        limit = Math.min(max, bytes.length);
    }

    int length() {
        return length;
    }

    int limit() {
        return limit;
    }

    /** Goes back to {@code at} bytes (dropping what followed). */
    void truncate(int at) {
        length = at;
    }

    void put(byte b) {
        if (length < limit) {
            bytes[length++] = b;
        }
    }

    void put(char c) {
        put((byte) c);
    }

    void put(byte[] src) {
        put(src, 0, src.length);
    }

    void put(byte[] src, int offsetInSrc, int count) {
        int n = Math.min(count, limit - length);
        if (n > 0) {
            System.arraycopy(src, offsetInSrc, bytes, length, n);
            length += n;
        }
    }

    /** Writes the characters of {@code text} as bytes (ASCII text: names, fixed words). */
    void put(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            put((byte) text.charAt(i));
        }
    }

    void putDecimal(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                put("-9223372036854775808");
                return;
            }
            put('-');
            value = -value;
        }
        if (value < 10) {
            put((byte) ('0' + value));
            return;
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        int end = length + digits;
        if (end > limit) {
            // Cut in the middle of a number: write what fits from the left.
            for (int i = digits - 1; i >= 0 && length < limit; i--) {
                put((byte) ('0' + (value / pow10(i)) % 10));
            }
            return;
        }
        for (int i = end - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length = end;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /** Writes {@code value} in upper-case hexadecimal on at least {@code minDigits} digits. */
    void putHex(long value, int minDigits) {
        int digits = 1;
        for (long v = value >>> 4; v != 0; v >>>= 4) {
            digits++;
        }
        for (int i = Math.max(digits, minDigits) - 1; i >= 0; i--) {
            put(HEX[(int) ((value >>> (4 * i)) & 0xF)]);
        }
    }

    /** Writes {@code value} in decimal on exactly {@code width} digits, left-padded with zeros. */
    void putPadded(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            int p = 1;
            for (int j = 0; j < i; j++) {
                p *= 10;
            }
            put((byte) ('0' + (value / p) % 10));
        }
    }

    /** {@code #XX}: HAProxy's encoding of a byte that cannot appear in a log as it is. */
    void putEncoded(int b) {
        put('#');
        put(HEX[(b >> 4) & 0xF]);
        put(HEX[b & 0xF]);
    }

    // ---- addresses

    /** An address as inet_ntop writes it ({@link dev.sluice.util.IpText}), or {@code -} when unknown. */
    void putIp(byte[] ip, int ipLength) {
        if (ipLength == 4 || ipLength == 16) {
            length = dev.sluice.util.IpText.write(ip, ipLength, bytes, length, limit);
        } else {
            put('-');
        }
    }

    void putIpHex(byte[] ip, int ipLength) {
        if (ipLength == 0) {
            put('-');
            return;
        }
        for (int i = 0; i < ipLength; i++) {
            put(HEX[(ip[i] >> 4) & 0xF]);
            put(HEX[ip[i] & 0xF]);
        }
    }

    // ---- dates

    /** {@code dd/Mon/yyyy:HH:mm:ss}, in local time when {@code local}, else UTC; returns the offset used. */
    int putDate(long epochMillis, boolean local) {
        int offsetSeconds = local ? offset.secondsAt(epochMillis) : 0;
        civil(Math.floorDiv(epochMillis, 1000) + offsetSeconds);
        putPadded(civil[2], 2);
        put('/');
        put(MONTHS[civil[1] - 1]);
        put('/');
        putPadded(civil[0], 4);
        put(':');
        putTime();
        return offsetSeconds;
    }

    /** {@code dd/Mon/yyyy:HH:mm:ss.SSS} in local time (HAProxy's {@code %t}). */
    void putDateMillis(long epochMillis) {
        putDate(epochMillis, true);
        put('.');
        putPadded((int) Math.floorMod(epochMillis, 1000), 3);
    }

    /** {@code dd/Mon/yyyy:HH:mm:ss +hhmm} (HAProxy's {@code %T}, {@code %Tl}). */
    void putDateZone(long epochMillis, boolean local) {
        int offsetSeconds = putDate(epochMillis, local);
        put(' ');
        putZone(offsetSeconds, false);
    }

    /** {@code +hhmm}, or {@code +hh:mm} when {@code colon}. */
    void putZone(int offsetSeconds, boolean colon) {
        put(offsetSeconds < 0 ? '-' : '+');
        int minutes = Math.abs(offsetSeconds) / 60;
        putPadded(minutes / 60, 2);
        if (colon) {
            put(':');
        }
        putPadded(minutes % 60, 2);
    }

    /** {@code Mmm dd HH:mm:ss}, the day padded with a space (RFC 3164), in local time. */
    void putSyslogDate(long epochMillis) {
        civil(Math.floorDiv(epochMillis, 1000) + offset.secondsAt(epochMillis));
        put(MONTHS[civil[1] - 1]);
        put(' ');
        if (civil[2] < 10) {
            put(' ');
        }
        putDecimal(civil[2]);
        put(' ');
        putTime();
    }

    /** {@code yyyy-mm-ddTHH:mm:ss.uuuuuu+hh:mm} (RFC 5424, ISO 8601) in local time, from milliseconds. */
    void putIsoDate(long epochMillis) {
        int offsetSeconds = offset.secondsAt(epochMillis);
        civil(Math.floorDiv(epochMillis, 1000) + offsetSeconds);
        putPadded(civil[0], 4);
        put('-');
        putPadded(civil[1], 2);
        put('-');
        putPadded(civil[2], 2);
        put('T');
        putTime();
        put('.');
        putPadded((int) Math.floorMod(epochMillis, 1000), 3);
        put("000");
        putZone(offsetSeconds, true);
    }

    private void putTime() {
        putPadded(civil[3], 2);
        put(':');
        putPadded(civil[4], 2);
        put(':');
        putPadded(civil[5], 2);
    }

    /**
     * Splits seconds since 1970 (already shifted to the wanted zone) into year,
     * month, day, hour, minute, second: the days-to-civil-date computation on
     * 400-year eras of the proleptic Gregorian calendar.
     */
    private void civil(long seconds) {
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        civil[0] = (int) year;
        civil[1] = month;
        civil[2] = day;
        civil[3] = secondOfDay / 3600;
        civil[4] = secondOfDay / 60 % 60;
        civil[5] = secondOfDay % 60;
    }
}
