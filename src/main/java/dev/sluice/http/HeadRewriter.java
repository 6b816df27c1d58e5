package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The head rewriter: edits a parsed message head in place, in the buffer it
 * arrived in, before it is forwarded. It removes field lines (hop-by-hop
 * fields, RFC 9110 section 7.6.1, and those rules delete), inserts new ones in
 * the room {@code tune.maxrewrite} keeps free behind the head, rewrites the
 * {@code Connection} field for the hop that follows, and puts the fields that
 * decide framing and routing in the one form every recipient reads alike: a
 * single canonical {@code Content-Length}, and a {@code Host} equal to an
 * absolute-form target's authority.
 *
 * <p>Every method takes the head's current end (the index just past its blank
 * line) and returns the new one, or -1 when an insertion does not fit; the
 * bytes behind the head (a body, a pipelined request) move with it. Offsets the
 * parser recorded are stale after an edit: callers that read the head again
 * call {@link HttpHeadParser#reparse(Buffer)}, or edit last first.
 *
 * <p>Stateless; the methods allocate nothing.
 */
public final class HeadRewriter {
    private static final byte[] CONNECTION = HttpBytes.ascii("connection");
    private static final byte[] KEEP_ALIVE = HttpBytes.ascii("keep-alive");
    private static final byte[] PROXY_CONNECTION = HttpBytes.ascii("proxy-connection");
    private static final byte[] TE = HttpBytes.ascii("te");
    private static final byte[] UPGRADE = HttpBytes.ascii("upgrade");
    private static final byte[] CONTENT_LENGTH = HttpBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.ascii("transfer-encoding");
    private static final byte[] HOST = HttpBytes.ascii("host");
    private static final byte[] HOST_PREFIX = HttpBytes.ascii("host: ");
    private static final byte[] CRLF = {'\r', '\n'};
    /** The field line that tells the next hop the connection ends after this message. */
    public static final byte[] CLOSE_LINE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The field line that keeps a switch of protocols asked for, or confirmed, on the next hop. */
    public static final byte[] UPGRADE_LINE = "connection: upgrade\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The field line that keeps an HTTP/1.0 client's connection open. */
    public static final byte[] KEEP_ALIVE_LINE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The longest decimal number a Content-Length can hold: Long.MAX_VALUE has 19 digits. */
    private static final int MAX_DIGITS = 19;

    private HeadRewriter() {
    }

    /**
     * Deletes every hop-by-hop field line, and those {@code Connection}
     * nominates, last first so that the offsets of the lines before stay
     * valid. Returns the new end.
     */
    public static int removeHopByHop(Buffer b, HttpHeadParser head, int end) {
        return removeHopByHop(b, head, end, Upgrade.DROP);
    }

    /** Whether the {@code Upgrade} field goes to the next hop. */
    public enum Upgrade {
        /** It goes, like every hop-by-hop field: no switch of protocols is relayed. */
        DROP,
        /** It stays: the switch is relayed, and the caller adds {@link #UPGRADE_LINE}. */
        KEEP
    }

    /**
     * Like {@link #removeHopByHop(Buffer, HttpHeadParser, int)}, but keeps the
     * {@code Upgrade} field when {@code upgrade} says so, for a switch of
     * protocols that Sluice relays.
     */
    public static int removeHopByHop(Buffer b, HttpHeadParser head, int end, Upgrade upgrade) {
        boolean nominations = (head.connectionOptions() & ConnectionOptions.OTHER) != 0;
        for (int i = head.headerCount() - 1; i >= 0; i--) {
            if (isHopByHop(b, head, i, nominations)
                    && !(upgrade == Upgrade.KEEP && head.nameIs(b, i, UPGRADE))) {
                end = removeFieldLine(b, head, i, end);
            }
        }
        return end;
    }

    /**
     * Deletes field line {@code i} of the head ending at {@code end}, with what
     * follows moved over it; the lines before keep their offsets. Returns the new end.
     */
    public static int removeFieldLine(Buffer b, HttpHeadParser head, int i, int end) {
        int lineStart = head.nameStart(i);
        // Up to the next field, or to the blank line that ends the head.
        int lineEnd = i + 1 < head.headerCount() ? head.nameStart(i + 1) : end - 2;
        b.shiftTail(lineEnd, lineStart);
        return end - (lineEnd - lineStart);
    }

    /** Inserts {@code field} and a CRLF before the head's final CRLF. Returns the new end, or -1 without room. */
    public static int insertField(Buffer b, int end, byte[] field) {
        return insertField(b, end, field, field.length);
    }

    /** As {@link #insertField(Buffer, int, byte[])}, for the first {@code length} bytes of {@code field}. */
    public static int insertField(Buffer b, int end, byte[] field, int length) {
        int n = length + 2;
        if (b.writeIndex() + n > b.capacity()) {
            return -1;
        }
        int at = end - 2;
        b.shiftTail(at, at + n);
        b.putAt(at, field, 0, length);
        b.putAt(at + length, CRLF, 0, 2);
        return end + n;
    }

    /** Inserts a whole field line (CRLF included) before the head's final CRLF. Returns the new end, or -1 without room. */
    public static int insertLine(Buffer b, int end, byte[] line) {
        if (b.writeIndex() + line.length > b.capacity()) {
            return -1;
        }
        int at = end - 2;
        b.shiftTail(at, at + line.length);
        b.putAt(at, line, 0, line.length);
        return end + line.length;
    }

    /**
     * Replaces the value of field {@code i} with the {@code length} bytes at
     * {@code from}, which lie before the field (the start line). Returns the new
     * end, or -1 without room.
     */
    private static int replaceValue(Buffer b, HttpHeadParser head, int i, int end, int from, int length) {
        int vs = head.valueStart(i);
        int ve = head.valueEnd(i);
        int grow = length - (ve - vs);
        if (b.writeIndex() + grow > b.capacity()) {
            return -1;
        }
        b.shiftTail(ve, ve + grow);
        b.absoluteView().put(vs, b.absoluteView(), from, length);
        return end + grow;
    }

    /**
     * Rewrites a head whose length is not in canonical form
     * ({@link HttpHeadParser#contentLengthIsCanonical()} false) to one
     * {@code Content-Length} line holding the number alone: the first such line
     * keeps its place with the value rewritten, later ones go. Returns the new
     * end; the parser's offsets are stale afterwards.
     */
    public static int canonicalContentLength(Buffer b, HttpHeadParser head, int end) {
        int first = -1;
        for (int i = 0; i < head.headerCount(); i++) {
            if (head.nameIs(b, i, CONTENT_LENGTH)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return end;
        }
        for (int i = head.headerCount() - 1; i > first; i--) {
            if (head.nameIs(b, i, CONTENT_LENGTH)) {
                end = removeFieldLine(b, head, i, end);
            }
        }
        // The canonical value is never longer than the value it replaces, which holds at least one such number.
        int vs = head.valueStart(first);
        int ve = head.valueEnd(first);
        int digits = writeDecimal(b, vs, head.contentLength());
        b.shiftTail(ve, vs + digits);
        return end - (ve - vs - digits);
    }

    /** Writes {@code value} in decimal at {@code at}, inside the held bytes. Returns the digit count. */
    private static int writeDecimal(Buffer b, int at, long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        if (digits > MAX_DIGITS) {
            throw new IllegalStateException("content length " + value + " has more than " + MAX_DIGITS + " digits");
        }
        long v = value;
        for (int k = digits - 1; k >= 0; k--) {
            b.absoluteView().put(at + k, (byte) ('0' + v % 10));
            v /= 10;
        }
        return digits;
    }

    /**
     * Makes {@code Host} equal the authority of an absolute-form target
     * ({@code GET http://a.example/ HTTP/1.1}): RFC 9112 section 3.2.2 says
     * the target's authority wins, so the rules, the routing and the origin must
     * all see it. A different {@code Host} gets the authority as its value; a
     * missing one (HTTP/1.0) is added. Returns the new end, the same end when
     * nothing changed, or -1 without room; the parser's offsets are stale after
     * a change.
     *
     * @param authorityStart where {@link RequestTarget#authorityStart} found the authority
     * @param authorityEnd   its end
     */
    public static int hostFromAuthority(Buffer b, HttpHeadParser head, int end, int authorityStart, int authorityEnd) {
        int host = head.findHeader(b, HOST);
        int length = authorityEnd - authorityStart;
        if (host >= 0) {
            int vs = head.valueStart(host);
            if (head.valueEnd(host) - vs == length
                    && HttpBytes.regionEqualsIgnoreCase(b, vs, authorityStart, length)) {
                return end;
            }
            return replaceValue(b, head, host, end, authorityStart, length);
        }
        int n = HOST_PREFIX.length + length + 2;
        if (b.writeIndex() + n > b.capacity()) {
            return -1;
        }
        int at = end - 2;
        b.shiftTail(at, at + n);
        b.putAt(at, HOST_PREFIX, 0, HOST_PREFIX.length);
        // The authority lies before the insertion point, in the start line, so the shift did not move it.
        b.absoluteView().put(at + HOST_PREFIX.length, b.absoluteView(), authorityStart, length);
        b.putAt(at + HOST_PREFIX.length + length, CRLF, 0, 2);
        return end + n;
    }

    private static boolean isHopByHop(Buffer b, HttpHeadParser head, int i, boolean nominations) {
        int s = head.nameStart(i);
        int e = head.nameEnd(i);
        return HttpBytes.equalsIgnoreCase(b, s, e, CONNECTION)
                || HttpBytes.equalsIgnoreCase(b, s, e, KEEP_ALIVE)
                || HttpBytes.equalsIgnoreCase(b, s, e, PROXY_CONNECTION)
                || HttpBytes.equalsIgnoreCase(b, s, e, TE)
                || HttpBytes.equalsIgnoreCase(b, s, e, UPGRADE)
                || nominations && !framesTheMessage(b, s, e) && head.isNominatedByConnection(b, i);
    }

    /**
     * Fields Connection cannot make hop-by-hop: Sluice forwards the body with the
     * framing it parsed, so the server must see the same framing and target.
     * Dropping a nominated Content-Length would let the body be read as a
     * request of its own (smuggling).
     */
    private static boolean framesTheMessage(Buffer b, int s, int e) {
        return HttpBytes.equalsIgnoreCase(b, s, e, CONTENT_LENGTH)
                || HttpBytes.equalsIgnoreCase(b, s, e, TRANSFER_ENCODING)
                || HttpBytes.equalsIgnoreCase(b, s, e, HOST);
    }
}
