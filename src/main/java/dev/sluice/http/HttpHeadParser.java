package dev.sluice.http;

import dev.sluice.buffer.Buffer;


import static dev.sluice.http.HttpBytes.CR;
import static dev.sluice.http.HttpBytes.LF;
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

    private static final byte[] CONNECTION = HttpBytes.ascii("connection");
    private static final byte[] UPGRADE = HttpBytes.ascii("upgrade");
    private static final byte[] H2C = HttpBytes.ascii("h2c");

    private static final int START_LINE = 0;
    private static final int FIELDS = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;
    /** Fields the offset array holds before it first grows; most heads have fewer. */
    private static final int INITIAL_FIELDS = FieldTables.SIZE / 4;
    private static final int[] NO_FIELDS = new int[0];

    private final MessageKind kind;
    private final HttpLimits limits;
    /**
     * Field offsets, four ints per field: name start, name end, value start,
     * value end. Lent by the thread's {@link FieldTables} when the head's first
     * field comes, sized for a typical head and doubled on demand up to
     * {@code maxHeaders}; given back by {@link #releaseTable()} when the
     * exchange ends, so an idle connection holds none.
     */
    private int[] fields = NO_FIELDS;
    private final FieldTables tables = FieldTables.local();

    /** For a response: the method of the request it answers (HEAD and CONNECT change framing). */
    private Method requestMethod = Method.GET;

    private int phase;
    private HttpError error;
    /** Absolute index of the head's first byte: the buffer's readIndex when last called. */
    private int headStart;
    private int lineStart;
    private int scanPos;
    private int headLength;

    private final StartLine line = new StartLine();
    private int headerCount;

    /** The fields that decide framing, routing and persistence, recorded as they are met. */
    private final MessageFraming framing;

    public HttpHeadParser(MessageKind kind, HttpLimits limits) {
        this.kind = kind;
        this.limits = limits;
        this.framing = new MessageFraming(kind);
        reset();
    }

    /** Forgets the last message, keeping the arrays, so the next head can be parsed; a response is then taken as answering GET. */
    public void reset() {
        requestMethod = Method.GET;
        phase = START_LINE;
        error = null;
        headStart = -1;
        headLength = 0;
        line.reset();
        headerCount = 0;
        framing.reset();
    }

    /**
     * Forgets the last message and gives its field table back: nothing may be
     * read of that head after this. The next head borrows a table again. The
     * session calls it when an exchange has ended and when it closes.
     */
    public void releaseTable() {
        reset();
        if (fields != NO_FIELDS) {
            tables.give(fields);
            fields = NO_FIELDS;
        }
    }

    /** Room for field {@code n}: a table borrowed for the first field, then doubled up to {@code maxHeaders}. */
    private void growFields(int n) {
        if (n == 0) {
            fields = tables.take(4 * Math.min(INITIAL_FIELDS, Math.max(1, limits.maxHeaders())));
            return;
        }
        int[] grown = java.util.Arrays.copyOf(fields, 4 * Math.min(2 * n, limits.maxHeaders()));
        tables.give(fields);
        fields = grown;
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
            int lf = HttpBytes.findLineFeed(buffer, scanPos, end);
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
                refused = framing.end(line.minorVersion, line.statusCode, requestMethod);
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
            line.startLineStart = readIndex;
            return;
        }
        int delta = readIndex - headStart;
        if (delta == 0) {
            return;
        }
        headStart += delta;
        lineStart += delta;
        scanPos += delta;
        line.shift(delta);
        for (int i = 0; i < headerCount; i++) {
            fields[4 * i] += delta;
            fields[4 * i + 1] += delta;
            fields[4 * i + 2] += delta;
            fields[4 * i + 3] += delta;
        }
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
            line.startLineStart = end + 2;
            return null;
        }
        line.startLineStart = start;
        if (end - start > limits.maxStartLineBytes()) {
            return kind == MessageKind.REQUEST ? HttpError.URI_TOO_LONG : HttpError.BAD_STATUS_LINE;
        }
        HttpError refused = kind == MessageKind.REQUEST ? line.request(buffer, start, end)
                : line.status(buffer, start, end);
        if (refused == null) {
            phase = FIELDS;
        }
        return refused;
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
        for (int k = HttpBytes.plainValueRun(buffer, vs, end); k < end; k++) {
            int v = at(buffer, k);
            if (HttpBytes.isForbiddenInValue(v)) {
                return v == CR ? HttpError.BARE_CR : HttpError.BAD_HEADER_VALUE;
            }
        }
        int ve = HttpBytes.trimWhitespaceEnd(buffer, vs, end);
        int n = headerCount++;
        if (4 * n == fields.length) {
            growFields(n);
        }
        fields[4 * n] = start;
        fields[4 * n + 1] = i;
        fields[4 * n + 2] = vs;
        fields[4 * n + 3] = ve;
        return framing.field(buffer, start, i, vs, ve);
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
        return line.startLineStart;
    }

    public int methodStart() {
        return line.methodStart;
    }

    public int methodEnd() {
        return line.methodEnd;
    }

    /** The request's method, or {@code null} for a response. */
    public Method method() {
        return line.method;
    }

    public int targetStart() {
        return line.targetStart;
    }

    public int targetEnd() {
        return line.targetEnd;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and for any higher 1.x, which is read as 1.1). */
    public int minorVersion() {
        return line.minorVersion;
    }

    public int statusCode() {
        return line.statusCode;
    }

    public int reasonStart() {
        return line.reasonStart;
    }

    public int reasonEnd() {
        return line.reasonEnd;
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
        return framing.framing();
    }

    /** The body's length for {@link BodyFraming#CONTENT_LENGTH}; -1 when no Content-Length was sent. */
    public long contentLength() {
        return framing.contentLength();
    }

    /** See {@link MessageFraming#contentLengthIsCanonical()}. */
    public boolean contentLengthIsCanonical() {
        return framing.contentLengthIsCanonical();
    }

    /** The Connection options seen, as {@link ConnectionOptions} bits. */
    public int connectionOptions() {
        return framing.connectionOptions();
    }

    /**
     * Whether the connection may carry another message after this one, as far as
     * this message alone says: its version and Connection options, and for a
     * response, a body that is not delimited by the close itself.
     */
    public boolean keepAlive() {
        if (framing.framing() == BodyFraming.UNTIL_CLOSE) {
            return false;
        }
        return ConnectionOptions.persistent(line.minorVersion, framing.connectionOptions());
    }

    /**
     * Whether the message asks for (a request) or confirms (a 101) a switch of
     * protocols that Sluice may relay as a tunnel: HTTP/1.1, {@code Connection}
     * names {@code upgrade}, and an {@code Upgrade} field lists protocols. An
     * {@code h2c} upgrade is never relayed: Sluice would then carry HTTP/2
     * requests its rules never saw (h2c smuggling), so such a message is
     * forwarded as a plain one, its Upgrade removed.
     */
    public boolean switchesProtocols(Buffer buffer) {
        if (line.minorVersion != 1 || (framing.connectionOptions() & ConnectionOptions.UPGRADE) == 0) {
            return false;
        }
        int upgrade = findHeader(buffer, UPGRADE);
        if (upgrade < 0) {
            return false;
        }
        int i = valueStart(upgrade);
        int end = valueEnd(upgrade);
        boolean any = false;
        while (i < end) {
            int comma = HttpBytes.nextComma(buffer, i, end);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            if (s < e) {
                if (HttpBytes.equalsIgnoreCase(buffer, s, e, H2C)) {
                    return false;
                }
                any = true;
            }
            i = comma + 1;
        }
        return any;
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
