package dev.sluice.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One use of a keyword: where it is, its name and its arguments, and the value
 * readers every keyword shares, so that each bad value is reported the same way
 * ({@code FILE:LINE: KEYWORD: expected ..., got '...'}).
 *
 * <p>Immutable.
 */
record Invocation(String file, int line, String keyword, List<String> args, ReadContext context) {
    /** The largest time a timeout may hold, as in HAProxy: what fits in a signed 32-bit count of milliseconds. */
    static final long MAX_TIME_MILLIS = Integer.MAX_VALUE;

    /** Digits, then at most a unit; HAProxy 2.6 warns about, and ignores, anything after a valid unit. */
    private static final Pattern TIME = Pattern.compile("([0-9]+)(?:(us|ms|s|m|h|d)(.*))?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    /** Labels of letters, digits, '-' and '_': names such as {@code web_1} are common in container networks. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
            + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final Pattern PORT_OFFSET = Pattern.compile("[+-][0-9]{1,5}");

    Invocation {
        args = List.copyOf(args);
    }

    /** A use outside any file (tests of one keyword): warnings go nowhere, names resolve as the system does. */
    Invocation(String file, int line, String keyword, List<String> args) {
        this(file, line, keyword, args, ReadContext.standalone(file));
    }

    /** The same place and context, for an option of this keyword, named in full ({@code server s1 maxconn}). */
    Invocation option(String fullName, List<String> values) {
        return new Invocation(file, line, fullName, values, context);
    }

    /** Reports a warning at this line: the line is accepted, but probably not what its author meant. */
    void warn(String reason) {
        context.diagnostics.warn(line, keyword + ": " + reason);
    }

    String arg(int index) {
        return args.get(index);
    }

    ConfigException error(String reason) {
        return new ConfigException(file, line, keyword + ": " + reason);
    }

    /**
     * A time in HAProxy's units (us, ms, s, m, h, d; a bare number is
     * milliseconds), as milliseconds. Microseconds round up, so that a small
     * non-zero time never becomes 0, which means "not set". As HAProxy 2.6 does,
     * characters after a valid unit are ignored with a warning: {@code 10min} is
     * ten minutes.
     */
    long timeMillis(String text) throws ConfigException {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw error("expected a time like 5s or 500ms (units us, ms, s, m, h, d), got '" + text + "'");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        if (m.group(3) != null && !m.group(3).isEmpty()) {
            warn("'" + text + "' is read as " + m.group(1) + unit + ", ignoring '" + m.group(3)
                    + "' (units are us, ms, s, m, h, d), as HAProxy 2.6 does");
        }
        long unitMicros = switch (unit) {
            case "us" -> 1L;
            case "ms" -> 1_000L;
            case "s" -> 1_000_000L;
            case "m" -> 60_000_000L;
            case "h" -> 3_600_000_000L;
            default -> 86_400_000_000L;
        };
        long micros;
        try {
            micros = Math.multiplyExact(Long.parseLong(m.group(1)), unitMicros);
        } catch (ArithmeticException | NumberFormatException tooLong) {
            throw tooLarge(text);
        }
        long millis = micros / 1000 + (micros % 1000 == 0 ? 0 : 1);
        if (millis > MAX_TIME_MILLIS) {
            throw tooLarge(text);
        }
        return millis;
    }

    private ConfigException tooLarge(String text) {
        return error("time '" + text + "' is too large (at most " + MAX_TIME_MILLIS + "ms, about 24 days)");
    }

    /** A whole number in {@code [min, max]}. */
    int number(String text, int min, int max) throws ConfigException {
        String expected = max == Integer.MAX_VALUE ? "a whole number >= " + min
                : "a whole number from " + min + " to " + max;
        if (!DIGITS.matcher(text).matches()) {
            throw error("expected " + expected + ", got '" + text + "'");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException tooLong) {
            value = Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            throw error("expected " + expected + ", got '" + text + "'");
        }
        return (int) value;
    }

    /**
     * A size in bytes, with an optional suffix {@code k}, {@code m} or {@code g}
     * (either case) for powers of 1024, as nginx writes sizes; at most {@code max}.
     */
    long size(String text, long max) throws ConfigException {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw error("expected a size in bytes, with an optional suffix k, m or g, like 10m, got '" + text + "'");
        }
        int shift = m.group(2) == null ? 0 : switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 10;
            case 'm' -> 20;
            default -> 30;
        };
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException tooLong) {
            value = Long.MAX_VALUE;
        }
        if (value > max >> shift) {
            throw error("size '" + text + "' is too large (at most " + max + " bytes)");
        }
        return value << shift;
    }

    /**
     * A listening address, {@code [ADDR]:PORT}. ADDR may be {@code *} or empty
     * (every IPv4 address), an IPv4 address, an IPv6 address (in brackets or not:
     * the port is after the last colon, as in HAProxy), or a host name, resolved
     * now, as HAProxy resolves it at start-up. An {@code ipv4@} or {@code ipv6@}
     * prefix forces the family.
     */
    InetSocketAddress address(String text, int minPort) throws ConfigException {
        Family family = family(text);
        String rest = family.strip(text);
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw error("expected ADDRESS:PORT, got '" + text + "'");
        }
        String portText = rest.substring(colon + 1);
        if (portText.matches("[0-9]+-[0-9]+")) {
            throw error("port ranges are not supported by Sluice; write one bind per port, got '" + text + "'");
        }
        return new InetSocketAddress(host(rest.substring(0, colon), text, family), port(portText, text, minPort));
    }

    /**
     * A server's address, {@code ADDR[:[PORT]]}: without a port, or with
     * {@code +N} or {@code -N}, connections go to the port the client connected
     * to (shifted by N), as in HAProxy.
     */
    ServerAddress serverAddress(String text) throws ConfigException {
        Family family = family(text);
        String rest = family.strip(text);
        boolean bracketed = rest.startsWith("[") && rest.endsWith("]");
        int colon = bracketed ? -1 : rest.lastIndexOf(':');
        if (colon < 0) {
            return new ServerAddress(new InetSocketAddress(host(rest, text, family), 0),
                    ServerAddress.Port.CLIENT_DESTINATION, 0);
        }
        String host = rest.substring(0, colon);
        String portText = rest.substring(colon + 1);
        if (portText.isEmpty() || PORT_OFFSET.matcher(portText).matches()) {
            int offset = portText.isEmpty() ? 0 : Integer.parseInt(portText);
            if (Math.abs(offset) > 65535) {
                throw error("a port offset is at most 65535, got '" + portText + "' in '" + text + "'");
            }
            return new ServerAddress(new InetSocketAddress(host(host, text, family), 0),
                    ServerAddress.Port.CLIENT_DESTINATION, offset);
        }
        return ServerAddress.fixed(new InetSocketAddress(host(host, text, family), port(portText, text, 1)));
    }

    private int port(String portText, String text, int minPort) throws ConfigException {
        if (!DIGITS.matcher(portText).matches() || portText.length() > 5
                || Integer.parseInt(portText) < minPort || Integer.parseInt(portText) > 65535) {
            throw error("expected a port from " + minPort + " to 65535 in '" + text + "', got '" + portText + "'");
        }
        return Integer.parseInt(portText);
    }

    /** The address family an {@code ipv4@} or {@code ipv6@} prefix forces, if any. */
    private enum Family {
        ANY(""), IPV4("ipv4@"), IPV6("ipv6@");

        final String prefix;

        Family(String prefix) {
            this.prefix = prefix;
        }

        String strip(String text) {
            return text.substring(prefix.length());
        }
    }

    private Family family(String text) throws ConfigException {
        if (text.startsWith(Family.IPV4.prefix)) {
            return Family.IPV4;
        }
        if (text.startsWith(Family.IPV6.prefix)) {
            return Family.IPV6;
        }
        if (text.startsWith("/") || text.startsWith("unix@") || text.startsWith("abns@")) {
            throw error("UNIX sockets are not supported by Sluice yet; listen and connect on TCP, got '" + text + "'");
        }
        int at = text.indexOf('@');
        if (at > 0) {
            throw error("address prefix '" + text.substring(0, at + 1) + "' is not supported by Sluice"
                    + " (supported: ipv4@, ipv6@), got '" + text + "'");
        }
        return Family.ANY;
    }

    private InetAddress host(String host, String text, Family family) throws ConfigException {
        try {
            if (host.isEmpty() || host.equals("*")) {
                return family == Family.IPV6 ? InetAddress.getByAddress(new byte[16])
                        : InetAddress.getByAddress(new byte[4]);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
                if (!host.contains(":")) {
                    throw error("expected an IPv6 address inside [...] in '" + text + "'");
                }
            }
            InetAddress address;
            if (host.contains(":")) {
                // A literal with a colon is never looked up in DNS.
                address = InetAddress.getByName(host);
            } else if (IPV4.matcher(host).matches()) {
                address = ipv4(host, text);
            } else if (!HOSTNAME.matcher(host).matches()) {
                throw error("expected a host name or an IP address in '" + text + "', got '" + host + "'");
            } else {
                address = context.resolver.resolve(host);
            }
            if (family == Family.IPV4 && !(address instanceof java.net.Inet4Address)
                    || family == Family.IPV6 && !(address instanceof java.net.Inet6Address)) {
                throw error("'" + host + "' is not an " + (family == Family.IPV4 ? "IPv4" : "IPv6")
                        + " address, as the prefix of '" + text + "' asks");
            }
            return address;
        } catch (UnknownHostException e) {
            throw error("cannot resolve '" + host + "' in '" + text + "'");
        }
    }

    private InetAddress ipv4(String host, String text) throws ConfigException, UnknownHostException {
        // Checked here because InetAddress also takes legacy forms such as "10.1" for 10.0.0.1.
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw error("expected an IPv4 address like 127.0.0.1 in '" + text + "', got '" + host + "'");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                throw error("expected an IPv4 address like 127.0.0.1 in '" + text + "', got '" + host + "'");
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return InetAddress.getByAddress(bytes);
    }
}
