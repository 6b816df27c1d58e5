package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import static dev.sluice.http.HttpBytes.CR;
import static dev.sluice.http.HttpBytes.LF;

/**
 * Walks a chunked body (RFC 9112 section 7.1) where it lies in a buffer, to
 * find where the message ends, without decoding it: the proxy forwards the
 * body exactly as received, chunk-size lines, extensions and trailers included.
 * Chunk data is skipped in one step, so a large chunk costs nothing per byte.
 *
 * <p>Each call to {@link #feed} reads from {@code from} and stops at the end of
 * the bytes it was given or at the end of the message, whichever comes first;
 * feeding a body in any split gives the same result as feeding it whole.
 *
 * <p>Not thread-safe: one decoder per channel, owned by that channel's loop.
 */
public final class ChunkedDecoder {
    /** Chunk sizes above this are refused: no real body is that large, and it keeps the sum far from overflow. */
    static final long MAX_CHUNK_SIZE = 1L << 62;

    private enum State {
        SIZE_FIRST, SIZE, SIZE_WHITESPACE, EXTENSION, SIZE_LF,
        DATA, DATA_CR, DATA_LF,
        TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, FINAL_LF,
        DONE, FAILED
    }

    private final MessageKind kind;
    private final int maxChunkLineBytes;
    private final int maxTrailerBytes;

    private State state;
    private HttpError error;
    private long chunkSize;
    private long dataLeft;
    private int lineBytes;
    private int trailerBytes;
    private long bodyBytes;
    private long dataBytes;

    public ChunkedDecoder(MessageKind kind, HttpLimits limits) {
        this(kind, limits, limits.maxChunkLineBytes());
    }

    /**
     * A decoder whose chunk-size lines are at most {@code maxChunkLineBytes}:
     * {@link #feedCanonical} holds a line whole in the buffer, so its bound must
     * stay below the room the buffer offers.
     */
    public ChunkedDecoder(MessageKind kind, HttpLimits limits, int maxChunkLineBytes) {
        this.kind = kind;
        this.maxChunkLineBytes = Math.min(maxChunkLineBytes, limits.maxChunkLineBytes());
        this.maxTrailerBytes = limits.maxTrailerBytes();
        reset();
    }

    /** Prepares for the next chunked body. */
    public void reset() {
        state = State.SIZE_FIRST;
        error = null;
        chunkSize = 0;
        dataLeft = 0;
        lineBytes = 0;
        trailerBytes = 0;
        bodyBytes = 0;
        dataBytes = 0;
    }

