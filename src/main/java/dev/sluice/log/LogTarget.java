package dev.sluice.log;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * One parsed {@code log} line: where lines go, how long they may be, which
 * header they get, and which levels pass.
 *
 * <pre>
 * log stdout|stderr|ADDRESS[:PORT]|/PATH [len N] [format NAME] FACILITY [LEVEL [MINLEVEL]]
 * </pre>
 *
 * <p>HAProxy's meanings: an address without a port means UDP port 514; an IPv6
 * address is followed by a colon and an optional port ({@code ::1:514}, or
 * {@code [::1]:514}); a path (or {@code unix@PATH}, {@code uxdg@PATH}) is a
 * UNIX datagram socket such as {@code /dev/log}; {@code fd@1} and {@code fd@2}
 * are standard output and error. {@code len} is 80 to 65535 (default 1024) and
 * caps the whole line, header included. A line is sent if its level is at least
 * as severe as LEVEL (default: all), and a level more severe than MINLEVEL is
 * lowered to MINLEVEL.
 *
 * <p>Immutable: safe to share between threads.
 */
public final class LogTarget {
    /** What kind of place a line goes to. */
    public enum Kind {
        STDOUT, STDERR, UDP, UNIX
    }

    public static final int DEFAULT_MAX_LENGTH = 1024;
    public static final int MIN_MAX_LENGTH = 80;
    public static final int MAX_MAX_LENGTH = 65535;
    public static final int DEFAULT_SYSLOG_PORT = 514;

    private final Kind kind;
    private final InetSocketAddress address;
    private final String path;
    private final int maxLength;
    private final SyslogFormat format;
    private final LogFacility facility;
    private final LogLevel maxLevel;
    private final LogLevel minLevel;

    /**
     * A target built directly. {@code format} null means the default: {@code local},
     * or {@code rfc3164} when the process sends its host name.
     */
    public LogTarget(Kind kind, InetSocketAddress address, String path, int maxLength, SyslogFormat format,
            LogFacility facility, LogLevel maxLevel, LogLevel minLevel) {
        this.kind = Objects.requireNonNull(kind);
        this.address = kind == Kind.UDP ? Objects.requireNonNull(address) : null;
        this.path = kind == Kind.UNIX ? Objects.requireNonNull(path) : null;
        if (maxLength < MIN_MAX_LENGTH || maxLength > MAX_MAX_LENGTH) {
            throw new IllegalArgumentException("len " + maxLength);
        }
        this.maxLength = maxLength;
        this.format = format;
        this.facility = Objects.requireNonNull(facility);
        this.maxLevel = Objects.requireNonNull(maxLevel);
        this.minLevel = Objects.requireNonNull(minLevel);
    }

    /** A UDP syslog target with every other setting at its default. */
    public static LogTarget udp(InetSocketAddress address, LogFacility facility) {
        return new LogTarget(Kind.UDP, address, null, DEFAULT_MAX_LENGTH, null, facility, LogLevel.DEBUG,
                LogLevel.EMERG);
    }

    /**
     * Parses the words after {@code log} (not {@code log global}, which
     * {@link LogLines} handles).
     */
    public static LogTarget parse(List<String> words) throws LogConfigException {
        if (words.isEmpty()) {
            throw new LogConfigException("log needs an address and a facility: log <address> [len <length>]"
                    + " [format <format>] <facility> [<level> [<minlevel>]]");
        }
        String where = words.get(0);
        int i = 1;
        int maxLength = DEFAULT_MAX_LENGTH;
        SyslogFormat format = null;
        while (i < words.size()) {
            String word = words.get(i);
            if (word.equals("len")) {
                maxLength = number(value(words, i), "len", MIN_MAX_LENGTH, MAX_MAX_LENGTH);
                i += 2;
            } else if (word.equals("format")) {
                String name = value(words, i);
                format = SyslogFormat.byKeyword(name);
                if (format == null) {
                    throw new LogConfigException("log: unknown format '" + name + "' (expected local, rfc3164,"
                            + " rfc5424, priority, short, timed, iso or raw)");
                }
                i += 2;
            } else if (word.equals("sample")) {
                throw new LogConfigException("log ... sample is not supported by Sluice");
            } else {
                break;
            }
        }
        if (i == words.size()) {
            throw new LogConfigException("log " + where + ": a facility is required (kern, user, mail, daemon,"
                    + " auth, syslog, lpr, news, uucp, cron, auth2, ftp, ntp, audit, alert, cron2, local0 to local7)");
        }
        LogFacility facility = LogFacility.byKeyword(words.get(i));
        if (facility == null) {
            throw new LogConfigException("log " + where + ": unknown facility '" + words.get(i) + "' (expected"
                    + " kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, auth2, ftp, ntp, audit,"
                    + " alert, cron2 or local0 to local7)");
        }
        i++;
        LogLevel maxLevel = LogLevel.DEBUG;
        LogLevel minLevel = LogLevel.EMERG;
        if (i < words.size()) {
            maxLevel = level(words.get(i++), where);
        }
        if (i < words.size()) {
            minLevel = level(words.get(i++), where);
        }
        if (i < words.size()) {
            throw new LogConfigException("log " + where + ": unexpected '" + words.get(i) + "' after the levels");
        }
        return destination(where, maxLength, format, facility, maxLevel, minLevel);
    }

