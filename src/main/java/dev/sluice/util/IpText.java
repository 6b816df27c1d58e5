package dev.sluice.util;

/**
 * Addresses and numbers written as text into a byte array, without
 * allocating, as the C library's {@code inet_ntop} writes an address: IPv4
 * dotted; IPv6 with the longest run of two or more zero groups (the first of
 * equal runs) as {@code ::}, groups in lower-case hexadecimal without leading
 * zeros, and an IPv4-mapped or -compatible address ending in dotted decimal.
 * The access log's lines and the {@code %[src]} of header values share it, so
 * the two write an address alike. Each write stops at {@code limit}.
 */
public final class IpText {
    private IpText() {
    }

    /**
     * The first {@code length} bytes of {@code ip} (4 or 16; nothing for any
     * other length) at {@code out[at]}, up to {@code limit}; returns the end.
     */
    public static int write(byte[] ip, int length, byte[] out, int at, int limit) {
        if (length == 4) {
            return dottedQuad(ip, 0, out, at, limit);
        }
        return length == 16 ? ipv6(ip, out, at, limit) : at;
    }

    private static int dottedQuad(byte[] ip, int from, byte[] out, int at, int limit) {
        for (int i = from; i < from + 4; i++) {
            if (i > from) {
                at = put(out, at, limit, '.');
            }
            at = decimal(ip[i] & 0xFF, out, at, limit);
        }
        return at;
    }

    private static int ipv6(byte[] ip, byte[] out, int at, int limit) {
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (group(ip, i) == 0) {
                int j = i;
                while (j < 8 && group(ip, j) == 0) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                at = put(out, at, limit, ':');
                i += bestLength - 1;
                if (i == 7) {
                    at = put(out, at, limit, ':');
                }
                continue;
            }
            if (i > 0) {
                at = put(out, at, limit, ':');
            }
            if (i == 6 && bestStart == 0 && (bestLength == 6 || (bestLength == 5 && group(ip, 5) == 0xFFFF))) {
                return dottedQuad(ip, 12, out, at, limit);
            }
            at = lowerHex(group(ip, i), out, at, limit);
        }
        return at;
    }

    private static int lowerHex(int value, byte[] out, int at, int limit) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (value >> shift) & 0xF;
            if (d != 0 || started || shift == 0) {
                at = put(out, at, limit, d < 10 ? '0' + d : 'a' + d - 10);
                started = true;
            }
        }
        return at;
    }

    private static int group(byte[] ip, int i) {
        return ((ip[2 * i] & 0xFF) << 8) | (ip[2 * i + 1] & 0xFF);
    }

    /** A non-negative number in decimal at {@code out[at]}, up to {@code limit}; returns the end. */
    public static int decimal(long v, byte[] out, int at, int limit) {
        long div = 1;
        while (div <= v / 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            at = put(out, at, limit, (int) ('0' + v / div % 10));
        }
        return at;
    }

    private static int put(byte[] out, int at, int limit, int b) {
        if (at < limit) {
            out[at++] = (byte) b;
        }
        return at;
    }
}
