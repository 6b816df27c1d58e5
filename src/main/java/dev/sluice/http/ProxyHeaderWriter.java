package dev.sluice.http;

import java.nio.ByteBuffer;

/**
 * Writes the PROXY protocol header that {@code server ... send-proxy} (version
 * 1) or {@code send-proxy-v2} (version 2) sends first on each new server
 * connection: the client's address and port, and the address and port it
 * connected to, as {@link ConnectionAddresses} holds them (the ones an
 * {@code accept-proxy} header named, when the client came through one).
 *
 * <p>Version 1 is {@code PROXY TCP4|TCP6 SRC DST SPORT DPORT CRLF}, at most
 * 107 bytes; an IPv6 address is written in full, eight groups, which every
 * receiver parses. Version 2 is the 12-byte signature, {@code 0x21} (version
 * 2, PROXY), the family ({@code 0x11} TCP over IPv4, {@code 0x21} TCP over
 * IPv6), the length, then both addresses and both ports: 28 bytes for IPv4, 52
 * for IPv6. Without a known address (a client Sluice cannot name) version 1
 * says {@code UNKNOWN} and version 2 an unspecified family, which receivers
 * take as a local connection. When one side is IPv4 and the other IPv6 (a
 * dual-stack listener), the IPv4 one is written as an IPv4-mapped IPv6
 * address, so that both are of one family as the protocol requires.
 *
 * <p>Stateless and allocation-free: it writes into the caller's buffer, which
 * must have {@link #MAX_LENGTH} bytes free.
 */
public final class ProxyHeaderWriter {
    /** The longest header either version writes (version 1's limit). */
    public static final int MAX_LENGTH = 107;
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
        0x0A};
    private static final byte[] HEX = HttpBytes.ascii("0123456789abcdef");

    private ProxyHeaderWriter() {
    }

    /** Writes the header of {@code version} (1 or 2) for {@code a} at {@code out}'s position; returns its length. */
    public static int write(int version, ConnectionAddresses a, ByteBuffer out) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("PROXY protocol version 1 or 2: " + version);
        }
        int start = out.position();
        byte[] src = a.client();
        byte[] dst = a.destination();
        boolean known = (src.length == 4 || src.length == 16) && (dst.length == 4 || dst.length == 16);
        boolean v6 = known && (src.length == 16 || dst.length == 16);
        if (version == 1) {
            if (!known) {
                ascii(out, "PROXY UNKNOWN\r\n");
            } else {
                ascii(out, v6 ? "PROXY TCP6 " : "PROXY TCP4 ");
                textAddress(out, src, v6);
                out.put((byte) ' ');
                textAddress(out, dst, v6);
                out.put((byte) ' ');
                decimal(out, a.clientPort());
                out.put((byte) ' ');
                decimal(out, a.destinationPort());
                ascii(out, "\r\n");
            }
        } else {
            out.put(V2_SIGNATURE).put((byte) 0x21);
            if (!known) {
                out.put((byte) 0x00).putShort((short) 0);
            } else {
                out.put((byte) (v6 ? 0x21 : 0x11)).putShort((short) (v6 ? 36 : 12));
                binaryAddress(out, src, v6);
                binaryAddress(out, dst, v6);
                out.putShort((short) a.clientPort()).putShort((short) a.destinationPort());
            }
        }
        return out.position() - start;
    }

    private static void textAddress(ByteBuffer out, byte[] address, boolean v6) {
        if (!v6) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    out.put((byte) '.');
                }
                decimal(out, address[i] & 0xFF);
            }
            return;
        }
        for (int group = 0; group < 8; group++) {
            if (group > 0) {
                out.put((byte) ':');
            }
            int value = address.length == 4 ? mappedGroup(address, group)
                    : (address[2 * group] & 0xFF) << 8 | address[2 * group + 1] & 0xFF;
            boolean started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                int digit = value >> shift & 0xF;
                if (digit != 0 || started || shift == 0) {
                    out.put(HEX[digit]);
                    started = true;
                }
            }
        }
    }

    /** A group of {@code ::ffff:a.b.c.d}, the IPv4-mapped form of a 4-byte address. */
    private static int mappedGroup(byte[] v4, int group) {
        return switch (group) {
            case 5 -> 0xFFFF;
            case 6 -> (v4[0] & 0xFF) << 8 | v4[1] & 0xFF;
            case 7 -> (v4[2] & 0xFF) << 8 | v4[3] & 0xFF;
            default -> 0;
        };
    }

    private static void binaryAddress(ByteBuffer out, byte[] address, boolean v6) {
        if (v6 && address.length == 4) {
            for (int i = 0; i < 10; i++) {
                out.put((byte) 0);
            }
            out.put((byte) 0xFF).put((byte) 0xFF);
        }
        out.put(address);
    }

    private static void decimal(ByteBuffer out, int value) {
        if (value >= 10) {
            decimal(out, value / 10);
        }
        out.put((byte) ('0' + value % 10));
    }

    private static void ascii(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }
}
