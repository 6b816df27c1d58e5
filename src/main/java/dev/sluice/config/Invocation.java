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
record Invocation(String file, int line, String keyword, List<String> args) {
    /** The largest time a timeout may hold, as in HAProxy: what fits in a signed 32-bit count of milliseconds. */
    static final long MAX_TIME_MILLIS = Integer.MAX_VALUE;

    private static final Pattern TIME = Pattern.compile("([0-9]+)(us|ms|s|m|h|d)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");

    Invocation {
        args = List.copyOf(args);
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
     * non-zero time never becomes 0, which means "not set".
     */
    long timeMillis(String text) throws ConfigException {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw error("expected a time like 5s or 500ms, got '" + text + "'");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
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
     * An {@code ADDR:PORT} address. ADDR may be {@code *} or empty (every IPv4
     * address), an IPv4 address, an IPv6 address in brackets, or a host name,
     * resolved now, as HAProxy resolves it at start-up.
     */
    InetSocketAddress address(String text, int minPort) throws ConfigException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw error("expected ADDRESS:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (!DIGITS.matcher(portText).matches() || portText.length() > 5
                || Integer.parseInt(portText) < minPort || Integer.parseInt(portText) > 65535) {
            throw error("expected a port from " + minPort + " to 65535 in '" + text + "', got '" + portText + "'");
        }
        int port = Integer.parseInt(portText);
        return new InetSocketAddress(host(host, text), port);
    }

    private InetAddress host(String host, String text) throws ConfigException {
        try {
            if (host.isEmpty() || host.equals("*")) {
                return InetAddress.getByAddress(new byte[4]);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                String literal = host.substring(1, host.length() - 1);
                if (!literal.contains(":")) {
                    throw error("expected an IPv6 address inside [...] in '" + text + "'");
                }
                return InetAddress.getByName(literal);
            }
            if (IPV4.matcher(host).matches()) {
                return ipv4(host, text);
            }
            if (host.contains(":")) {
                throw error("an IPv6 address goes inside brackets, as in [::1]:8080, got '" + text + "'");
            }
            if (host.contains("@") || host.contains("/")) {
                throw error("address '" + text + "' is not supported by Sluice (only ADDRESS:PORT)");
            }
            if (!HOSTNAME.matcher(host).matches()) {
                throw error("expected a host name or an IP address in '" + text + "', got '" + host + "'");
            }
            return InetAddress.getByName(host);
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
