package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.sluice.http.HttpBytes.CR;
import static dev.sluice.http.HttpBytes.LF;
import static dev.sluice.http.HttpBytes.SP;
import static dev.sluice.http.HttpBytes.at;

/**
 * Parses one HTTP/1.1 message head (start line and header section) where it
 * lies in a {@link Buffer}, from {@code readIndex}, and decides how its body is
 * framed. Nothing is copied: results are absolute offsets into the buffer, kept
 * in arrays sized once from {@link HttpLimits}, so a parse allocates nothing.
 *
 * <p>Incremental: {@link #parse(Buffer)} may be called each time bytes arrive;
 * it resumes at the first byte it has not seen. Each complete line is checked
 * once, so the work is linear in the head's size however it is split. The head
 * must stay at {@code readIndex} until the parse completes; if the buffer is
 * compacted in between, the recorded offsets move with it. Once complete, the
 * offsets hold until the head's bytes are moved or consumed.
 *
 * <p>Which inputs are refused, and why, is written in {@code package-info.java}.
 *
 * <p>Not thread-safe: one parser per channel, owned by that channel's loop.
 * Reuse it for the next message with {@link #reset()}.
 */
public final class HttpHeadParser {
    /** What a call to {@link #parse(Buffer)} found. */
    public enum Progress {
        /** The head is not complete yet; call again when more bytes have arrived. */
        NEED_MORE,
        /** The head is complete and valid; offsets and framing are ready. */
        COMPLETE,
        /** The message is refused; {@link HttpHeadParser#error()} says why. */
        REJECTED
    }

    private static final byte[] HOST = HttpBytes.ascii("host");
    private static final byte[] CONNECTION = HttpBytes.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HttpBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.ascii("transfer-encoding");
    private static final byte[] CHUNKED = HttpBytes.ascii("chunked");

    private static final int START_LINE = 0;
    private static final int FIELDS = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;
    /** Fields the offset array holds before it first grows; most heads have fewer. */
    private static final int INITIAL_FIELDS = 24;

    private final MessageKind kind;
    private final HttpLimits limits;
    /**
     * Field offsets, four ints per field: name start, name end, value start,
     * value end. Sized for a typical head and doubled on demand up to
     * {@code maxHeaders}, so a connection that sends ordinary requests costs a
     * few hundred bytes, not the bound; the arrays are kept across messages.
     */
    private int[] fields;

    /** For a response: the method of the request it answers (HEAD and CONNECT change framing). */
    private Method requestMethod = Method.GET;

    private int phase;
    private HttpError error;
    /** Absolute index of the head's first byte: the buffer's readIndex when last called. */
    private int headStart;
    private int lineStart;
    private int scanPos;
    private int headLength;

    private int startLineStart;
    private int methodStart;
    private int methodEnd;
    private Method method;
    private int targetStart;
    private int targetEnd;
    private int minorVersion;
    private int statusCode;
    private int reasonStart;
    private int reasonEnd;
    private int headerCount;

    private int hostCount;
    private int connectionOptions;
    private boolean contentLengthSeen;
    private long contentLength;
    /** Content-Length lines seen, and whether each was one number written without a leading zero. */
    private int contentLengthFields;
    private boolean contentLengthCanonical;
    private boolean transferEncodingSeen;
    private boolean chunkedSeen;
    private boolean chunkedLast;
    private boolean otherCodingSeen;
    private BodyFraming framing;

    public HttpHeadParser(MessageKind kind, HttpLimits limits) {
        this.kind = kind;
        this.limits = limits;
        this.fields = new int[4 * Math.min(INITIAL_FIELDS, limits.maxHeaders())];
        reset();
    }

    /** Forgets the last message, keeping the arrays, so the next head can be parsed; a response is then taken as answering GET. */
    public void reset() {
        requestMethod = Method.GET;
        phase = START_LINE;
        error = null;
        headStart = -1;
        headLength = 0;
        startLineStart = methodStart = methodEnd = targetStart = targetEnd = reasonStart = reasonEnd = 0;
        method = null;
        minorVersion = 0;
        statusCode = 0;
        headerCount = 0;
        hostCount = 0;
        connectionOptions = 0;
        contentLengthSeen = false;
        contentLength = -1;
        contentLengthFields = 0;
        contentLengthCanonical = true;
        transferEncodingSeen = false;
        chunkedSeen = false;
        chunkedLast = false;
        otherCodingSeen = false;
        framing = null;
    }