    /**
     * Reads the body bytes in {@code [from, to)} of {@code buffer}. Returns how
     * many of them belong to the body (all of them, unless the message ended
     * inside the range), or -1 when the body is malformed ({@link #error()}).
     */
    public int feed(Buffer buffer, int from, int to) {
        if (state == State.FAILED) {
            return -1;
        }
        int i = from;
        while (i < to && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(dataLeft, to - i);
                i += n;
                dataLeft -= n;
                if (dataLeft == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            if (!step(HttpBytes.at(buffer, i))) {
                state = State.FAILED;
                return -1;
            }
            i++;
        }
        bodyBytes += i - from;
        return i - from;
    }

    /**
     * Like {@link #feed}, but forwards every chunk-size line in canonical form:
     * the size in lower-case hex without leading zeros, no whitespace, no
     * extension, CRLF.
     * A complete line that is not canonical is rewritten in place (it only ever
     * shrinks; the bytes behind it move up, the buffer's write index with them);
     * a line not complete yet is not counted, so the caller holds it until the
     * rest arrives and feeds again from its start. An origin that reads chunk
     * extensions or odd sizes ({@code 5;a="x}, {@code 0005}, {@code 5 ;x})
     * differently from Sluice therefore reads the same body. Trailers are kept
     * as they came.
     *
     * <p>{@code to} must be the buffer's write index: a rewrite moves everything
     * up to it. Returns the bytes of the body, in the rewritten layout, that
     * may be forwarded, or -1 when the body is malformed.
     */
    public int feedCanonical(Buffer buffer, int from, int to) {
        if (state == State.FAILED) {
            return -1;
        }
        if (to != buffer.writeIndex()) {
            throw new IllegalArgumentException("canonical chunk lines need the bytes up to the write index, got " + to
                    + " for " + buffer);
        }
        int i = from;
        int lineStart = from;
        while (i < to && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(dataLeft, to - i);
                i += n;
                dataLeft -= n;
                if (dataLeft == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            if (state == State.SIZE_FIRST) {
                lineStart = i;
            }
            boolean endsSizeLine = state == State.SIZE_LF;
            if (!step(HttpBytes.at(buffer, i))) {
                state = State.FAILED;
                return -1;
            }
            i++;
            if (endsSizeLine) {
                int canonical = hexDigits(chunkSize) + 2;
                int shrink = i - lineStart - canonical;
                if (shrink > 0 || hasUpperCaseDigit(buffer, lineStart, canonical - 2)) {
                    writeSizeLine(buffer, lineStart, chunkSize, canonical);
                    buffer.shiftTail(i, lineStart + canonical);
                    i -= shrink;
                    to -= shrink;
                }
            }
        }
        if (inSizeLine()) {
            // The line goes on past the bytes at hand: keep it back, whole, for the next call.
            i = lineStart;
            state = State.SIZE_FIRST;
        }
        bodyBytes += i - from;
        return i - from;
    }

    /** Between the first byte of a chunk-size line and its LF. */
    private boolean inSizeLine() {
        return state == State.SIZE || state == State.SIZE_WHITESPACE || state == State.EXTENSION
                || state == State.SIZE_LF;
    }

    private static boolean hasUpperCaseDigit(Buffer buffer, int from, int digits) {
        for (int k = from; k < from + digits; k++) {
            byte c = buffer.get(k);
            if (c >= 'A' && c <= 'F') {
                return true;
            }
        }
        return false;
    }

    private static int hexDigits(long value) {
        return value == 0 ? 1 : (67 - Long.numberOfLeadingZeros(value)) / 4;
    }

    private static void writeSizeLine(Buffer buffer, int at, long size, int length) {
        java.nio.ByteBuffer bytes = buffer.absoluteView();
        long v = size;
        for (int k = length - 3; k >= 0; k--) {
            bytes.put(at + k, (byte) HEX[(int) (v & 0xF)]);
            v >>>= 4;
        }
        bytes.put(at + length - 2, (byte) CR);
        bytes.put(at + length - 1, (byte) LF);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Advances over one framing byte; false (with {@link #error} set) when it is not allowed here. */
    private boolean step(int b) {
        switch (state) {
            case SIZE_FIRST:
                lineBytes = 1;
                chunkSize = 0;
                if (hex(b) < 0) {
                    return fail(HttpError.BAD_CHUNK_SIZE);
                }
                return sizeDigit(hex(b));
            case SIZE:
                if (!countLineByte()) {
                    return false;
                }
                if (hex(b) >= 0) {
                    return sizeDigit(hex(b));
                }
                return afterSize(b);
            case SIZE_WHITESPACE:
                if (!countLineByte()) {
                    return false;
                }
                if (HttpBytes.isWhitespace(b)) {
                    return true;
                }
                // Whitespace after the size is only allowed before an extension (BWS ";").
                if (b == ';') {
                    state = State.EXTENSION;
                    return true;
                }
                return fail(HttpError.BAD_CHUNK_SIZE);
            case EXTENSION:
                if (!countLineByte()) {
                    return false;
                }
                if (b == CR) {
                    state = State.SIZE_LF;
                    return true;
                }
                // Extensions are forwarded unread, but a bare LF or control byte in them is a framing trick.
                return !HttpBytes.isForbiddenInValue(b) || fail(HttpError.BAD_CHUNK_SIZE);
            case SIZE_LF:
                if (b != LF) {
                    return fail(HttpError.BAD_CHUNK_FRAMING);
                }
                if (chunkSize == 0) {
                    state = State.TRAILER_START;
                } else {
                    dataLeft = chunkSize;
                    // One addition per chunk: a body limit is checked against the sizes chunks announce.
                    dataBytes += chunkSize;
                    state = State.DATA;
                }
                return true;
            case DATA_CR:
                state = State.DATA_LF;
                return b == CR || fail(HttpError.BAD_CHUNK_FRAMING);
            case DATA_LF:
                state = State.SIZE_FIRST;
                return b == LF || fail(HttpError.BAD_CHUNK_FRAMING);
            case TRAILER_START:
                if (!countTrailerByte()) {
                    return false;
                }
                if (b == CR) {
                    state = State.FINAL_LF;
                    return true;
                }
                // A leading space would be obs-fold; a trailer field starts with a token.
                state = State.TRAILER_NAME;
                return HttpBytes.isTchar(b) || fail(HttpError.BAD_TRAILER);
            case TRAILER_NAME:
                if (!countTrailerByte()) {
                    return false;
                }
                if (b == ':') {
                    state = State.TRAILER_VALUE;
                    return true;
                }
                return HttpBytes.isTchar(b) || fail(HttpError.BAD_TRAILER);
            case TRAILER_VALUE:
                if (!countTrailerByte()) {
                    return false;
                }
                if (b == CR) {
                    state = State.TRAILER_LF;
                    return true;
                }
                return !HttpBytes.isForbiddenInValue(b) || fail(HttpError.BAD_TRAILER);
            case TRAILER_LF:
                if (!countTrailerByte()) {
                    return false;
                }
                state = State.TRAILER_START;
                return b == LF || fail(HttpError.BAD_TRAILER);
            case FINAL_LF:
                state = State.DONE;
                return b == LF || fail(HttpError.BAD_CHUNK_FRAMING);
            default:
                throw new IllegalStateException("chunked decoder stepped in state " + state);
        }
    }

    private boolean afterSize(int b) {
        if (b == CR) {
            state = State.SIZE_LF;
            return true;
        }
        if (b == ';') {
            state = State.EXTENSION;
            return true;
        }
        if (HttpBytes.isWhitespace(b)) {
            state = State.SIZE_WHITESPACE;
            return true;
        }
        return fail(HttpError.BAD_CHUNK_SIZE);
    }

    private boolean sizeDigit(int digit) {
        if (chunkSize > (MAX_CHUNK_SIZE - digit) >> 4) {
            return fail(HttpError.CHUNK_SIZE_OVERFLOW);
        }
        chunkSize = (chunkSize << 4) + digit;
        state = State.SIZE;
        return true;
    }

    private boolean countLineByte() {
        return ++lineBytes <= maxChunkLineBytes || fail(HttpError.CHUNK_LINE_TOO_LONG);
    }

    private boolean countTrailerByte() {
        return ++trailerBytes <= maxTrailerBytes || fail(HttpError.TRAILER_TOO_LARGE);
    }

    private boolean fail(HttpError why) {
        error = why;
        return false;
    }

    private static int hex(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** True once the last chunk and the trailer section have been read. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** Why the body was refused, or {@code null}. */
    public HttpError error() {
        return error;
    }

    /** The status to answer a refusal with: 400 family for a request body, 502 for a response body. */
    public int errorStatus() {
        return error == null ? 0 : error.status(kind);
    }

    /**
     * The decoded body's length so far: the sum of the sizes of the chunks read
     * up to now, a chunk counted as soon as its size line is complete, before
     * its data. Framing, extensions and trailers are not counted.
     */
    public long dataBytes() {
        return dataBytes;
    }

    /** Bytes of the body read so far, framing included. */
    public long bodyBytes() {
        return bodyBytes;
    }
}