    private static LogTarget destination(String where, int maxLength, SyslogFormat format, LogFacility facility,
            LogLevel maxLevel, LogLevel minLevel) throws LogConfigException {
        if (where.equals("stdout") || where.equals("fd@1")) {
            return new LogTarget(Kind.STDOUT, null, null, maxLength, format, facility, maxLevel, minLevel);
        }
        if (where.equals("stderr") || where.equals("fd@2")) {
            return new LogTarget(Kind.STDERR, null, null, maxLength, format, facility, maxLevel, minLevel);
        }
        if (where.startsWith("/") || where.startsWith("unix@") || where.startsWith("uxdg@")) {
            String path = where.startsWith("/") ? where : where.substring(5);
            if (path.isEmpty()) {
                throw new LogConfigException("log " + where + ": the UNIX socket path is empty");
            }
            return new LogTarget(Kind.UNIX, null, path, maxLength, format, facility, maxLevel, minLevel);
        }
        int at = where.indexOf('@');
        String host = where;
        if (at >= 0) {
            String prefix = where.substring(0, at);
            switch (prefix) {
                case "udp", "udp4", "udp6", "ipv4", "ipv6" -> host = where.substring(at + 1);
                case "fd" -> throw new LogConfigException("log " + where + ": only fd@1 (stdout) and fd@2 (stderr)"
                        + " are supported by Sluice");
                case "ring", "tcp", "tcp4", "tcp6", "uxst" -> throw new LogConfigException("log " + where + ": "
                        + prefix + "@ targets are not supported by Sluice (UDP, UNIX datagram sockets, stdout and"
                        + " stderr are)");
                default -> throw new LogConfigException("log " + where + ": unknown address prefix '" + prefix
                        + "@'");
            }
        }
        return new LogTarget(Kind.UDP, udpAddress(where, host), null, maxLength, format, facility, maxLevel,
                minLevel);
    }

    /** {@code HOST}, {@code HOST:PORT}, {@code IPV6:}, {@code IPV6:PORT} or {@code [IPV6]:PORT}. */
    private static InetSocketAddress udpAddress(String where, String text) throws LogConfigException {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new LogConfigException("log " + where + ": expected [IPv6]:port");
            }
            host = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : "";
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? "" : text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new LogConfigException("log " + where + ": the address is empty");
        }
        int portNumber = port.isEmpty() ? DEFAULT_SYSLOG_PORT : number(port, "port", 1, 65535);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), portNumber);
        } catch (UnknownHostException e) {
            throw new LogConfigException("log " + where + ": cannot resolve '" + host + "'");
        }
    }

    private static String value(List<String> words, int i) throws LogConfigException {
        if (i + 1 >= words.size()) {
            throw new LogConfigException("log: '" + words.get(i) + "' needs a value");
        }
        return words.get(i + 1);
    }

    private static int number(String text, String what, int min, int max) throws LogConfigException {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new LogConfigException("log: " + what + " must be a number from " + min + " to " + max + ", got '"
                + text + "'");
    }

    private static LogLevel level(String word, String where) throws LogConfigException {
        LogLevel level = LogLevel.byKeyword(word);
        if (level == null) {
            throw new LogConfigException("log " + where + ": unknown level '" + word + "' (expected emerg, alert,"
                    + " crit, err, warning, notice, info or debug)");
        }
        return level;
    }

    public Kind kind() {
        return kind;
    }

    /** The UDP destination, or null. */
    public InetSocketAddress address() {
        return address;
    }

    /** The UNIX socket path, or null. */
    public String path() {
        return path;
    }

    /** The longest line sent, header included (the newline excluded). */
    public int maxLength() {
        return maxLength;
    }

    /** The format given on the line, or null for the default. */
    public SyslogFormat format() {
        return format;
    }

    /** The format used: the one given, else {@code rfc3164} if a host name is sent, else {@code local}. */
    public SyslogFormat format(SyslogIdentity identity) {
        if (format != null) {
            return format;
        }
        return identity.hostname() != null ? SyslogFormat.RFC3164 : SyslogFormat.LOCAL;
    }

    public LogFacility facility() {
        return facility;
    }

    /** The least severe level sent. */
    public LogLevel maxLevel() {
        return maxLevel;
    }

    /** The most severe level written: more severe levels are lowered to it. */
    public LogLevel minLevel() {
        return minLevel;
    }

    /** Where lines go, as one word: {@code stdout}, {@code 127.0.0.1:514}, {@code /dev/log}. */
    public String destination() {
        return switch (kind) {
            case STDOUT -> "stdout";
            case STDERR -> "stderr";
            case UNIX -> path;
            case UDP -> address.getAddress().getHostAddress() + ":" + address.getPort();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogTarget t && kind == t.kind && Objects.equals(address, t.address)
                && Objects.equals(path, t.path) && maxLength == t.maxLength && format == t.format
                && facility == t.facility && maxLevel == t.maxLevel && minLevel == t.minLevel;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, address, path, maxLength, format, facility, maxLevel, minLevel);
    }

    @Override
    public String toString() {
        return "log " + destination() + " len " + maxLength + (format == null ? "" : " format " + format.keyword())
                + " " + facility.keyword() + " " + maxLevel.keyword() + " " + minLevel.keyword();
    }
}