    /**
     * Resets for a response to a request made with {@code method}: a response to
     * HEAD, or a 2xx to CONNECT, has no body whatever its fields say.
     */
    public void resetForResponseTo(Method method) {
        reset();
        requestMethod = method;
    }

    /** Parses as far as the bytes in {@code [readIndex, writeIndex)} allow. */
    public Progress parse(Buffer buffer) {
        return parse(buffer, limits.maxHeadBytes());
    }

    /**
     * Parses again a complete head that was then edited in place (header
     * rules), so that every offset follows the edit. The edited head may use
     * the room {@code tune.maxrewrite} keeps, so only the buffer bounds it.
     * Returns false if the edited head is no longer acceptable.
     */
    public boolean reparse(Buffer buffer) {
        Method answered = requestMethod;
        reset();
        requestMethod = answered;
        return parse(buffer, buffer.capacity() - buffer.readIndex()) == Progress.COMPLETE;
    }

    private Progress parse(Buffer buffer, int maxHeadBytes) {
        if (phase == DONE) {
            return Progress.COMPLETE;
        }
        if (phase == FAILED) {
            return Progress.REJECTED;
        }
        follow(buffer.readIndex());
        int limitEnd = headStart + maxHeadBytes;
        int end = Math.min(buffer.writeIndex(), limitEnd);
        while (true) {
            int lf = findLineFeed(buffer, scanPos, end);
            if (lf < 0) {
                scanPos = end;
                return incomplete(end, limitEnd);
            }
            scanPos = lf + 1;
            if (lf == lineStart || at(buffer, lf - 1) != CR) {
                return reject(HttpError.BARE_LF);
            }
            HttpError refused;
            if (phase == START_LINE) {
                refused = startLine(buffer, lineStart, lf - 1);
            } else if (lf - 1 == lineStart) {
                refused = endOfHead();
                if (refused == null) {
                    headLength = lf + 1 - headStart;
                    phase = DONE;
                    return Progress.COMPLETE;
                }
            } else {
                refused = fieldLine(buffer, lineStart, lf - 1);
            }
            if (refused != null) {
                return reject(refused);
            }
            lineStart = lf + 1;
        }
    }

    /** First time: remember where the head starts. Later: shift every offset if the buffer was compacted. */
    private void follow(int readIndex) {
        if (headStart < 0) {
            headStart = readIndex;
            lineStart = readIndex;
            scanPos = readIndex;
            startLineStart = readIndex;
            return;
        }
        int delta = readIndex - headStart;
        if (delta == 0) {
            return;
        }
        headStart += delta;
        lineStart += delta;
        scanPos += delta;
        startLineStart += delta;
        methodStart += delta;
        methodEnd += delta;
        targetStart += delta;
        targetEnd += delta;
        reasonStart += delta;
        reasonEnd += delta;
        for (int i = 0; i < headerCount; i++) {
            fields[4 * i] += delta;
            fields[4 * i + 1] += delta;
            fields[4 * i + 2] += delta;
            fields[4 * i + 3] += delta;
        }
    }

    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;

