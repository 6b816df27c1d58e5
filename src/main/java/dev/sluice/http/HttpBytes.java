package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte-level helpers over a {@link Buffer} range {@code [start, end)}, used by
 * the parser and by whatever rewrites heads: they read with absolute gets and
 * never build a String, so the forwarding path allocates nothing.
 *
 * <p>Stateless; safe from any thread, as long as the buffer itself is only
 * touched by its loop.
 */
public final class HttpBytes {
    static final int CR = '\r';
    static final int LF = '\n';
    static final int SP = ' ';
    static final int HTAB = '\t';

    /** {@code tchar} of RFC 9110 section 5.6.2, indexed by unsigned byte. */
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpBytes() {
    }

    /** True for a byte allowed in a token (method, header name, transfer coding). */
    public static boolean isTchar(int unsignedByte) {
        return TCHAR[unsignedByte];
    }

    static boolean isWhitespace(int b) {
        return b == SP || b == HTAB;
    }

    /** A CTL other than HTAB: forbidden anywhere in a field value (RFC 9110 section 5.5). */
    static boolean isForbiddenInValue(int b) {
        return (b < 0x20 && b != HTAB) || b == 0x7F;
    }

    static int at(Buffer buffer, int index) {
        return buffer.get(index) & 0xFF;
    }

    /**
     * True when {@code [start, end)} equals {@code lowerCaseAscii} ignoring ASCII case.
     * The constant must be lower case; header names are compared this way
     * (RFC 9110 section 5.1: field names are case-insensitive).
     */
    public static boolean equalsIgnoreCase(Buffer buffer, int start, int end, byte[] lowerCaseAscii) {
        if (end - start != lowerCaseAscii.length) {
            return false;
        }
        for (int i = 0; i < lowerCaseAscii.length; i++) {
            int b = at(buffer, start + i);
            // Folding only A-Z keeps bytes >= 0x80 distinct from every ASCII constant.
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCaseAscii[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when two regions of one buffer hold the same bytes, ignoring ASCII case (host names). */
    static boolean regionEqualsIgnoreCase(Buffer buffer, int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            if (lower(at(buffer, a + i)) != lower(at(buffer, b + i))) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 'a' - 'A' : b;
    }

    /** True when {@code [start, end)} equals {@code ascii} byte for byte (methods are case-sensitive). */
    static boolean equalsExactly(Buffer buffer, int start, int end, byte[] ascii) {
        if (end - start != ascii.length) {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {
            if (buffer.get(start + i) != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses one Content-Length element: {@code 1*DIGIT} with no sign, no
     * whitespace inside and no more than {@link Long#MAX_VALUE}. Returns the
     * value, or -1 when the range is not such a number.
     */
    public static long parseContentLength(Buffer buffer, int start, int end) {
        if (start >= end) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int d = at(buffer, i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** First index in {@code [from, end)} that is not SP or HTAB, or {@code end}. */
    static int skipWhitespace(Buffer buffer, int from, int end) {
        int i = from;
        while (i < end && isWhitespace(at(buffer, i))) {
            i++;
        }
        return i;
    }

    /** The end of {@code [start, end)} with trailing SP and HTAB removed. */
    static int trimWhitespaceEnd(Buffer buffer, int start, int end) {
        int e = end;
        while (e > start && isWhitespace(at(buffer, e - 1))) {
            e--;
        }
        return e;
    }

    /** Index of the next comma in {@code [from, end)}, or {@code end}. */
    static int nextComma(Buffer buffer, int from, int end) {
        int i = from;
        while (i < end && buffer.get(i) != ',') {
            i++;
        }
        return i;
    }

    /** The bytes of an ASCII constant, for the names compared with {@link #equalsIgnoreCase}; call it once, at class set-up. */
    public static byte[] ascii(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) s.charAt(i);
        }
        return out;
    }

    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;

    /**
     * Index of the first LF in {@code [from, end)}, or -1. Heads are mostly
     * long runs without LF, so eight bytes are tested per read; the test has
     * no carry between bytes, so it never reports a byte that is not LF.
     */
    static int findLineFeed(Buffer buffer, int from, int end) {
        ByteBuffer bytes = buffer.absoluteView();
        int i = from;
        boolean bigEndian = bytes.order() == ByteOrder.BIG_ENDIAN;
        for (; i + 8 <= end; i += 8) {
            long x = bytes.getLong(i) ^ LINE_FEEDS;
            long zeroBytes = ~(((x & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | x | LOW_SEVEN_BITS);
            if (zeroBytes != 0) {
                int lane = bigEndian ? Long.numberOfLeadingZeros(zeroBytes) : Long.numberOfTrailingZeros(zeroBytes);
                return i + (lane >>> 3);
            }
        }
        for (; i < end; i++) {
            if (bytes.get(i) == LF) {
                return i;
            }
        }
        return -1;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * Skips eight bytes at a time while none of them is below 0x20 or is DEL,
     * and returns where a byte-by-byte check must resume. A word with such a
     * byte (or an HTAB, or a false alarm from the borrow) is left to that check.
     */
    static int plainValueRun(Buffer buffer, int from, int end) {
        ByteBuffer bytes = buffer.absoluteView();
        int k = from;
        for (; k + 8 <= end; k += 8) {
            long x = bytes.getLong(k);
            long belowSpace = (x - 0x20 * ONES) & ~x & HIGH_BITS;
            long d = x ^ (0x7F * ONES);
            long del = (d - ONES) & ~d & HIGH_BITS;
            if ((belowSpace | del) != 0) {
                break;
            }
        }
        return k;
    }
}
