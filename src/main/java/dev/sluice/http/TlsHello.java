package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * Reads the start of a TLS stream in place, without decrypting anything, for
 * the payload fetches of mode tcp ({@code req.ssl_hello_type},
 * {@code req.ssl_sni}): the first record's handshake type, and the server name
 * a ClientHello asks for (RFC 8446 section 4.1.2, RFC 6066 section 3). Only the
 * first record is read, as a proxy that routes on it must decide before the
 * rest: a ClientHello split over several records (more than 16 KB) has no name
 * here.
 *
 * <p>Each answer is final or says more bytes may change it ({@link #MORE}):
 * a record that is not whole yet. Bytes that are no TLS handshake record, or a
 * ClientHello that is malformed or names no host, give {@link #NONE}, which
 * more bytes cannot change.
 *
 * <p>Stateless and allocation-free.
 */
public final class TlsHello {
    /** Nothing, for good: the bytes are no TLS handshake, or it carries no such field. */
    public static final long NONE = -1;
    /** Nothing yet: the first record is not whole, and more bytes may give an answer. */
    public static final long MORE = -2;

    private static final int HANDSHAKE = 0x16;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;
    /** The most a TLS record carries (RFC 8446 section 5.1), so a longer length is no TLS. */
    private static final int MAX_RECORD = 16384 + 256;

    private TlsHello() {
    }

    /**
     * The type of the handshake message the first record starts ({@code 1}
     * for a ClientHello), as {@code req.ssl_hello_type} reads it, once that
     * whole message is in, so that a rule that waits for it ({@code
     * tcp-request content accept if { req.ssl_hello_type 1 }}) lets the
     * routing rules read all of it; {@link #NONE} when the bytes are no TLS
     * handshake record, {@link #MORE} before the message is whole.
     */
    public static long helloType(Buffer b) {
        int at = b.readIndex();
        int n = b.readable();
        if (n >= 1 && (b.get(at) & 0xFF) != HANDSHAKE || n >= 2 && b.get(at + 1) != 3
                || n >= 5 && recordLength(b, at) < 4) {
            return NONE;
        }
        if (n < 9 || n < 9 + u24(b, at + 6)) {
            return MORE;
        }
        return b.get(at + 5) & 0xFF;
    }

    /**
     * Where the host name of the ClientHello's {@code server_name} extension
     * lies in the buffer, packed as {@code start << 32 | end} (absolute
     * indexes), as {@code req.ssl_sni} reads it; {@link #NONE} or {@link #MORE}.
     */
    public static long serverName(Buffer b) {
        int at = b.readIndex();
        int n = b.readable();
        if (n >= 1 && (b.get(at) & 0xFF) != HANDSHAKE || n >= 2 && b.get(at + 1) != 3
                || n >= 6 && (b.get(at + 5) & 0xFF) != CLIENT_HELLO) {
            return NONE;
        }
        if (n < 5) {
            return MORE;
        }
        int length = recordLength(b, at);
        if (length > MAX_RECORD || length < 4) {
            return NONE;
        }
        if (n < 5 + length) {
            return MORE;
        }
        int end = at + 5 + length;
        int p = at + 5;
        int helloLength = u24(b, p + 1);
        // A hello longer than its record goes on in the next one: only this record's part is read.
        end = Math.min(end, p + 4 + helloLength);
        p += 4;
        p += 2 + 32;
        if (p + 1 > end) {
            return NONE;
        }
        p += 1 + u8(b, p);
        if (p + 2 > end) {
            return NONE;
        }
        p += 2 + u16(b, p);
        if (p + 1 > end) {
            return NONE;
        }
        p += 1 + u8(b, p);
        if (p + 2 > end) {
            return NONE;
        }
        int extensionsEnd = Math.min(end, p + 2 + u16(b, p));
        p += 2;
        while (p + 4 <= extensionsEnd) {
            int extension = u16(b, p);
            int extensionLength = u16(b, p + 2);
            p += 4;
            if (p + extensionLength > extensionsEnd) {
                return NONE;
            }
            if (extension == SERVER_NAME) {
                return hostName(b, p, p + extensionLength);
            }
            p += extensionLength;
        }
        return NONE;
    }

    /** The first {@code host_name} entry of a {@code server_name} extension's list. */
    private static long hostName(Buffer b, int p, int end) {
        if (p + 2 > end) {
            return NONE;
        }
        int listEnd = Math.min(end, p + 2 + u16(b, p));
        p += 2;
        while (p + 3 <= listEnd) {
            int kind = u8(b, p);
            int length = u16(b, p + 1);
            p += 3;
            if (p + length > listEnd) {
                return NONE;
            }
            if (kind == HOST_NAME && length > 0) {
                return ((long) p << 32) | (p + length);
            }
            p += length;
        }
        return NONE;
    }

    private static int recordLength(Buffer b, int at) {
        return u16(b, at + 3);
    }

    private static int u8(Buffer b, int at) {
        return b.get(at) & 0xFF;
    }

    private static int u16(Buffer b, int at) {
        return (u8(b, at) << 8) | u8(b, at + 1);
    }

    private static int u24(Buffer b, int at) {
        return (u8(b, at) << 16) | u16(b, at + 1);
    }
}
