package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import dev.sluice.stick.StickCounters;
import dev.sluice.stick.StickTable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

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
 * <p>The text values and their matching, regular expressions among them, are
 * {@code AclText}'s; a regular expression ({@code -m reg}, {@code path_reg})
 * runs over the request's bytes in place with a matcher kept per thread: after
 * a loop's first test of an ACL, testing it allocates nothing.
 *
 * <p>Immutable (its per-thread matchers aside); safe to share between loops.
 */
public final class Acl {
    /** The fetches whose values are numbers, matched with {@link AclMatch#INT}. */
    private static final java.util.Set<Fetch> NUMBERS = numbers();
    /** The fetches whose values are text, matched with the string matches or {@link AclMatch#REG}. */
    private static final java.util.Set<Fetch> TEXT = java.util.EnumSet.of(Fetch.PATH, Fetch.URL, Fetch.HDR,
            Fetch.METHOD, Fetch.SSL_FC_SNI, Fetch.SSL_FC_PROTOCOL, Fetch.REQ_SSL_SNI, Fetch.VAR);
    /** {@link #evaluate}: the ACL matches. */
    public static final int PASS = 1;
    /** {@link #evaluate}: it does not, and more bytes cannot change that. */
    public static final int FAIL = 0;
    /** {@link #evaluate}: it does not match yet, but the payload may still grow and make it match. */
    public static final int MISS = 2;

    private final Fetch fetch;
    private final AclMatch match;
    private final boolean ignoreCase;
    /** The header name of {@link Fetch#HDR} and {@link Fetch#HDR_CNT}, lower case, or null. */
    private final byte[] header;
    /** The backend of {@link Fetch#NBSRV}, the interned variable name of {@link Fetch#VAR}, else null. */
    private final String backend;
    /** The text values and the way to match them (none for an address or a number ACL). */
    private final AclText text;
    /** For {@link Fetch#SRC} and {@link Fetch#DST}, else null. */
    private final AclNetworks networks;
    /** For {@link AclMatch#INT}, else null. */
    private final AclNumbers numbers;
    /** The sticky counter an {@code sc_*} fetch reads (0, 1 or 2). */
    private int counter;
    /**
     * The table of a {@code src_*} fetch; of an {@code sc_*} fetch, the table
     * to read the tracked key in instead of the tracked one, or null.
     */
    private String stickTable;

    private Acl(Fetch fetch, AclMatch match, boolean ignoreCase, byte[] header, String backend, byte[][] values,
            Pattern[] patterns, AclNetworks networks, AclNumbers numbers) {
        this.fetch = fetch;
        this.match = match;
        this.ignoreCase = ignoreCase;
        this.header = header;
        this.backend = backend;
        this.text = new AclText(match, ignoreCase, values, patterns);
        this.networks = networks;
        this.numbers = numbers;
    }

    /**
     * Compiles one ACL, checking that its parts fit together.
     *
     * @param argument the argument in parentheses: the header name of {@link Fetch#HDR} (needed) and
     *     {@link Fetch#HDR_CNT} (optional), the backend of {@link Fetch#NBSRV} (needed); else null
     * @param values the values; none for {@link AclMatch#FOUND} and {@link AclMatch#BOOL}, at least one otherwise
     * @throws IllegalArgumentException with a message fit for the user when they do not
     */
    public static Acl compile(Fetch fetch, String argument, AclMatch match, boolean ignoreCase, List<String> values) {
        checkArgument(fetch, argument);
        if (fetch.readsTrackedCounter() || fetch.readsClientEntry()) {
            Acl acl = compileChecked(fetch, null, match, ignoreCase, values);
            acl.stick(argument);
            return acl;
        }
        return compileChecked(fetch, argument, match, ignoreCase, values);
    }

    private static java.util.Set<Fetch> numbers() {
        java.util.Set<Fetch> n = java.util.EnumSet.of(Fetch.DST_PORT, Fetch.HDR_CNT, Fetch.NBSRV, Fetch.REQ_LEN,
                Fetch.REQ_SSL_HELLO_TYPE, Fetch.SSL_C_VERIFY);
        for (Fetch f : Fetch.values()) {
            if (f.stickData() != null) {
                n.add(f);
            }
        }
        return n;
    }

