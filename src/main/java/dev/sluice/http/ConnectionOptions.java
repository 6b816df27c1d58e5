package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * The Connection header field (RFC 9110 section 7.6.1, RFC 9112 sections 9.3
 * and 9.6): a comma list of options. {@code close} and {@code keep-alive} decide
 * persistence; every option names a hop-by-hop field that a proxy removes
 * before forwarding. Options are compared case-insensitively and in place.
 *
 * <p>Stateless; safe from any thread, as long as the buffer itself is only
 * touched by its loop.
 */
public final class ConnectionOptions {
    /** The sender will close after this message. */
    public static final int CLOSE = 1;
    /** An HTTP/1.0 sender asks to keep the connection open. */
    public static final int KEEP_ALIVE = 2;
    /** Some other option, which names a hop-by-hop field. */
    public static final int OTHER = 4;
    /** {@code upgrade}: with an Upgrade field, the sender asks for (or a 101 confirms) a switch of protocols. */
    public static final int UPGRADE = 8;

    private static final byte[] CLOSE_NAME = HttpBytes.ascii("close");
    private static final byte[] KEEP_ALIVE_NAME = HttpBytes.ascii("keep-alive");
    private static final byte[] UPGRADE_NAME = HttpBytes.ascii("upgrade");

    private ConnectionOptions() {
    }

    /** The options of one Connection value {@code [start, end)} as a set of the bits above. */
    public static int scan(Buffer buffer, int start, int end) {
        int bits = 0;
        int i = start;
        while (i < end) {
            int comma = HttpBytes.nextComma(buffer, i, end);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            if (s < e) {
                if (HttpBytes.equalsIgnoreCase(buffer, s, e, CLOSE_NAME)) {
                    bits |= CLOSE;
                } else if (HttpBytes.equalsIgnoreCase(buffer, s, e, KEEP_ALIVE_NAME)) {
                    bits |= KEEP_ALIVE;
                } else if (HttpBytes.equalsIgnoreCase(buffer, s, e, UPGRADE_NAME)) {
                    // It names the Upgrade field too, a hop-by-hop field like any other nominated one.
                    bits |= UPGRADE | OTHER;
                } else {
                    bits |= OTHER;
                }
            }
            i = comma + 1;
        }
        return bits;
    }

    /**
     * True when the Connection value {@code [start, end)} lists the field name
     * {@code [nameStart, nameEnd)}, which must then be removed when forwarding.
     */
    public static boolean nominates(Buffer buffer, int start, int end, int nameStart, int nameEnd) {
        int i = start;
        while (i < end) {
            int comma = HttpBytes.nextComma(buffer, i, end);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            if (sameIgnoringCase(buffer, s, e, nameStart, nameEnd)) {
                return true;
            }
            i = comma + 1;
        }
        return false;
    }

    /**
     * Whether a connection stays open after a message with this version and
     * these options: HTTP/1.1 persists unless {@code close}; HTTP/1.0 persists
     * only with {@code keep-alive} and without {@code close}.
     */
    public static boolean persistent(int minorVersion, int options) {
        if ((options & CLOSE) != 0) {
            return false;
        }
        return minorVersion >= 1 || (options & KEEP_ALIVE) != 0;
    }

    private static boolean sameIgnoringCase(Buffer buffer, int s1, int e1, int s2, int e2) {
        if (e1 - s1 != e2 - s2 || s1 == e1) {
            return false;
        }
        for (int k = 0; k < e1 - s1; k++) {
            if (lower(HttpBytes.at(buffer, s1 + k)) != lower(HttpBytes.at(buffer, s2 + k))) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }
}
