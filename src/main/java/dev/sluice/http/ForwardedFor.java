package dev.sluice.http;

import java.nio.charset.StandardCharsets;

/**
 * The {@code X-Forwarded-For} field that {@code option forwardfor} adds to each
 * request: the client's address in text, IPv6 in the short form of RFC 5952
 * ({@code 2001:db8::1}), an IPv4 client seen through an IPv6 socket as IPv4.
 * Build the line once per client connection and append it to every request it
 * carries; nothing is built per request.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ForwardedFor {
    private ForwardedFor() {
    }

    /**
     * {@code X-Forwarded-For: ADDRESS} without CRLF, for {@link HeaderEdits#append(byte[])}.
     *
     * @param clientAddress 4 or 16 bytes; any other length gives {@code unknown}
     */
    public static byte[] fieldLine(byte[] clientAddress) {
        return ("X-Forwarded-For: " + text(clientAddress)).getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] address) {
        if (address.length == 4) {
            return ipv4(address, 0);
        }
        if (address.length != 16) {
            return "unknown";
        }
        boolean mapped = address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = address[i] == 0;
        }
        return mapped ? ipv4(address, 12) : ipv6(address);
    }

    private static String ipv4(byte[] address, int from) {
        return (address[from] & 0xFF) + "." + (address[from + 1] & 0xFF) + "." + (address[from + 2] & 0xFF) + "."
                + (address[from + 3] & 0xFF);
    }

    /** RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups as "::". */
    private static String ipv6(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
