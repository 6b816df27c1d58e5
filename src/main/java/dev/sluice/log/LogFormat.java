package dev.sluice.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code log-format}: HAProxy's syntax and meanings, turned once into a
 * flat list of literals, separators and variables so that writing a line only
 * walks arrays.
 *
 * <ul>
 * <li>{@code %name} is a variable ({@link LogVariable}); names are letters and digits,
 *     case-sensitive. {@code %%} is a percent sign.</li>
 * <li>{@code %{+Q}name}: flags, comma-separated, each {@code +} or {@code -} and one of
 *     {@code Q} (quote strings), {@code X} (hexadecimal addresses, ports, {@code %Ts},
 *     {@code %rt}, {@code %pid}), {@code E} (escape {@code "}, {@code \} and {@code ]} with
 *     a backslash). {@code %{...}o} sets the flags of every later variable.</li>
 * <li>A run of spaces is one separator, written only after something that is not
 *     a separator: leading spaces and the gap left by an empty variable vanish, a
 *     trailing space stays.</li>
 * <li>{@code %[sample]} expressions and the TLS variables are refused.</li>
 * </ul>
 *
 * <p>Immutable after compilation: one format is shared by every loop.
 */
public final class LogFormat {
    /** {@code option httplog}, exactly as HAProxy 2.6 defines it. */
    public static final String HTTPLOG = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc"
            + " %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
    /** {@code option httplog clf}. */
    public static final String HTTPLOG_CLF = "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s"
            + " %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";
    /** {@code option tcplog}. */
    public static final String TCPLOG = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

    /** HAProxy's line when a frontend logs but chose no format, written when a connection is accepted. */
    public static final String CONNECT_HTTP = "Connect from %ci:%cp to %fi:%fp (%ft/HTTP)";
    public static final String CONNECT_TCP = "Connect from %ci:%cp to %fi:%fp (%ft/TCP)";

    static final int QUOTE = 1;
    static final int HEX = 2;
    static final int ESCAPE = 4;

    private static final byte LITERAL = 0;
    private static final byte SEPARATOR = 1;
    private static final byte VARIABLE = 2;
    private static final byte SAMPLE = 3;
    /** The longest value a {@code %[...]} writes into a line. */
    static final int SAMPLE_BYTES = 1024;
    private static final ThreadLocal<byte[]> SAMPLE_SCRATCH = ThreadLocal.withInitial(() -> new byte[SAMPLE_BYTES]);

    static final byte[] NOSRV = ascii("<NOSRV>");
    static final byte[] BADREQ = ascii("<BADREQ>");

    private final String text;
    private final LogMode mode;
    private final byte[] nodeKinds;
    private final LogVariable[] variables;
    private final int[] flags;
    private final byte[][] literals;
    private final LogSample[] samples;
    private final boolean countsLines;
    private final boolean atAccept;

    private LogFormat(LogFormat compiled, boolean atAccept) {
        text = compiled.text;
        mode = compiled.mode;
        nodeKinds = compiled.nodeKinds;
        variables = compiled.variables;
        flags = compiled.flags;
        literals = compiled.literals;
        samples = compiled.samples;
        countsLines = compiled.countsLines;
        this.atAccept = atAccept;
    }

    private LogFormat(String text, LogMode mode, List<Node> nodes) {
        this.text = text;
        this.mode = mode;
        int n = nodes.size();
        nodeKinds = new byte[n];
        variables = new LogVariable[n];
        flags = new int[n];
        literals = new byte[n][];
        samples = new LogSample[n];
        boolean counts = false;
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            nodeKinds[i] = node.kind;
            variables[i] = node.variable;
            flags[i] = node.flags;
            literals[i] = node.literal;
            samples[i] = node.sample;
            counts |= node.variable == LogVariable.LOG_COUNTER;
        }
        countsLines = counts;
        atAccept = false;
    }

    private record Node(byte kind, LogVariable variable, int flags, byte[] literal, LogSample sample) {
        Node(byte kind, LogVariable variable, int flags, byte[] literal) {
            this(kind, variable, flags, literal, null);
        }
    }

    /** {@code option httplog}, or {@code option tcplog} in TCP mode (HAProxy falls back the same way). */
    public static LogFormat httplog(LogMode mode) {
        return mode == LogMode.HTTP ? compiled(HTTPLOG, mode) : tcplog(mode);
    }

    /** {@code option httplog clf}, or {@code option tcplog} in TCP mode. */
    public static LogFormat httplogClf(LogMode mode) {
        return mode == LogMode.HTTP ? compiled(HTTPLOG_CLF, mode) : tcplog(mode);
    }

    /**
     * The line of a frontend that logs without {@code option httplog}, {@code option
     * tcplog} or {@code log-format}: {@code Connect from CLIENT to ADDRESS (FRONTEND/MODE)},
     * logged when the connection is accepted ({@link ProxyLog#logsAtAccept()}), not when it ends.
     */
    public static LogFormat connect(LogMode mode) {
        LogFormat format = compiled(mode == LogMode.HTTP ? CONNECT_HTTP : CONNECT_TCP, mode);
        return new LogFormat(format, true);
    }

    /** {@code option tcplog}. */
    public static LogFormat tcplog(LogMode mode) {
        return compiled(TCPLOG, mode);
    }

    private static LogFormat compiled(String text, LogMode mode) {
        try {
            return compile(text, mode);
        } catch (LogConfigException e) {
            throw new IllegalStateException("predefined format does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * Compiles a {@code log-format} string (after the configuration's quotes and
     * backslashes were read) for a proxy in {@code mode}.
     */
    public static LogFormat compile(String text, LogMode mode) throws LogConfigException {
        return compile(text, mode, null);
    }

    /**
     * As {@link #compile(String, LogMode)}, with {@code %[...]} sample
     * expressions compiled by {@code samples} (refused when it is null).
     */
    public static LogFormat compile(String text, LogMode mode, LogSample.Compiler samples) throws LogConfigException {
        List<Node> nodes = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int defaults = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ') {
                flushLiteral(nodes, literal);
                while (i < n && text.charAt(i) == ' ') {
                    i++;
                }
                nodes.add(new Node(SEPARATOR, null, 0, null));
                continue;
            }
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 == n) {
                throw new LogConfigException("log-format: truncated line after '%'");
            }
            if (text.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int j = i + 1;
            int varFlags = defaults;
            if (text.charAt(j) == '{') {
                int close = text.indexOf('}', j);
                if (close < 0) {
                    throw new LogConfigException("log-format: truncated line after '" + text.substring(j + 1)
                            + "' (a '}' is missing)");
                }
                varFlags = applyFlags(defaults, text.substring(j + 1, close));
                j = close + 1;
            }
            if (j < n && text.charAt(j) == '[') {
                if (samples == null) {
                    throw new LogConfigException("log-format: sample expressions (%[...]) are not supported by Sluice"
                            + " here; use the % variables listed in docs/logging.md");
                }
                int close = dev.sluice.util.Brackets.closing(text, j + 1, ']');
                if (close < 0) {
                    throw new LogConfigException("log-format: missing ']' after '" + text.substring(i) + "'");
                }
                flushLiteral(nodes, literal);
                nodes.add(new Node(SAMPLE, null, varFlags, null, samples.compile(text.substring(j + 1, close))));
                i = close + 1;
                continue;
            }
            int start = j;
            while (j < n && isNameChar(text.charAt(j))) {
                j++;
            }
            if (j == start) {
                throw new LogConfigException("log-format: expected a variable name after '" + text.substring(i, j)
                        + "'. If you wanted to emit the '%' character verbatim, you need to use '%%'");
            }
            String name = text.substring(start, j);
            if (name.equals("o")) {
                defaults = varFlags;
                i = j;
                continue;
            }
            LogVariable variable = LogVariable.byWord(name);
            if (variable == null) {
                throw new LogConfigException("log-format: no such format variable '" + name + "'. If you wanted"
                        + " to emit the '%' character verbatim, you need to use '%%'");
            }
            if (variable.httpOnly && mode != LogMode.HTTP) {
                throw new LogConfigException("log-format: format variable '" + name + "' is reserved for HTTP mode");
            }
            flushLiteral(nodes, literal);
            nodes.add(new Node(VARIABLE, variable, varFlags, null));
            i = j;
        }
        flushLiteral(nodes, literal);
        return new LogFormat(text, mode, nodes);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int applyFlags(int base, String list) throws LogConfigException {
        int result = base;
        for (String item : list.split(",", -1)) {
            if (item.length() != 2 || (item.charAt(0) != '+' && item.charAt(0) != '-')) {
                throw new LogConfigException("log-format: expected a flag such as +Q or -Q in '{" + list + "}', got '"
                        + item + "'");
            }
            int bit = switch (item.charAt(1)) {
                case 'Q' -> QUOTE;
                case 'X' -> HEX;
                case 'E' -> ESCAPE;
                default -> throw new LogConfigException("log-format: unknown flag '" + item.charAt(1) + "' in '{"
                        + list + "}' (known: Q, X, E)");
            };
            result = item.charAt(0) == '+' ? result | bit : result & ~bit;
        }
        return result;
    }

    private static void flushLiteral(List<Node> nodes, StringBuilder literal) {
        if (!literal.isEmpty()) {
            nodes.add(new Node(LITERAL, null, 0, literal.toString().getBytes(StandardCharsets.ISO_8859_1)));
            literal.setLength(0);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The format as written in the configuration. */
    public String text() {
        return text;
    }

    public LogMode mode() {
        return mode;
    }

    /** True for {@link #connect}: the line is logged at accept time. */
    boolean atAccept() {
        return atAccept;
    }

    /** True if the format uses {@code %lc}, so its proxy must count the lines it logs. */
    boolean countsLines() {
        return countsLines;
    }

    // ---- writing a line

    /** Appends the line for {@code r} to {@code out}; {@code lineNumber} is {@code %lc}. Allocates nothing. */
    void format(LogRecord r, LineBuilder out, long lineNumber) {
        boolean afterSeparator = true;
        for (int i = 0; i < nodeKinds.length; i++) {
            switch (nodeKinds[i]) {
                case LITERAL -> {
                    out.put(literals[i]);
                    afterSeparator = false;
                }
                case SEPARATOR -> {
                    if (!afterSeparator) {
                        out.put(' ');
                        afterSeparator = true;
                    }
                }
                case SAMPLE -> {
                    byte[] value = SAMPLE_SCRATCH.get();
                    int length = samples[i].render(r.sampleContext, value, 0);
                    if (length == 0) {
                        LogValues.absent(flags[i], out);
                    } else {
                        LogValues.quoted(flags[i], out, value, 0, length, true);
                    }
                    afterSeparator = false;
                }
                default -> {
                    int before = out.length();
                    variable(variables[i], flags[i], r, out, lineNumber);
                    if (out.length() != before) {
                        afterSeparator = false;
                    }
                }
            }
        }
    }

    private void variable(LogVariable v, int f, LogRecord r, LineBuilder out, long lineNumber) {
        switch (v) {
            case BYTES_READ -> out.putDecimal(r.bytesToClient);
            case BYTES_UPLOADED -> out.putDecimal(r.bytesFromClient);
            case REQUEST_COOKIE, RESPONSE_COOKIE -> LogValues.absent(f, out);
            case HOSTNAME -> LogValues.string(out.hostname, f, out);
            case METHOD -> LogValues.requestPart(r, 0, r.methodLength, f, out);
            case URI -> LogValues.requestPart(r, r.methodLength, r.uriLength, f, out);
            case URI_PATH -> LogValues.requestPart(r, r.methodLength, LogValues.pathLength(r), f, out);
            case PATH_ONLY -> LogValues.pathOnly(r, f, out);
            case QUERY -> {
                int path = LogValues.pathLength(r);
                LogValues.requestPart(r, r.methodLength + path, r.uriLength - path, f, out);
            }
            case VERSION -> LogValues.requestPart(r, r.methodLength + r.uriLength, r.versionLength, f, out);
            case REQUEST -> LogValues.requestLine(r, f, out);
            case TLS_CIPHER -> LogValues.absentOr(r.tlsCipher, f, out);
            case TLS_VERSION -> LogValues.absentOr(r.tlsVersion, f, out);
            case UNIQUE_ID -> {
                if (r.uniqueIdLength == 0) {
                    LogValues.absent(f, out);
                } else {
                    LogValues.quoted(f, out, r.uniqueId, 0, r.uniqueIdLength, false);
                }
            }
            case STATUS -> out.putDecimal(r.status);
            case GMT_DATE -> out.putDateZone(r.acceptEpochMillis, false);
            case LOCAL_DATE -> out.putDateZone(r.acceptEpochMillis, true);
            case ACCEPT_DATE -> out.putDateMillis(r.acceptEpochMillis);
            case REQUEST_DATE -> out.putDateMillis(LogTimers.requestDate(r));
            case REQUEST_GMT_DATE -> out.putDateZone(LogTimers.requestDate(r), false);
            case REQUEST_LOCAL_DATE -> out.putDateZone(LogTimers.requestDate(r), true);
            case TIMESTAMP -> LogValues.number(Math.floorDiv(r.acceptEpochMillis, 1000), f, 8, out);
            case ACCEPT_MILLIS -> out.putPadded((int) Math.floorMod(r.acceptEpochMillis, 1000), 3);
            case HANDSHAKE_TIME -> out.putDecimal(LogTimers.handshake(r));
            case IDLE_TIME -> out.putDecimal(LogTimers.idle(r));
            case REQUEST_TIME -> out.putDecimal(LogTimers.requestTime(r));
            case REQUEST_TOTAL_TIME -> out.putDecimal(LogTimers.totalRequestTime(r));
            case QUEUE_TIME -> out.putDecimal(LogTimers.queueTime(r));
            case CONNECT_TIME -> out.putDecimal(LogTimers.connectTime(r));
            case RESPONSE_TIME -> out.putDecimal(LogTimers.responseTime(r));
            case ACTIVE_TIME -> out.putDecimal(LogTimers.activeTime(r));
            case TOTAL_TIME -> out.putDecimal(LogTimers.totalTime(r));
            case DATA_TIME -> out.putDecimal(LogTimers.dataTime(r));
            case USER_TIME -> {
                long total = LogTimers.totalTime(r);
                out.putDecimal(total < 0 ? -1 : total - Math.max(LogTimers.idle(r), 0));
            }
            case BUFFER_WAIT -> out.putDecimal((r.bufferWaitNanos[0] + r.bufferWaitNanos[1] + r.bufferWaitNanos[2])
                    / 1_000_000);
            case BUFFER_WAIT_CRITICAL -> out.putDecimal(r.bufferWaitNanos[0] / 1_000_000);
            case BUFFER_WAIT_URGENT -> out.putDecimal(r.bufferWaitNanos[1] / 1_000_000);
            case BUFFER_WAIT_NORMAL -> out.putDecimal(r.bufferWaitNanos[2] / 1_000_000);
            case ACTIVE_CONNECTIONS -> out.putDecimal(r.activeConnections);
            case FRONTEND_CONNECTIONS -> out.putDecimal(r.frontendConnections);
            case BACKEND_CONNECTIONS -> out.putDecimal(r.backendConnections);
            case SERVER_CONNECTIONS -> out.putDecimal(r.serverConnections);
            case RETRIES -> out.putDecimal(r.retries);
            case SERVER_QUEUE -> out.putDecimal(r.serverQueuePosition);
            case BACKEND_QUEUE -> out.putDecimal(r.backendQueuePosition);
            case REQUEST_COUNTER -> LogValues.number(r.requestCounter, f, 4, out);
            case LOG_COUNTER -> out.putDecimal(lineNumber);
            case PID -> LogValues.number(out.pid, f, 4, out);
            case BACKEND -> LogValues.string(r.backend != null ? r.backend : r.frontend, f, out);
            case FRONTEND -> LogValues.string(r.frontend, f, out);
            case FRONTEND_TRANSPORT -> LogValues.string(r.frontendTransport, f, out);
            case SERVER -> {
                if (r.server == null) {
                    LogValues.quoted(f, out, NOSRV, 0, NOSRV.length, false);
                } else {
                    LogValues.string(r.server, f, out);
                }
            }
            case CLIENT_IP -> LogValues.ip(r.clientIp, r.clientIpLength, f, out);
            case CLIENT_PORT -> LogValues.port(r.clientPort, f, out);
            case FRONTEND_IP -> LogValues.ip(r.frontendIp, r.frontendIpLength, f, out);
            case FRONTEND_PORT -> LogValues.port(r.frontendPort, f, out);
            case SERVER_IP -> LogValues.ip(r.serverIp, r.serverIpLength, f, out);
            case SERVER_PORT -> LogValues.port(r.serverPort, f, out);
            case SOURCE_IP -> LogValues.ip(r.sourceIp, r.sourceIpLength, f, out);
            case SOURCE_PORT -> LogValues.port(r.sourcePort, f, out);
            case REQUEST_HEADERS -> LogValues.captures(r, false, f, out);
            case RESPONSE_HEADERS -> LogValues.captures(r, true, f, out);
            case REQUEST_HEADERS_CLF -> LogValues.captureList(r, false, f, out);
            case RESPONSE_HEADERS_CLF -> LogValues.captureList(r, true, f, out);
            case TERMINATION -> {
                out.put(r.cause.code());
                out.put(r.phase.code());
            }
            case TERMINATION_COOKIE -> {
                out.put(r.cause.code());
                out.put(r.phase.code());
                out.put(r.cookieRequest);
                out.put(r.cookieResponse);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
