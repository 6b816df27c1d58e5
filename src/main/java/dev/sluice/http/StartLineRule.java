package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code http-request set-method}, {@code set-uri}, {@code set-path} and
 * {@code set-query} with a literal value, compiled: the new bytes are encoded
 * once, and applying the rule reports one {@link HeaderEdits#replace} of the
 * part of the request line it names. It allocates nothing.
 *
 * <p>The parts are HAProxy's: the path is the target up to its first
 * {@code ?}, after the scheme and authority of an absolute-form target; the
 * query is what follows the first {@code ?}, which {@code set-query} adds when
 * the target has none and the value is not empty, and never removes.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class StartLineRule implements RequestEdit {
    /** The part of the request line a rule replaces. */
    public enum Part { METHOD, URI, PATH, QUERY }

    private final Part part;
    private final byte[] value;
    /** {@code ?value}, for a target that has no query yet. */
    private final byte[] withMark;

    private StartLineRule(Part part, byte[] value) {
        this.part = part;
        this.value = value;
        this.withMark = new byte[value.length + 1];
        withMark[0] = '?';
        System.arraycopy(value, 0, withMark, 1, value.length);
    }

    /**
     * Compiles {@code set-PART VALUE}; refuses a value the request line cannot
     * hold: a method that is not a token (or is CONNECT, which turns the
     * exchange into a tunnel), a target part with a space or control byte, a
     * path or URI that is empty.
     */
    public static StartLineRule set(Part part, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (part == Part.METHOD) {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("a method may not be empty");
            }
            for (byte c : bytes) {
                if (!HttpBytes.isTchar(c & 0xFF)) {
                    throw new IllegalArgumentException("'" + value + "' is not a valid method");
                }
            }
            if (value.equals("CONNECT")) {
                throw new IllegalArgumentException("a rule may not turn a request into CONNECT");
            }
        } else {
            checkTargetBytes(value, bytes);
            if (bytes.length == 0 && part != Part.QUERY) {
                throw new IllegalArgumentException("the new " + part.name().toLowerCase(java.util.Locale.ROOT)
                        + " may not be empty");
            }
        }
        return new StartLineRule(part, bytes);
    }

    /** A request target holds visible ASCII alone (RFC 9112 section 3.2). */
    static void checkTargetBytes(String value, byte[] bytes) {
        for (byte c : bytes) {
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("'" + value + "' holds a space, a control character or a"
                        + " byte outside ASCII, which a request target cannot");
            }
        }
    }

    public Part part() {
        return part;
    }

    @Override
    public void apply(HttpRequestView head, HeaderEdits edits) {
        int ts = head.targetStart();
        int te = head.targetEnd();
        switch (part) {
            case METHOD -> edits.replace(head.methodStart(), head.methodEnd(), value, 0, value.length);
            case URI -> edits.replace(ts, te, value, 0, value.length);
            case PATH -> edits.replace(pathStart(head.buffer(), ts, te), queryMark(head.buffer(), ts, te), value, 0,
                    value.length);
            case QUERY -> {
                int mark = queryMark(head.buffer(), ts, te);
                if (mark < te) {
                    edits.replace(mark + 1, te, value, 0, value.length);
                } else if (value.length > 0) {
                    edits.replace(te, te, withMark, 0, withMark.length);
                }
            }
        }
    }

    /** Where the path of target {@code [ts, te)} begins: after an absolute-form target's authority. */
    static int pathStart(Buffer b, int ts, int te) {
        int authority = RequestTarget.authorityStart(b, ts, te);
        return authority >= 0 ? RequestTarget.authorityEnd(b, authority, te) : ts;
    }

    /** The first {@code ?} of the target, or its end when it has none. */
    static int queryMark(Buffer b, int ts, int te) {
        for (int i = ts; i < te; i++) {
            if (b.get(i) == '?') {
                return i;
            }
        }
        return te;
    }
}