    /**
     * Index of the first LF in {@code [from, end)}, or -1. Heads are mostly
     * long runs without LF, so eight bytes are tested per read; the test has
     * no carry between bytes, so it never reports a byte that is not LF.
     */
    private static int findLineFeed(Buffer buffer, int from, int end) {
        ByteBuffer bytes = buffer.absoluteView();
        int i = from;
        boolean bigEndian = bytes.order() == ByteOrder.BIG_ENDIAN;
        for (; i + 8 <= end; i += 8) {
            long x = bytes.getLong(i) ^ LINE_FEEDS;
            long zeroBytes = ~(((x & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | x | LOW_SEVEN_BITS);
            if (zeroBytes != 0) {
                int lane = bigEndian ? Long.numberOfLeadingZeros(zeroBytes) : Long.numberOfTrailingZeros(zeroBytes);
                return i + (lane >>> 3);
            }
        }
        for (; i < end; i++) {
            if (bytes.get(i) == LF) {
                return i;
            }
        }
        return -1;
    }

    /** No line end yet: wait, unless a limit says no amount of waiting can make this head fit. */
    private Progress incomplete(int end, int limitEnd) {
        boolean inStartLine = phase == START_LINE;
        // A start line of the maximum length may still be waiting for its LF after its CR.
        if (inStartLine && end - lineStart > limits.maxStartLineBytes() + 1) {
            return reject(kind == MessageKind.REQUEST ? HttpError.URI_TOO_LONG : HttpError.BAD_STATUS_LINE);
        }
        if (end >= limitEnd) {
            if (inStartLine && kind == MessageKind.REQUEST) {
                return reject(HttpError.URI_TOO_LONG);
            }
            return reject(HttpError.HEAD_TOO_LARGE);
        }
        return Progress.NEED_MORE;
    }

    private Progress reject(HttpError why) {
        error = why;
        phase = FAILED;
        return Progress.REJECTED;
    }

    // ---- start line ----

    private HttpError startLine(Buffer buffer, int start, int end) {
        if (start == end && kind == MessageKind.REQUEST) {
            // RFC 9112 section 2.2: empty lines before a request line are skipped.
            startLineStart = end + 2;
            return null;
        }
        startLineStart = start;
        if (end - start > limits.maxStartLineBytes()) {
            return kind == MessageKind.REQUEST ? HttpError.URI_TOO_LONG : HttpError.BAD_STATUS_LINE;
        }
        HttpError refused = kind == MessageKind.REQUEST ? requestLine(buffer, start, end) : statusLine(buffer, start, end);
        if (refused == null) {
            phase = FIELDS;
        }
        return refused;
    }

    private HttpError requestLine(Buffer buffer, int start, int end) {
        int i = start;
        while (i < end && at(buffer, i) != SP) {
            int b = at(buffer, i);
            if (!HttpBytes.isTchar(b)) {
                return b == CR ? HttpError.BARE_CR : HttpError.BAD_METHOD;
            }
            i++;
        }
        if (i == start || i == end) {
            return HttpError.BAD_REQUEST_LINE;
        }
        methodStart = start;
        methodEnd = i;
        method = Method.of(buffer, start, i);
        int t = i + 1;
        i = t;
        while (i < end && at(buffer, i) != SP) {
            int b = at(buffer, i);
            if (b == CR) {
                return HttpError.BARE_CR;
            }
            // A target is URI syntax: visible ASCII only (RFC 9112 section 3.2).
            if (b < 0x21 || b > 0x7E) {
                return HttpError.BAD_TARGET;
            }
            i++;
        }
        if (i == t || i == end) {
            return HttpError.BAD_REQUEST_LINE;
        }
        targetStart = t;
        targetEnd = i;
        return version(buffer, i + 1, end, HttpError.BAD_VERSION);
    }

    private HttpError statusLine(Buffer buffer, int start, int end) {
        if (end - start < 12 || at(buffer, start + 8) != SP) {
            return HttpError.BAD_STATUS_LINE;
        }
        HttpError refused = version(buffer, start, start + 8, HttpError.BAD_STATUS_LINE);
        if (refused != null) {
            return refused;
        }
        int code = 0;
        for (int i = start + 9; i < start + 12; i++) {
            int d = at(buffer, i) - '0';
            if (d < 0 || d > 9) {
                return HttpError.BAD_STATUS_LINE;
            }
            code = code * 10 + d;
        }
        if (code < 100 || code > 599) {
            return HttpError.BAD_STATUS_LINE;
        }
        statusCode = code;
        // The SP before an empty reason phrase is often missing; accept both forms.
        int r = start + 12;
        if (r < end && at(buffer, r++) != SP) {
            return HttpError.BAD_STATUS_LINE;
        }
        for (int i = r; i < end; i++) {
            int b = at(buffer, i);
            if (b == CR) {
                return HttpError.BARE_CR;
            }
            if (HttpBytes.isForbiddenInValue(b)) {
                return HttpError.BAD_STATUS_LINE;
            }
        }
        reasonStart = Math.min(r, end);
        reasonEnd = end;
        return null;
    }

    /** {@code HTTP/1.0} or {@code HTTP/1.1}; other 1.x minors are read as 1.1; other majors are refused. */
    private HttpError version(Buffer buffer, int start, int end, HttpError malformed) {
        if (end - start != 8 || buffer.get(start) != 'H' || buffer.get(start + 1) != 'T'
                || buffer.get(start + 2) != 'T' || buffer.get(start + 3) != 'P' || buffer.get(start + 4) != '/'
                || buffer.get(start + 6) != '.') {
            return scanForCr(buffer, start, end) ? HttpError.BARE_CR : malformed;
        }
        int major = at(buffer, start + 5) - '0';
        int minor = at(buffer, start + 7) - '0';
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            return malformed;
        }
        if (major != 1) {
            return HttpError.VERSION_NOT_SUPPORTED;
        }
        minorVersion = minor == 0 ? 0 : 1;
        return null;
    }

    private static boolean scanForCr(Buffer buffer, int start, int end) {
        for (int i = start; i < end; i++) {
            if (buffer.get(i) == CR) {
                return true;
            }
        }
        return false;
    }

    // ---- header fields ----

    private HttpError fieldLine(Buffer buffer, int start, int end) {
        int first = at(buffer, start);
        if (HttpBytes.isWhitespace(first)) {
            // A continuation line, or whitespace before the first field: both are obs-fold.
            return HttpError.OBS_FOLD;
        }
        if (headerCount == limits.maxHeaders()) {
            return HttpError.TOO_MANY_HEADERS;
        }
        int i = start;
        while (i < end && HttpBytes.isTchar(at(buffer, i))) {
            i++;
        }
        if (i == end) {
            return HttpError.BAD_HEADER_NAME;
        }
        int b = at(buffer, i);
        if (b != ':') {
            if (b == CR) {
                return HttpError.BARE_CR;
            }
            if (i > start && HttpBytes.isWhitespace(b)) {
                int after = HttpBytes.skipWhitespace(buffer, i, end);
                if (after < end && buffer.get(after) == ':') {
                    return HttpError.WHITESPACE_BEFORE_COLON;
                }
            }
            return HttpError.BAD_HEADER_NAME;
        }
        if (i == start) {
            return HttpError.BAD_HEADER_NAME;
        }
        int vs = HttpBytes.skipWhitespace(buffer, i + 1, end);
        for (int k = plainValueRun(buffer, vs, end); k < end; k++) {
            int v = at(buffer, k);
            if (HttpBytes.isForbiddenInValue(v)) {
                return v == CR ? HttpError.BARE_CR : HttpError.BAD_HEADER_VALUE;
            }
        }
        int ve = HttpBytes.trimWhitespaceEnd(buffer, vs, end);
        int n = headerCount++;
        if (4 * n == fields.length) {
            fields = java.util.Arrays.copyOf(fields, 4 * Math.min(2 * n, limits.maxHeaders()));
        }
        fields[4 * n] = start;
        fields[4 * n + 1] = i;
        fields[4 * n + 2] = vs;
        fields[4 * n + 3] = ve;
        return framingField(buffer, start, i, vs, ve);
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * Skips eight bytes at a time while none of them is below 0x20 or is DEL,
     * and returns where a byte-by-byte check must resume. A word with such a
     * byte (or an HTAB, or a false alarm from the borrow) is left to that check.
     */
    private static int plainValueRun(Buffer buffer, int from, int end) {
        ByteBuffer bytes = buffer.absoluteView();
        int k = from;
        for (; k + 8 <= end; k += 8) {
            long x = bytes.getLong(k);
            long belowSpace = (x - 0x20 * ONES) & ~x & HIGH_BITS;
            long d = x ^ (0x7F * ONES);
            long del = (d - ONES) & ~d & HIGH_BITS;
            if ((belowSpace | del) != 0) {
                break;
            }
        }
        return k;
    }

    /** Records the fields that decide framing, routing and persistence as they are met. */
    private HttpError framingField(Buffer buffer, int ns, int ne, int vs, int ve) {
        switch (ne - ns) {
            case 4:
                if (HttpBytes.equalsIgnoreCase(buffer, ns, ne, HOST)) {
                    hostCount++;
                }
                return null;
            case 10:
                if (HttpBytes.equalsIgnoreCase(buffer, ns, ne, CONNECTION)) {
                    connectionOptions |= ConnectionOptions.scan(buffer, vs, ve);
                }
                return null;
            case 14:
                return HttpBytes.equalsIgnoreCase(buffer, ns, ne, CONTENT_LENGTH) ? contentLengthField(buffer, vs, ve) : null;
            case 17:
                return HttpBytes.equalsIgnoreCase(buffer, ns, ne, TRANSFER_ENCODING) ? transferEncodingField(buffer, vs, ve) : null;
            default:
                return null;
        }
    }

    /** Every element of every Content-Length line must be the same number (RFC 9112 section 6.3, rule 5). */
    private HttpError contentLengthField(Buffer buffer, int vs, int ve) {
        contentLengthFields++;
        int i = vs;
        do {
            int comma = HttpBytes.nextComma(buffer, i, ve);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            long value = HttpBytes.parseContentLength(buffer, s, e);
            if (value < 0) {
                return HttpError.BAD_CONTENT_LENGTH;
            }
            if (contentLengthSeen && value != contentLength) {
                return HttpError.CONFLICTING_CONTENT_LENGTH;
            }
            if (comma < ve || e - s != decimalDigits(value)) {
                contentLengthCanonical = false;
            }
            contentLengthSeen = true;
            contentLength = value;
            i = comma + 1;
        } while (i <= ve);
        return null;
    }

    private static int decimalDigits(long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    /** Only one coding is implemented, {@code chunked}, and it must be applied once and last. */
    private HttpError transferEncodingField(Buffer buffer, int vs, int ve) {
        transferEncodingSeen = true;
        int i = vs;
        do {
            int comma = HttpBytes.nextComma(buffer, i, ve);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            // RFC 9110 section 5.6.1: empty list elements are not counted.
            if (s < e) {
                if (HttpBytes.equalsIgnoreCase(buffer, s, e, CHUNKED)) {
                    // RFC 9112 section 7: chunked is never applied twice.
                    if (chunkedSeen) {
                        return HttpError.BAD_TRANSFER_ENCODING;
                    }
                    chunkedSeen = true;
                    chunkedLast = true;
                } else {
                    if (!HttpBytes.isTchar(at(buffer, s))) {
                        return HttpError.BAD_TRANSFER_ENCODING;
                    }
                    chunkedLast = false;
                    otherCodingSeen = true;
                }
            }
            i = comma + 1;
        } while (i <= ve);
        return null;
    }

    /** The whole header section is known: the checks that need every field, then the framing. */
    private HttpError endOfHead() {
        if (kind == MessageKind.REQUEST) {
            if (hostCount > 1) {
                return HttpError.DUPLICATE_HOST;
            }
            if (hostCount == 0 && minorVersion == 1) {
                return HttpError.MISSING_HOST;
            }
        }
        if (transferEncodingSeen) {
            if (minorVersion == 0) {
                return HttpError.TRANSFER_ENCODING_IN_HTTP10;
            }
            if (contentLengthSeen) {
                return HttpError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            if (!chunkedSeen && !otherCodingSeen) {
                return HttpError.BAD_TRANSFER_ENCODING;
            }
            if (!chunkedLast) {
                return HttpError.CHUNKED_NOT_FINAL;
            }
            if (otherCodingSeen) {
                return HttpError.UNSUPPORTED_TRANSFER_CODING;
            }
        }
        framing = decideFraming();
        return null;
    }

    private BodyFraming decideFraming() {
        if (kind == MessageKind.RESPONSE) {
            boolean noBody = statusCode < 200 || statusCode == 204 || statusCode == 304
                    || requestMethod == Method.HEAD
                    || (requestMethod == Method.CONNECT && statusCode < 300);
            if (noBody) {
                return BodyFraming.NONE;
            }
        }
        if (transferEncodingSeen) {
            return BodyFraming.CHUNKED;
        }
        if (contentLengthSeen) {
            return contentLength == 0 ? BodyFraming.NONE : BodyFraming.CONTENT_LENGTH;
        }
        return kind == MessageKind.RESPONSE ? BodyFraming.UNTIL_CLOSE : BodyFraming.NONE;
    }

    // ---- results ----

    public MessageKind kind() {
        return kind;
    }

    /** Why the message was refused, or {@code null}. */
    public HttpError error() {
        return error;
    }

    /** The status to answer a refusal with: the error's own for a request, 502 for a response. */
    public int errorStatus() {
        return error == null ? 0 : error.status(kind);
    }

    /** Absolute index of the head's first byte (leading empty lines included). */
    public int headStart() {
        return headStart;
    }

    /** Bytes from {@link #headStart()} through the blank line that ends the head; the body follows. */
    public int headLength() {
        return headLength;
    }

    /** Absolute index of the start line's first byte, after any skipped empty lines. */
    public int startLineStart() {
        return startLineStart;
    }

    public int methodStart() {
        return methodStart;
    }

    public int methodEnd() {
        return methodEnd;
    }

    /** The request's method, or {@code null} for a response. */
    public Method method() {
        return method;
    }

    public int targetStart() {
        return targetStart;
    }

    public int targetEnd() {
        return targetEnd;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and for any higher 1.x, which is read as 1.1). */
    public int minorVersion() {
        return minorVersion;
    }

    public int statusCode() {
        return statusCode;
    }

    public int reasonStart() {
        return reasonStart;
    }

    public int reasonEnd() {
        return reasonEnd;
    }

    public int headerCount() {
        return headerCount;
    }

    public int nameStart(int header) {
        return fields[4 * header];
    }

    public int nameEnd(int header) {
        return fields[4 * header + 1];
    }

    /** First byte of the value, leading whitespace skipped. */
    public int valueStart(int header) {
        return fields[4 * header + 2];
    }

    /** End of the value, trailing whitespace trimmed. */
    public int valueEnd(int header) {
        return fields[4 * header + 3];
    }

    /** True when header {@code header}'s name equals {@code lowerCaseName} ignoring case. */
    public boolean nameIs(Buffer buffer, int header, byte[] lowerCaseName) {
        return HttpBytes.equalsIgnoreCase(buffer, fields[4 * header], fields[4 * header + 1], lowerCaseName);
    }

    /** Index of the first header whose name equals {@code lowerCaseName} ignoring case, or -1. */
    public int findHeader(Buffer buffer, byte[] lowerCaseName) {
        for (int i = 0; i < headerCount; i++) {
            if (nameIs(buffer, i, lowerCaseName)) {
                return i;
            }
        }
        return -1;
    }

    public BodyFraming bodyFraming() {
        return framing;
    }

    /** The body's length for {@link BodyFraming#CONTENT_LENGTH}; -1 when no Content-Length was sent. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Whether the head carries its length as one Content-Length line holding one
     * number without leading zeros. A list ({@code 5, 5}), a repeated line or
     * {@code 05} is valid when every element agrees, but it is forwarded in that
     * canonical form only: a recipient that reads lists differently must not see one.
     */
    public boolean contentLengthIsCanonical() {
        return !contentLengthSeen || contentLengthFields == 1 && contentLengthCanonical;
    }

    /** The Connection options seen, as {@link ConnectionOptions} bits. */
    public int connectionOptions() {
        return connectionOptions;
    }

    /**
     * Whether the connection may carry another message after this one, as far as
     * this message alone says: its version and Connection options, and for a
     * response, a body that is not delimited by the close itself.
     */
    public boolean keepAlive() {
        if (framing == BodyFraming.UNTIL_CLOSE) {
            return false;
        }
        return ConnectionOptions.persistent(minorVersion, connectionOptions);
    }

    /**
     * True when header {@code header} is hop-by-hop because a Connection field
     * names it; such a field is removed before the head is forwarded.
     */
    public boolean isNominatedByConnection(Buffer buffer, int header) {
        for (int i = 0; i < headerCount; i++) {
            if (nameIs(buffer, i, CONNECTION)
                    && ConnectionOptions.nominates(buffer, fields[4 * i + 2], fields[4 * i + 3], fields[4 * header], fields[4 * header + 1])) {
                return true;
            }
        }
        return false;
    }
}
