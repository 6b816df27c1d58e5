package dev.sluice.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The values of an {@code src} or {@code dst} ACL: networks, each an address
 * (4 or 16 bytes) and a prefix length in bits. Matching compares bytes and
 * allocates nothing.
 *
 * <p>Immutable; safe to share between loops.
 */
final class AclNetworks {
    private final byte[][] networks;
    private final int[] prefixBits;

    private AclNetworks(byte[][] networks, int[] prefixBits) {
        this.networks = networks;
        this.prefixBits = prefixBits;
    }

    /** Parses each {@code ADDRESS[/BITS]}; an IPv4-mapped IPv6 network is kept as the IPv4 one it denotes. */
    static AclNetworks parse(List<String> values) {
        byte[][] networks = new byte[values.size()][];
        int[] bits = new int[values.size()];
        for (int i = 0; i < values.size(); i++) {
            network(values.get(i), networks, bits, i);
        }
        return new AclNetworks(networks, bits);
    }

    private static void network(String text, byte[][] networks, int[] bits, int i) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = ipLiteral(host, text);
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String count = text.substring(slash + 1);
            if (!count.matches("[0-9]{1,3}") || Integer.parseInt(count) > max) {
                throw new IllegalArgumentException("expected a prefix length from 0 to " + max + " in '" + text + "'");
            }
            prefix = Integer.parseInt(count);
        }
        if (isV4Mapped(address)) {
            address = Arrays.copyOfRange(address, 12, 16);
            prefix = Math.max(0, prefix - 96);
        }
        networks[i] = address;
        bits[i] = prefix;
    }

    private static byte[] ipLiteral(String host, String text) {
        if (host.contains(":")) {
            try {
                // A literal with a colon is never looked up in DNS.
                InetAddress address = InetAddress.getByName(host);
                byte[] raw = address.getAddress();
                if (raw.length == 4) {
                    // InetAddress turns ::ffff:a.b.c.d into IPv4 itself; keep the IPv6 shape so prefixes count from 128.
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xFF;
                    mapped[11] = (byte) 0xFF;
                    System.arraycopy(raw, 0, mapped, 12, 4);
                    return mapped;
                }
                return raw;
            } catch (UnknownHostException | SecurityException e) {
                throw new IllegalArgumentException("expected an IPv4 or IPv6 address, got '" + text + "'");
            }
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("expected an IPv4 or IPv6 address, got '" + text + "'");
        }
        byte[] address = new byte[4];
        for (int k = 0; k < 4; k++) {
            if (!parts[k].matches("[0-9]{1,3}") || Integer.parseInt(parts[k]) > 255) {
                throw new IllegalArgumentException("expected an IPv4 or IPv6 address, got '" + text + "'");
            }
            address[k] = (byte) Integer.parseInt(parts[k]);
        }
        return address;
    }

    static boolean isV4Mapped(byte[] address) {
        if (address.length != 16) {
            return false;
        }
        for (int k = 0; k < 10; k++) {
            if (address[k] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    /** True when {@code address} lies in one of the networks. */
    boolean contains(byte[] address) {
        // An IPv4 client seen through an IPv6 socket is still an IPv4 client.
        int offset = isV4Mapped(address) ? 12 : 0;
        int length = address.length - offset;
        for (int i = 0; i < networks.length; i++) {
            byte[] network = networks[i];
            if (network.length == length && inPrefix(address, offset, network, prefixBits[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean inPrefix(byte[] address, int offset, byte[] network, int bits) {
        int whole = bits >>> 3;
        for (int k = 0; k < whole; k++) {
            if (address[offset + k] != network[k]) {
                return false;
            }
        }
        int rest = bits & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return ((address[offset + whole] ^ network[whole]) & mask) == 0;
    }
}
