package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@code redirect} or {@code http-request redirect} rule, compiled: the
 * status line, the constant part of {@code location} and the fields after it,
 * encoded once. The answer is written straight into the response buffer from
 * those constants and the request head still in its own buffer (its target
 * and Host), so a redirect allocates nothing and needs no memory of its own.
 *
 * <ul>
 * <li>{@code location L}: the location is L; with {@code keep-query}, the
 *     request's query follows it (after {@code ?}, or {@code &} when L has a
 *     query already).
 * <li>{@code prefix P}: P, then the request's path and query; a prefix of
 *     exactly {@code /} puts nothing before them.
 * <li>{@code scheme S}: {@code S://}, the first Host field's value (nothing
 *     when there is none), then the path and query.
 * </ul>
 * For {@code prefix} and {@code scheme} a target without a path (such as
 * {@code *}) stands for {@code /}; {@code drop-query} leaves the query out,
 * and {@code append-slash} adds a {@code /} when the location does not end
 * with one. 302, 303 and 307 carry {@code cache-control: no-cache};
 * {@code set-cookie} and {@code clear-cookie} add one constant
 * {@code set-cookie} field. The response has no content.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class RedirectRule {
    /** How the location is made. */
    public enum Kind { LOCATION, PREFIX, SCHEME }

    /** The options of a rule, as the configuration gives them. */
    public record Options(boolean dropQuery, boolean keepQuery, boolean appendSlash, String setCookie,
            String clearCookie) {
        public static final Options NONE = new Options(false, false, false, null, null);
    }

    private static final byte[] HOST = HttpBytes.ascii("host");
    private static final byte[] CRLF = HttpBytes.ascii("\r\n");
    private static final byte[] SCHEME_SEPARATOR = HttpBytes.ascii("://");
    private static final byte[] SLASH = HttpBytes.ascii("/");
    private static final long NONE = -1;

    private final Kind kind;
    private final int status;
    /** The status line, content-length, the name of the location field and the constant start of its value. */
    private final byte[] head;
    /** The end of the location line and the constant fields after it. */
    private final byte[] fields;
    private final boolean dropQuery;
    private final boolean appendSlash;
    private final boolean keepQuery;
    /** What goes between a location and the query keep-query adds: '?', '&' or nothing. */
    private final byte[] querySeparator;

    private RedirectRule(Kind kind, int status, String value, Options options) {
        this.kind = kind;
        this.status = status;
        this.head = (("HTTP/1.1 " + status + " " + ReturnRule.reason(status) + "\r\ncontent-length: 0\r\nlocation: ")
                + value).getBytes(StandardCharsets.UTF_8);
        StringBuilder f = new StringBuilder("\r\n");
        if (status == 302 || status == 303 || status == 307) {
            f.append("cache-control: no-cache\r\n");
        }
        if (options.setCookie() != null) {
            f.append("set-cookie: ").append(options.setCookie()).append("; path=/;\r\n");
        } else if (options.clearCookie() != null) {
            f.append("set-cookie: ").append(options.clearCookie()).append("; path=/; Max-Age=0;\r\n");
        }
        this.fields = f.toString().getBytes(StandardCharsets.UTF_8);
        this.dropQuery = options.dropQuery();
        this.appendSlash = options.appendSlash();
        this.keepQuery = options.keepQuery();
        int mark = value.indexOf('?');
        this.querySeparator = HttpBytes.ascii(mark < 0 ? "?" : mark == value.length() - 1 ? "" : "&");
    }

    /**
     * @throws IllegalArgumentException with a message fit for the user when the parts do not fit together
     */
    public static RedirectRule of(Kind kind, String value, int status, Options options) {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("a redirect's code is 301, 302, 303, 307 or 308, got " + status);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a redirect needs a location, prefix or scheme that is not empty");
        }
        HeaderRule.checkFieldValue(value);
        if (options.keepQuery() && kind != Kind.LOCATION) {
            throw new IllegalArgumentException("keep-query is for redirect location; prefix and scheme keep the"
                    + " query unless drop-query");
        }
        for (String cookie : new String[] {options.setCookie(), options.clearCookie()}) {
            if (cookie != null) {
                HeaderRule.checkFieldValue(cookie);
                if (cookie.isEmpty() || cookie.indexOf(';') >= 0) {
                    throw new IllegalArgumentException("a redirect's cookie is NAME or NAME=VALUE, without ';'");
                }
            }
        }
        // A prefix of "/" keeps the target as it was, rather than doubling its slash.
        String kept = kind == Kind.PREFIX && value.equals("/") ? "" : value;
        return new RedirectRule(kind, status, kept, options);
    }

    public int status() {
        return status;
    }

    /** The length of the shortest reply, {@code connection: close} included: what it copies from no request. */
    public int constantLength() {
        return head.length + (kind == Kind.SCHEME ? SCHEME_SEPARATOR.length : 0) + (kind == Kind.LOCATION ? 0 : 1)
                + fields.length + HeadRewriter.CLOSE_LINE.length + CRLF.length;
    }

    /** The length of the reply for {@code request}, with {@code connection: close} when {@code close}. */
    public int length(HttpRequestView request, boolean close) {
        Buffer in = request.buffer();
        long copied = copied(request);
        long host = kind == Kind.SCHEME ? host(request) : NONE;
        return head.length + variableLength(in, copied, host) + fields.length
                + (close ? HeadRewriter.CLOSE_LINE.length : 0) + CRLF.length;
    }

    /**
     * Writes the redirect for {@code request} at the end of {@code out}, with
     * {@code connection: close} when {@code close}.
     *
     * @return the bytes written, or -1 when they do not fit (nothing is written then)
     */
    public int write(Buffer out, HttpRequestView request, boolean close) {
        Buffer in = request.buffer();
        long copied = copied(request);
        long host = kind == Kind.SCHEME ? host(request) : NONE;
        int total = length(request, close);
        out.compact();
        if (out.writable() < total) {
            return -1;
        }
        out.append(head, 0, head.length);
        switch (kind) {
            case LOCATION -> {
                if (copied != NONE) {
                    out.append(querySeparator, 0, querySeparator.length);
                    copy(in, copied, out);
                }
            }
            case PREFIX, SCHEME -> {
                if (kind == Kind.SCHEME) {
                    out.append(SCHEME_SEPARATOR, 0, SCHEME_SEPARATOR.length);
                    copy(in, host, out);
                }
                if (copied == NONE) {
                    out.append(SLASH, 0, 1);
                } else {
                    copy(in, copied, out);
                }
                if (needsSlash(in, copied, host)) {
                    out.append(SLASH, 0, 1);
                }
            }
        }
        out.append(fields, 0, fields.length);
        if (close) {
            out.append(HeadRewriter.CLOSE_LINE, 0, HeadRewriter.CLOSE_LINE.length);
        }
        out.append(CRLF, 0, CRLF.length);
        return total;
    }

    /** The bytes the location takes after {@link #head}. */
    private int variableLength(Buffer in, long copied, long host) {
        return switch (kind) {
            case LOCATION -> copied == NONE ? 0 : querySeparator.length + length(copied);
            case PREFIX, SCHEME -> (kind == Kind.SCHEME ? SCHEME_SEPARATOR.length + length(host) : 0)
                    + (copied == NONE ? 1 : length(copied)) + (needsSlash(in, copied, host) ? 1 : 0);
        };
    }

    /** append-slash: the location so far does not end with '/'. */
    private boolean needsSlash(Buffer in, long copied, long host) {
        if (!appendSlash || copied == NONE) {
            return false; // without a path of its own the location ends with the "/" put in its place
        }
        return in.get(end(copied) - 1) != '/';
    }

    /**
     * What is copied from the target: the path and the query (prefix, scheme),
     * or the query after its '?' (location with keep-query); {@link #NONE} for nothing.
     */
    private long copied(HttpRequestView request) {
        Buffer in = request.buffer();
        int start = request.targetStart();
        int end = request.targetEnd();
        if (kind == Kind.LOCATION) {
            if (!keepQuery) {
                return NONE;
            }
            for (int i = start; i < end; i++) {
                if (in.get(i) == '?') {
                    return i + 1 < end ? range(i + 1, end) : NONE;
                }
            }
            return NONE;
        }
        long path = Acl.pathRange(in, start, end);
        if (path < 0) {
            return NONE;
        }
        return range((int) (path >>> 32), dropQuery ? (int) path : end);
    }

    private static long host(HttpRequestView request) {
        Buffer in = request.buffer();
        for (int h = 0; h < request.headerCount(); h++) {
            if (HttpBytes.equalsIgnoreCase(in, request.nameStart(h), request.nameEnd(h), HOST)) {
                return range(request.valueStart(h), request.valueEnd(h));
            }
        }
        return NONE;
    }

    private static long range(int start, int end) {
        return (long) start << 32 | end;
    }

    private static int start(long range) {
        return (int) (range >>> 32);
    }

    private static int end(long range) {
        return (int) range;
    }

    private static int length(long range) {
        return range == NONE ? 0 : end(range) - start(range);
    }

    private static void copy(Buffer in, long range, Buffer out) {
        int n = length(range);
        if (n > 0) {
            out.absoluteView().put(out.writeIndex(), in.absoluteView(), start(range), n);
            out.produced(n);
        }
    }
}
