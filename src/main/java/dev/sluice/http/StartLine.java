package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import static dev.sluice.http.HttpBytes.CR;
import static dev.sluice.http.HttpBytes.SP;
import static dev.sluice.http.HttpBytes.at;

/**
 * The start line of a message head, where it lies in the buffer: a request
 * line (method, target, version, RFC 9112 section 3) or a status line
 * (version, code, reason, section 4). Offsets are absolute; {@link #shift}
 * moves them when the buffer is compacted under an incomplete head.
 *
 * <p>Not thread-safe: one per parser.
 */
final class StartLine {
    int startLineStart;
    int methodStart;
    int methodEnd;
    Method method;
    int targetStart;
    int targetEnd;
    int minorVersion;
    int statusCode;
    int reasonStart;
    int reasonEnd;

    void reset() {
        startLineStart = methodStart = methodEnd = targetStart = targetEnd = reasonStart = reasonEnd = 0;
        method = null;
        minorVersion = 0;
        statusCode = 0;
    }

    void shift(int delta) {
        startLineStart += delta;
        methodStart += delta;
        methodEnd += delta;
        targetStart += delta;
        targetEnd += delta;
        reasonStart += delta;
        reasonEnd += delta;
    }

    HttpError request(Buffer buffer, int start, int end) {
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

    HttpError status(Buffer buffer, int start, int end) {
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
}
