package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * The request methods whose meaning changes framing or routing (RFC 9110
 * section 9); any other valid token is {@link #OTHER} and is forwarded as-is.
 * Methods are case-sensitive, so {@code get} is {@link #OTHER}.
 *
 * <p>Immutable; safe from any thread.
 */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private static final Method[] KNOWN = {GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH};
    private static final byte[][] NAMES = new byte[KNOWN.length][];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            NAMES[i] = HttpBytes.ascii(KNOWN[i].name());
        }
    }

    /** The method named by the token {@code [start, end)}, without allocating. */
    public static Method of(Buffer buffer, int start, int end) {
        for (int i = 0; i < KNOWN.length; i++) {
            if (HttpBytes.equalsExactly(buffer, start, end, NAMES[i])) {
                return KNOWN[i];
            }
        }
        return OTHER;
    }
}
