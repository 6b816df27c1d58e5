package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * Reads the authority of an absolute-form request target
 * ({@code http://host:port/path}, RFC 9112 section 3.2.2) where it lies in the
 * buffer, without copying it.
 *
 * <p>Stateless; allocates nothing.
 */
public final class RequestTarget {
    /** What {@link #authorityStart} returns for an origin-form (or asterisk-form) target. */
    public static final int NOT_ABSOLUTE = -1;
    /** What {@link #authorityStart} returns for an absolute form that no origin may be asked for: empty or with user info. */
    public static final int BAD_AUTHORITY = -2;

    private RequestTarget() {
    }

    /**
     * Where the authority of the target {@code [start, end)} begins, after
     * {@code scheme://}; {@link #NOT_ABSOLUTE} when the target has no scheme;
     * {@link #BAD_AUTHORITY} when the authority is empty or carries user info
     * ({@code user@host}), which RFC 9110 section 4.2.4 forbids in http(s) URIs
     * and which would let the Host a rule sees differ from the one an origin uses.
     */
    public static int authorityStart(Buffer b, int start, int end) {
        int i = start;
        if (i >= end || !isAlpha(HttpBytes.at(b, i))) {
            return NOT_ABSOLUTE;
        }
        while (i < end && isSchemeChar(HttpBytes.at(b, i))) {
            i++;
        }
        if (i + 3 > end || b.get(i) != ':' || b.get(i + 1) != '/' || b.get(i + 2) != '/') {
            return NOT_ABSOLUTE;
        }
        int authority = i + 3;
        int authorityEnd = authorityEnd(b, authority, end);
        if (authorityEnd == authority) {
            return BAD_AUTHORITY;
        }
        for (int k = authority; k < authorityEnd; k++) {
            if (b.get(k) == '@') {
                return BAD_AUTHORITY;
            }
        }
        return authority;
    }

    /** The end of the authority that begins at {@code authorityStart}: the first {@code /}, {@code ?} or {@code #}, or the target's end. */
    public static int authorityEnd(Buffer b, int authorityStart, int end) {
        int i = authorityStart;
        while (i < end) {
            byte c = b.get(i);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            i++;
        }
        return i;
    }

    private static boolean isAlpha(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isSchemeChar(int c) {
        return isAlpha(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.';
    }
}
