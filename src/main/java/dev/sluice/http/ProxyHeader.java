package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * Reads the PROXY protocol header (versions 1 and 2, as HAProxy specifies
 * them) that a load balancer in front sends first on each connection of a
 * {@code bind ... accept-proxy}: the real client's address and port, and
 * where it connected to. The header is read where it lies in the buffer, from
 * its read index; the caller consumes its {@link #length()} once it is
 * complete.
 *
 * <p>Version 1 is one text line of at most 107 bytes:
 * {@code PROXY TCP4|TCP6|UNKNOWN SRC DST SPORT DPORT CRLF}. Version 2 is a
 * 12-byte signature, a version and command byte, a family byte, a 2-byte
 * length, the addresses, and type-length-value extensions, which are skipped.
 * {@code UNKNOWN} (v1) and {@code LOCAL} or an unspecified family (v2) keep
 * the socket's own addresses.
 *
 * <p>Not thread-safe: one per connection; {@link #read} allocates only the
 * arrays of the addresses it finds, once per connection.
 */
public final class ProxyHeader {
    /** What the bytes at hand make of the header. */
    public enum Result {
        /** Not complete yet. */
        NEED_MORE,
        /** Complete: {@link #length()} bytes, the addresses given to the caller's holder. */
        COMPLETE,
        /** Not a PROXY header, or a malformed one: the connection is dropped, as HAProxy does. */
        BAD
    }

    /** The longest version 1 line, its CRLF included. */
    static final int MAX_V1 = 107;
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
        0x0A};
    private static final byte[] V1_PREFIX = HttpBytes.ascii("PROXY ");

    private int length;

    /**
     * Reads the header at the buffer's read index. On {@link Result#COMPLETE}
     * the addresses it names are set in {@code into} (unless it keeps the
     * socket's), and {@link #length()} says how many bytes it took.
     */
    public Result read(Buffer b, ConnectionAddresses into) {
        int start = b.readIndex();
        int held = b.readable();
        if (held == 0) {
            return Result.NEED_MORE;
        }
        if (b.get(start) == V2_SIGNATURE[0]) {
            return readV2(b, start, held, into);
        }
        return readV1(b, start, held, into);
    }

    /** The header's length, once {@link #read} found it complete. */
    public int length() {
        return length;
    }

    private Result readV1(Buffer b, int start, int held, ConnectionAddresses into) {
        for (int i = 0; i < Math.min(held, V1_PREFIX.length); i++) {
            if (b.get(start + i) != V1_PREFIX[i]) {
                return Result.BAD;
            }
        }
        int lf = -1;
        for (int i = start; i < start + Math.min(held, MAX_V1); i++) {
            if (b.get(i) == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            return held >= MAX_V1 ? Result.BAD : Result.NEED_MORE;
        }
        if (lf == start || b.get(lf - 1) != '\r') {
            return Result.BAD;
        }
        String line = text(b, start + V1_PREFIX.length, lf - 1);
        String[] words = line.split(" ", -1);
        length = lf + 1 - start;
        if (words[0].equals("UNKNOWN")) {
            return Result.COMPLETE;
        }
        if (words.length != 5 || !words[0].equals("TCP4") && !words[0].equals("TCP6")) {
            return Result.BAD;
        }
        byte[] source = literal(words[1], words[0].equals("TCP4"));
        byte[] destination = literal(words[2], words[0].equals("TCP4"));
        int sourcePort = port(words[3]);
        int destinationPort = port(words[4]);
        if (source == null || destination == null || sourcePort < 0 || destinationPort < 0) {
            return Result.BAD;
        }
        into.set(source, sourcePort, destination, destinationPort);
        return Result.COMPLETE;
    }

    private Result readV2(Buffer b, int start, int held, ConnectionAddresses into) {
        for (int i = 0; i < Math.min(held, V2_SIGNATURE.length); i++) {
            if (b.get(start + i) != V2_SIGNATURE[i]) {
                return Result.BAD;
            }
        }
        if (held < 16) {
            return Result.NEED_MORE;
        }
        int versionCommand = b.get(start + 12) & 0xFF;
        int family = b.get(start + 13) & 0xFF;
        int addressLength = (b.get(start + 14) & 0xFF) << 8 | b.get(start + 15) & 0xFF;
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0F) > 1) {
            return Result.BAD;
        }
        int total = 16 + addressLength;
        if (total > b.capacity()) {
            // Extensions larger than a buffer: no room to read them whole.
            return Result.BAD;
        }
        if (held < total) {
            return Result.NEED_MORE;
        }
        length = total;
        boolean local = (versionCommand & 0x0F) == 0;
        int a = start + 16;
        switch (family) {
            case 0x11 -> {
                if (addressLength < 12) {
                    return Result.BAD;
                }
                if (!local) {
                    into.set(bytes(b, a, 4), port(b, a + 8), bytes(b, a + 4, 4), port(b, a + 10));
                }
            }
            case 0x21 -> {
                if (addressLength < 36) {
                    return Result.BAD;
                }
                if (!local) {
                    into.set(bytes(b, a, 16), port(b, a + 32), bytes(b, a + 16, 16), port(b, a + 34));
                }
            }
            default -> {
                // UNSPEC, UNIX and datagram families: the socket's own addresses stand.
            }
        }
        return Result.COMPLETE;
    }

    private static String text(Buffer b, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) {
            c[i - from] = (char) (b.get(i) & 0xFF);
        }
        return new String(c);
    }

    /** A numeric address of the family the line names, or null. */
    private static byte[] literal(String text, boolean ipv4) {
        if (text.isEmpty() || (ipv4 ? text.indexOf(':') >= 0 : text.indexOf(':') < 0)) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c == '.' || c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                // Host names are never looked up: only literals are addresses here.
                return null;
            }
        }
        try {
            byte[] address = java.net.InetAddress.ofLiteral(text).getAddress();
            if (!ipv4 && address.length == 4) {
                // An IPv4-mapped literal (::ffff:a.b.c.d) in a TCP6 line stays in its 16-byte form.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(address, 0, mapped, 12, 4);
                return mapped;
            }
            return address.length == (ipv4 ? 4 : 16) ? address : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || text.length() > 1 && text.charAt(0) == '0') {
            return -1;
        }
        int p = 0;
        for (int i = 0; i < text.length(); i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            p = p * 10 + d;
        }
        return p <= 65535 ? p : -1;
    }

    private static byte[] bytes(Buffer b, int from, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.get(from + i);
        }
        return out;
    }

    private static int port(Buffer b, int at) {
        return (b.get(at) & 0xFF) << 8 | b.get(at + 1) & 0xFF;
    }
}
