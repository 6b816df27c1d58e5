package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One {@code stick match}, {@code stick on} or {@code stick store-request}
 * rule of a backend: what key it reads from the request, in which table it
 * looks it up or stores it, and on which condition. The key is the client's
 * address ({@code src}), the last comma-separated value of the last
 * occurrence of a header ({@code req.hdr(NAME)}), the value of the last
 * cookie of a name ({@code req.cook(NAME)}), or the value of the first
 * query parameter of a name ({@code url_param(NAME)}); it is copied from the
 * request into the caller's array, since a store happens once the response
 * comes and the request's buffer may be gone by then.
 *
 * <p>Immutable; safe to share between loops. {@link #key} allocates nothing.
 */
public final class StickRule {
    /** What the rule does with the key. */
    public enum Kind {
        /** {@code stick match}: sends the request to the server the key names. */
        MATCH,
        /** {@code stick store-request}: the key names the server that served the request. */
        STORE,
        /** {@code stick on}: both. */
        ON
    }

    /** Where the key comes from. */
    public enum Source { SRC, HEADER, COOKIE, URL_PARAM }

    private final Kind kind;
    private final Source source;
    /** The header's name in lower case, the cookie's or the parameter's as written; null for {@code src}. */
    private final byte[] name;
    private final String table;
    private final Condition condition;

    private StickRule(Kind kind, Source source, byte[] name, String table, Condition condition) {
        this.kind = kind;
        this.source = source;
        this.name = name;
        this.table = table;
        this.condition = condition;
    }

    /**
     * @param name the header, cookie or parameter name; ignored for {@link Source#SRC}
     * @param table the section whose stick table the rule uses
     */
    public static StickRule of(Kind kind, Source source, String name, String table, Condition condition) {
        byte[] n = null;
        if (source == Source.HEADER) {
            Acl.checkFieldName(name);
            n = Acl.lowerAscii(name);
        } else if (source != Source.SRC) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("the key needs a name");
            }
            n = name.getBytes(StandardCharsets.UTF_8);
        }
        return new StickRule(kind, source, n, table, condition == null ? Condition.always() : condition);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether it looks the key up ({@code stick match}, {@code stick on}). */
    public boolean matches() {
        return kind != Kind.STORE;
    }

    /** Whether it stores the key ({@code stick store-request}, {@code stick on}). */
    public boolean stores() {
        return kind != Kind.MATCH;
    }

    /** The section whose stick table it uses. */
    public String table() {
        return table;
    }

    /** Whether its key is the client's address (else a string). */
    public boolean addressKey() {
        return source == Source.SRC;
    }

    /** Whether its condition holds for the request. */
    public boolean applies(HttpRequestView request) {
        return condition.test(request);
    }

    /**
     * Copies the request's key into {@code into}, cut to its length: how many
     * bytes it holds, or -1 when the request has none (no such header, cookie
     * or parameter; no client address).
     *
     * @param pairs the caller's own cookie reader (one per session)
     */
    public int key(HttpRequestView request, CookiePairs pairs, byte[] into) {
        if (source == Source.SRC) {
            byte[] a = request.clientAddress();
            if (a == null || a.length == 0) {
                return -1;
            }
            int n = Math.min(a.length, into.length);
            System.arraycopy(a, 0, into, 0, n);
            return n;
        }
        long range = switch (source) {
            case HEADER -> HeaderValues.last(request, name);
            case COOKIE -> lastCookie(request, pairs, name);
            default -> firstParameter(request, name);
        };
        if (range < 0) {
            return -1;
        }
        int start = (int) (range >>> 32);
        int n = Math.min((int) range - start, into.length);
        Buffer b = request.buffer();
        for (int i = 0; i < n; i++) {
            into[i] = (byte) b.get(start + i);
        }
        return n;
    }

    private static final byte[] COOKIE = "cookie".getBytes(StandardCharsets.US_ASCII);

    /** The value of the last cookie named {@code name} in the request's Cookie fields, as {@link HeaderValues#last}. */
    private static long lastCookie(HttpRequestView head, CookiePairs pairs, byte[] name) {
        Buffer buffer = head.buffer();
        long found = -1;
        for (int h = 0; h < head.headerCount(); h++) {
            if (!HttpBytes.equalsIgnoreCase(buffer, head.nameStart(h), head.nameEnd(h), COOKIE)) {
                continue;
            }
            pairs.cookie(buffer, head.valueStart(h), head.valueEnd(h));
            while (pairs.next()) {
                if (pairs.nameIs(name)) {
                    found = ((long) pairs.valueStart() << 32) | pairs.valueEnd();
                }
            }
        }
        return found;
    }

    /**
     * The value of the first parameter named {@code name} of the query
     * (after {@code ?}; parameters end at {@code &} or {@code ;}), not
     * decoded, as {@link HeaderValues#last}.
     */
    private static long firstParameter(HttpRequestView head, byte[] name) {
        Buffer b = head.buffer();
        int end = head.targetEnd();
        int i = head.targetStart();
        while (i < end && b.get(i) != '?') {
            i++;
        }
        while (i < end) {
            int start = i + 1;
            int stop = start;
            while (stop < end && b.get(stop) != '&' && b.get(stop) != ';') {
                stop++;
            }
            if (stop - start > name.length && b.get(start + name.length) == '=' && b.holdsAt(start,
                    start + name.length, name)) {
                return ((long) (start + name.length + 1) << 32) | stop;
            }
            i = stop;
        }
        return -1;
    }
}
