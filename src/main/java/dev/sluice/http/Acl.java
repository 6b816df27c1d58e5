package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One compiled ACL line: a fetch, a way to match, and its values, pre-encoded
 * as bytes. {@link #matches(HttpRequestView)} compares the request's bytes in
 * place with those constants, so testing an ACL allocates nothing. Several
 * values are alternatives: the ACL matches when any one does.
 *
 * <p>A fetch that finds nothing (a target without a path, an absent header,
 * an unknown client address) matches no value; {@code !} then makes it true,
 * as in HAProxy.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class Acl {
    private final Fetch fetch;
    private final AclMatch match;
    private final boolean ignoreCase;
    /** The header name for {@link Fetch#HDR}, lower case. */
    private final byte[] header;
    /** Text values, lower case when {@link #ignoreCase}. */
    private final byte[][] values;
    /** For {@link Fetch#SRC} and {@link Fetch#DST}: network addresses (4 or 16 bytes) and their prefix lengths in bits. */
    private final byte[][] networks;
    private final int[] prefixBits;
    /** For {@link AclMatch#INT}: each value's range, both ends included. */
    private final int[] low;
    private final int[] high;

    private Acl(Fetch fetch, AclMatch match, boolean ignoreCase, byte[] header, byte[][] values,
            byte[][] networks, int[] prefixBits, int[] low, int[] high) {
        this.fetch = fetch;
        this.match = match;
        this.ignoreCase = ignoreCase;
        this.header = header;
        this.values = values;
        this.networks = networks;
        this.prefixBits = prefixBits;
        this.low = low;
        this.high = high;
    }

    /**
     * Compiles one ACL, checking that its parts fit together.
     *
     * @param header the header name for {@link Fetch#HDR}, else null
     * @param values the values; none for {@link AclMatch#FOUND}, at least one otherwise
     * @throws IllegalArgumentException with a message fit for the user when they do not
     */
    public static Acl compile(Fetch fetch, String header, AclMatch match, boolean ignoreCase, List<String> values) {
        if ((fetch == Fetch.HDR) != (header != null)) {
            throw new IllegalArgumentException(fetch == Fetch.HDR ? "hdr needs a header name, as in hdr(host)"
                    : fetch.keyword() + " takes no argument in parentheses");
        }
        if (header != null) {
            checkFieldName(header);
        }
        boolean address = fetch == Fetch.SRC || fetch == Fetch.DST;
        if (address != (match == AclMatch.IP)) {
            throw new IllegalArgumentException(address ? fetch.keyword() + " matches addresses only (-m ip)"
                    : "-m ip applies to src and dst only");
        }
        if ((fetch == Fetch.DST_PORT) != (match == AclMatch.INT)) {
            throw new IllegalArgumentException(fetch == Fetch.DST_PORT ? "dst_port matches numbers only (-m int)"
                    : "-m int applies to dst_port only");
        }
        if ((address || fetch == Fetch.DST_PORT) && ignoreCase) {
            throw new IllegalArgumentException("-i has no meaning for " + fetch.keyword());
        }
        if (match == AclMatch.FOUND && !values.isEmpty()) {
            throw new IllegalArgumentException("-m found takes no value, got '" + values.get(0) + "'");
        }
        if (match != AclMatch.FOUND && values.isEmpty()) {
            throw new IllegalArgumentException("needs at least one value to match");
        }
        byte[] name = header == null ? null : lowerAscii(header);
        if (address) {
            byte[][] networks = new byte[values.size()][];
            int[] bits = new int[values.size()];
            for (int i = 0; i < values.size(); i++) {
                network(values.get(i), networks, bits, i);
            }
            return new Acl(fetch, match, false, null, new byte[0][], networks, bits, new int[0], new int[0]);
        }
        if (match == AclMatch.INT) {
            int[] low = new int[values.size()];
            int[] high = new int[values.size()];
            for (int i = 0; i < values.size(); i++) {
                range(values.get(i), low, high, i);
            }
            return new Acl(fetch, match, false, null, new byte[0][], new byte[0][], new int[0], low, high);
        }
        byte[][] encoded = new byte[values.size()][];
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            encoded[i] = (ignoreCase ? lowerAscii(value) : value.getBytes(StandardCharsets.UTF_8));
        }
        return new Acl(fetch, match, ignoreCase, name, encoded, new byte[0][], new int[0], new int[0], new int[0]);
    }

    /** Parses {@code N}, {@code LOW:HIGH}, {@code :HIGH} or {@code LOW:}, as HAProxy writes integer ranges. */
    private static void range(String text, int[] low, int[] high, int i) {
        int colon = text.indexOf(':');
        String from = colon < 0 ? text : text.substring(0, colon);
        String to = colon < 0 ? text : text.substring(colon + 1);
        low[i] = from.isEmpty() && colon >= 0 ? 0 : port(from, text);
        high[i] = to.isEmpty() && colon >= 0 ? Integer.MAX_VALUE : port(to, text);
        if (low[i] > high[i]) {
            throw new IllegalArgumentException("the range '" + text + "' is empty");
        }
    }

    private static int port(String number, String text) {
        if (!number.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("expected a number or a range LOW:HIGH, got '" + text + "'");
        }
        return Integer.parseInt(number);
    }

    /** True when {@code value} equals one of an {@link AclMatch#INT} ACL's values or lies in one of its ranges. */
    public boolean matchesNumber(int value) {
        for (int i = 0; i < low.length; i++) {
            if (value >= low[i] && value <= high[i]) {
                return true;
            }
        }
        return false;
    }

    /** Refuses a header name that is not a token (RFC 9110 section 5.1). */
    static void checkFieldName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a header name cannot be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !HttpBytes.isTchar(c)) {
                throw new IllegalArgumentException("'" + name + "' is not a valid header name");
            }
        }
    }

    /** ASCII letters folded to lower case; other characters as UTF-8, so they never equal an ASCII byte. */
    static byte[] lowerAscii(String text) {
        StringBuilder folded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@code ADDRESS[/BITS]}; an IPv4-mapped IPv6 network is kept as the IPv4 one it denotes. */
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

    private static boolean isV4Mapped(byte[] address) {
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

    /** True when the request matches this ACL. Allocates nothing. */
    public boolean matches(HttpRequestView request) {
        return switch (fetch) {
            case PATH -> matchesPath(request);
            case HDR -> matchesHeader(request);
            case METHOD -> matchesText(request.buffer(), request.methodStart(), request.methodEnd());
            case SRC -> matchesAddress(request.addresses().client());
            case DST -> matchesAddress(request.addresses().destination());
            case DST_PORT -> matchesNumber(request.addresses().destinationPort());
        };
    }

    private boolean matchesPath(HttpRequestView request) {
        long range = pathRange(request.buffer(), request.targetStart(), request.targetEnd());
        return range >= 0 && matchesText(request.buffer(), (int) (range >>> 32), (int) range);
    }

    /**
     * The path inside a request target, packed as {@code start << 32 | end}, or -1
     * when the target has none (asterisk form, authority form, an absolute URI
     * without a path). The path ends before {@code ?}.
     */
    static long pathRange(Buffer buffer, int start, int end) {
        int pathStart;
        if (start < end && buffer.get(start) == '/') {
            pathStart = start;
        } else {
            int authority = schemeEnd(buffer, start, end);
            if (authority < 0) {
                return -1;
            }
            pathStart = authority;
            while (pathStart < end && buffer.get(pathStart) != '/' && buffer.get(pathStart) != '?') {
                pathStart++;
            }
            if (pathStart == end || buffer.get(pathStart) != '/') {
                return -1;
            }
        }
        int pathEnd = pathStart;
        while (pathEnd < end && buffer.get(pathEnd) != '?') {
            pathEnd++;
        }
        return ((long) pathStart << 32) | pathEnd;
    }

    /** The index after {@code scheme://} in an absolute-form target, or -1 when it is not one. */
    private static int schemeEnd(Buffer buffer, int start, int end) {
        int i = start;
        while (i < end) {
            int b = buffer.get(i);
            boolean letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
            boolean other = i > start && ((b >= '0' && b <= '9') || b == '+' || b == '-' || b == '.');
            if (!letter && !other) {
                break;
            }
            i++;
        }
        if (i == start || i + 3 > end || buffer.get(i) != ':' || buffer.get(i + 1) != '/' || buffer.get(i + 2) != '/') {
            return -1;
        }
        return i + 3;
    }

    /** Every occurrence of the header, and in each every comma-separated element, as HAProxy's hdr() does. */
    private boolean matchesHeader(HttpRequestView request) {
        Buffer buffer = request.buffer();
        int count = request.headerCount();
        for (int h = 0; h < count; h++) {
            if (!HttpBytes.equalsIgnoreCase(buffer, request.nameStart(h), request.nameEnd(h), header)) {
                continue;
            }
            if (match == AclMatch.FOUND) {
                return true;
            }
            int ve = request.valueEnd(h);
            int i = request.valueStart(h);
            do {
                int comma = HttpBytes.nextComma(buffer, i, ve);
                int s = HttpBytes.skipWhitespace(buffer, i, comma);
                int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
                if (matchesText(buffer, s, e)) {
                    return true;
                }
                i = comma + 1;
            } while (i <= ve);
        }
        return false;
    }

    private boolean matchesText(Buffer buffer, int start, int end) {
        if (match == AclMatch.FOUND) {
            return true;
        }
        for (byte[] value : values) {
            if (matchesOne(buffer, start, end, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesOne(Buffer buffer, int start, int end, byte[] value) {
        int n = value.length;
        int length = end - start;
        return switch (match) {
            case STR -> length == n && regionEquals(buffer, start, value);
            case BEG -> length >= n && regionEquals(buffer, start, value);
            case END -> length >= n && regionEquals(buffer, end - n, value);
            case SUB -> contains(buffer, start, end, value);
            default -> false;
        };
    }

    private boolean contains(Buffer buffer, int start, int end, byte[] value) {
        for (int at = start; at + value.length <= end; at++) {
            if (regionEquals(buffer, at, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean regionEquals(Buffer buffer, int at, byte[] value) {
        for (int k = 0; k < value.length; k++) {
            int b = buffer.get(at + k);
            // Folding only A-Z keeps bytes >= 0x80 distinct from every ASCII constant.
            if (ignoreCase && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != value[k]) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesAddress(byte[] client) {
        // An IPv4 client seen through an IPv6 socket is still an IPv4 client.
        int offset = isV4Mapped(client) ? 12 : 0;
        int length = client.length - offset;
        for (int i = 0; i < networks.length; i++) {
            byte[] network = networks[i];
            if (network.length == length && inPrefix(client, offset, network, prefixBits[i])) {
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

    @Override
    public String toString() {
        String name = fetch == Fetch.HDR ? "hdr(" + new String(header, StandardCharsets.UTF_8) + ")" : fetch.keyword();
        return name + (ignoreCase ? " -i" : "") + " -m " + match.keyword();
    }
}