    /** Sets the counter and the table of a stick fetch from its argument (checked already). */
    private void stick(String argument) {
        if (fetch.readsClientEntry()) {
            stickTable = argument;
            return;
        }
        int comma = argument.indexOf(',');
        counter = Integer.parseInt(comma < 0 ? argument : argument.substring(0, comma));
        stickTable = comma < 0 ? null : argument.substring(comma + 1);
    }

    private static Acl compileChecked(Fetch fetch, String argument, AclMatch match, boolean ignoreCase,
            List<String> values) {
        boolean address = fetch == Fetch.SRC || fetch == Fetch.DST;
        if (address != (match == AclMatch.IP)) {
            throw new IllegalArgumentException(address ? fetch.keyword() + " matches addresses only (-m ip)"
                    : "-m ip applies to src and dst only");
        }
        if (NUMBERS.contains(fetch) != (match == AclMatch.INT)) {
            throw new IllegalArgumentException(NUMBERS.contains(fetch) ? fetch.keyword()
                    + " matches numbers only (-m int)"
                    : "-m int applies to dst_port, hdr_cnt, nbsrv, req.len, req.ssl_hello_type and ssl_c_verify only");
        }
        boolean bool = fetch == Fetch.SSL_FC || fetch == Fetch.SSL_C_USED || fetch == Fetch.SC_TRACKED;
        if (bool != (match == AclMatch.BOOL)) {
            throw new IllegalArgumentException(bool ? fetch.keyword() + " is true or false: it takes no -m"
                    + " and no value" : "-m bool applies to ssl_fc, ssl_c_used and sc_tracked only");
        }
        if (!TEXT.contains(fetch) && ignoreCase) {
            throw new IllegalArgumentException("-i has no meaning for " + fetch.keyword());
        }
        boolean valueless = match == AclMatch.FOUND || match == AclMatch.BOOL;
        if (valueless && !values.isEmpty()) {
            throw new IllegalArgumentException("-m " + match.keyword() + " takes no value, got '" + values.get(0)
                    + "'");
        }
        if (!valueless && values.isEmpty()) {
            throw new IllegalArgumentException("needs at least one value to match");
        }
        byte[] name = argument == null || fetch == Fetch.NBSRV || fetch == Fetch.VAR ? null : lowerAscii(argument);
        String backend = fetch == Fetch.NBSRV ? argument : fetch == Fetch.VAR ? Vars.name(argument) : null;
        byte[][] none = new byte[0][];
        if (address) {
            return new Acl(fetch, match, false, null, null, none, new Pattern[0], AclNetworks.parse(values), null);
        }
        if (match == AclMatch.INT) {
            return new Acl(fetch, match, false, name, backend, none, new Pattern[0], null, AclNumbers.parse(values));
        }
        if (match == AclMatch.REG) {
            Pattern[] patterns = new Pattern[values.size()];
            for (int i = 0; i < patterns.length; i++) {
                patterns[i] = AclText.regex(values.get(i), ignoreCase);
            }
            return new Acl(fetch, match, ignoreCase, name, backend, none, patterns, null, null);
        }
        byte[][] encoded = new byte[values.size()][];
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            encoded[i] = (ignoreCase ? lowerAscii(value) : value.getBytes(StandardCharsets.UTF_8));
        }
        return new Acl(fetch, match, ignoreCase, name, backend, encoded, new Pattern[0], null, null);
    }

    private static void checkArgument(Fetch fetch, String argument) {
        switch (fetch) {
            case HDR -> {
                if (argument == null) {
                    throw new IllegalArgumentException("hdr needs a header name, as in hdr(host)");
                }
                checkFieldName(argument);
            }
            case HDR_CNT -> {
                if (argument != null) {
                    checkFieldName(argument);
                }
            }
            case NBSRV -> {
                if (argument == null || argument.isEmpty()) {
                    throw new IllegalArgumentException("nbsrv needs a backend name, as in nbsrv(app)");
                }
            }
            case VAR -> {
                if (argument == null || argument.contains(",")) {
                    throw new IllegalArgumentException("var needs one variable name, as in var(txn.host) (a default"
                            + " value is not supported by Sluice)");
                }
                Vars.name(argument);
            }
            default -> {
                if (fetch.readsTrackedCounter()) {
                    checkCounter(fetch, argument);
                } else if (fetch.readsClientEntry()) {
                    if (argument == null || argument.isEmpty() || argument.contains(",")) {
                        throw new IllegalArgumentException(fetch.keyword() + " takes one table name at most, as in "
                                + fetch.keyword() + "(web)");
                    }
                } else if (argument != null) {
                    throw new IllegalArgumentException(fetch.keyword() + " takes no argument in parentheses");
                }
            }
        }
    }

    /** {@code sc_*(N[,TABLE])}: a counter 0, 1 or 2, then perhaps a table name. */
    private static void checkCounter(Fetch fetch, String argument) {
        String usage = "write " + fetch.keyword() + "(0) to " + fetch.keyword() + "(2), perhaps with a table as in "
                + fetch.keyword() + "(0,web)";
        if (argument == null) {
            throw new IllegalArgumentException(fetch.keyword() + " needs a counter number: " + usage);
        }
        int comma = argument.indexOf(',');
        String n = comma < 0 ? argument : argument.substring(0, comma);
        if (!n.matches("[0-2]")) {
            throw new IllegalArgumentException("'" + n + "' is no sticky counter of Sluice (0, 1 or 2): " + usage);
        }
        if (comma >= 0 && (comma == argument.length() - 1 || argument.indexOf(',', comma + 1) >= 0)) {
            throw new IllegalArgumentException("'" + argument + "': " + usage);
        }
    }

    /** The sticky counter an {@code sc_*} fetch reads. */
    public int counter() {
        return counter;
    }

    /** The table a {@code src_*} fetch looks in, or an {@code sc_*} fetch names; null otherwise. */
    public String stickTable() {
        return stickTable;
    }

    /** A tracked counter's value ({@link StickCounters#value}), or -1 for none. */
    private long trackedValue(HttpRequestView request) {
        StickCounters c = request.addresses().tracking();
        if (c == null) {
            return -1;
        }
        StickTable in = null;
        if (stickTable != null) {
            in = request.addresses().stickTables().table(stickTable);
            if (in == null) {
                return -1;
            }
        }
        return c.value(counter, fetch.stickData(), in);
    }

    /** The client address's value in the table, 0 when it has no entry, or -1 for none. */
    private long clientValue(HttpRequestView request) {
        StickTable t = request.addresses().stickTables().table(stickTable);
        return t == null ? -1 : t.peekAddress(request.addresses().client(), fetch.stickData());
    }

    private boolean matchesStick(long value) {
        return value >= 0 && matchesNumber(value);
    }

    /** True when {@code value} equals one of an {@link AclMatch#INT} ACL's values or lies in one of its ranges. */
    public boolean matchesNumber(long value) {
        return numbers != null && numbers.contains(value);
    }

    /** The backend {@code nbsrv} counts the servers of, or null for another fetch. */
    public String backend() {
        return backend;
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

    /**
     * Whether the request matches, as {@link #PASS}, {@link #FAIL} or, for a
     * payload fetch while the payload may still grow, {@link #MISS} (no match
     * yet): HAProxy's answer for a sample that may change. Allocates nothing.
     */
    public int evaluate(HttpRequestView request) {
        if (!fetch.readsPayload()) {
            return matches(request) ? PASS : FAIL;
        }
        Buffer payload = request.payload();
        boolean last = request.payloadFinal();
        long found = switch (fetch) {
            case REQ_LEN -> payload == null ? 0 : payload.readable();
            case REQ_SSL_HELLO_TYPE -> payload == null ? TlsHello.MORE : TlsHello.helloType(payload);
            default -> payload == null ? TlsHello.MORE : TlsHello.serverName(payload);
        };
        boolean matched;
        if (fetch == Fetch.REQ_LEN || found >= 0 && fetch == Fetch.REQ_SSL_HELLO_TYPE) {
            matched = match == AclMatch.FOUND || matchesNumber(found);
        } else if (found >= 0) {
            matched = text.matches(payload, (int) (found >>> 32), (int) found);
        } else {
            // Nothing found: final unless the record is still incomplete.
            return found == TlsHello.MORE && !last ? MISS : FAIL;
        }
        if (matched) {
            return PASS;
        }
        // A length grows with every byte; a hello's type or name, once read, is what it is.
        return fetch == Fetch.REQ_LEN && !last ? MISS : FAIL;
    }

    /** True when the request matches this ACL. Allocates nothing (but a thread's first regular expression test). */
    public boolean matches(HttpRequestView request) {
        return switch (fetch) {
            case PATH -> matchesPath(request);
            case URL -> text.matches(request.buffer(), request.targetStart(), request.targetEnd());
            case HDR -> matchesHeader(request);
            case HDR_CNT -> matchesNumber(countValues(request));
            case METHOD -> text.matches(request.buffer(), request.methodStart(), request.methodEnd());
            case SRC -> networks.contains(request.addresses().client());
            case DST -> networks.contains(request.addresses().destination());
            case DST_PORT -> matchesNumber(request.addresses().destinationPort());
            case NBSRV -> matchesNumber(request.addresses().servers().usableServers(backend));
            case SSL_FC -> request.addresses().tls();
            case SSL_FC_SNI -> text.matches(request.addresses().tlsServerName());
            case SSL_FC_PROTOCOL -> text.matches(request.addresses().tlsProtocol());
            case VAR -> text.matches(request.addresses().vars() == null ? null
                    : request.addresses().vars().get(backend));
            case SSL_C_USED -> request.addresses().tlsClientCertificate();
            case SSL_C_VERIFY -> request.addresses().tls() && matchesNumber(0);
            case REQ_LEN, REQ_SSL_HELLO_TYPE, REQ_SSL_SNI -> evaluate(request) == PASS;
            case SC_TRACKED -> request.addresses().tracking() != null && request.addresses().tracking().tracked(counter);
            case SC_CONN_CUR, SC_CONN_CNT, SC_CONN_RATE, SC_HTTP_REQ_CNT, SC_HTTP_REQ_RATE, SC_HTTP_ERR_CNT,
                 SC_HTTP_ERR_RATE -> matchesStick(trackedValue(request));
            case SRC_CONN_CUR, SRC_CONN_CNT, SRC_CONN_RATE, SRC_HTTP_REQ_CNT, SRC_HTTP_REQ_RATE, SRC_HTTP_ERR_CNT,
                 SRC_HTTP_ERR_RATE -> matchesStick(clientValue(request));
        };
    }

    private boolean matchesPath(HttpRequestView request) {
        long range = pathRange(request.buffer(), request.targetStart(), request.targetEnd());
        return range >= 0 && text.matches(request.buffer(), (int) (range >>> 32), (int) range);
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
                if (text.matches(buffer, s, e)) {
                    return true;
                }
                i = comma + 1;
            } while (i <= ve);
        }
        return false;
    }

    /** The values of the named header (every field's without a name), each comma-separated element counted. */
    private int countValues(HttpRequestView request) {
        Buffer buffer = request.buffer();
        int n = 0;
        for (int h = 0; h < request.headerCount(); h++) {
            if (header != null
                    && !HttpBytes.equalsIgnoreCase(buffer, request.nameStart(h), request.nameEnd(h), header)) {
                continue;
            }
            int ve = request.valueEnd(h);
            int i = request.valueStart(h);
            do {
                i = HttpBytes.nextComma(buffer, i, ve) + 1;
                n++;
            } while (i <= ve);
        }
        return n;
    }

    @Override
    public String toString() {
        String argument = header != null ? new String(header, StandardCharsets.UTF_8) : backend;
        if (fetch.readsTrackedCounter()) {
            argument = counter + (stickTable == null ? "" : "," + stickTable);
        } else if (fetch.readsClientEntry()) {
            argument = stickTable;
        }
        String name = fetch.keyword() + (argument == null ? "" : "(" + argument + ")");
        return name + (ignoreCase ? " -i" : "") + " -m " + match.keyword();
    }
}
