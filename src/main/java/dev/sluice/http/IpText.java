package dev.sluice.http;

/**
 * Addresses and numbers written as text into a byte array, without
 * allocating: an IPv4 address dotted, an IPv6 one in the RFC 5952 form
 * (lower-case hexadecimal, the longest run of two or more zero groups as
 * {@code ::}), as {@code inet_ntop} writes them. Each write stops at the end
 * of the array.
 */
final class IpText {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private IpText() {
    }

    /** {@code ip} (4 or 16 bytes; nothing for any other length) at {@code out[at]}; returns the end. */
    static int write(byte[] ip, byte[] out, int at) {
        if (ip.length == 4) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    at = put(out, at, '.');
                }
                at = decimal(ip[i] & 0xFF, out, at);
            }
            return at;
        }
        if (ip.length != 16) {
            return at;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(ip, g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(ip, g) == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                at = put(out, at, ':');
                if (g == 0) {
                    at = put(out, at, ':');
                }
                g += bestLength - 1;
                continue;
            }
            at = hex(group(ip, g), out, at);
            if (g < 7) {
                at = put(out, at, ':');
            }
        }
        return at;
    }

    private static int group(byte[] ip, int g) {
        return (ip[2 * g] & 0xFF) << 8 | ip[2 * g + 1] & 0xFF;
    }

    private static int hex(int v, byte[] out, int at) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = v >>> shift & 0xF;
            if (d != 0 || started || shift == 0) {
                started = true;
                at = put(out, at, HEX[d]);
            }
        }
        return at;
    }

    /** A non-negative number in decimal. */
    static int decimal(long v, byte[] out, int at) {
        long div = 1;
        while (div <= v / 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            at = put(out, at, (byte) ('0' + v / div % 10));
        }
        return at;
    }

    private static int put(byte[] out, int at, int b) {
        if (at < out.length) {
            out[at++] = (byte) b;
        }
        return at;
    }
}
