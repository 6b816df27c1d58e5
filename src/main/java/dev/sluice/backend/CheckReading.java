package dev.sluice.backend;

import dev.sluice.buffer.Buffer;
import java.util.List;
import java.util.regex.Matcher;

/**
 * What a health check received, read against its script's expect steps: the
 * patterns and the protocols' own answers (an HTTP status or body, a MySQL
 * handshake, a PostgreSQL authentication request, a TLS record). It reads the
 * check's receive buffer in place; the regular expressions' matchers are made
 * once with the check, and the byte views they run over are reused, so an
 * evaluation allocates nothing but the text of a failure's detail.
 *
 * <p>Not thread-safe: owned by its check's loop.
 */
final class CheckReading {
    /** How an expect step's evaluation went. */
    enum Eval { PASS, WAIT, FAIL }

    private final Buffer in;
    private final Matcher[] matchers;
    private final ByteChars text = new ByteChars(false);
    private final ByteChars hex = new ByteChars(true);
    private int step;
    private int lastHttpStatus;
    private String detail = "";
    /** Set by an expect that failed for a reason other than its match (a response that is not HTTP). */
    private CheckStatus protocolError;

    /** @param in the check's receive buffer, or null for a script that expects nothing */
    CheckReading(Buffer in, List<CheckStep> steps) {
        this.in = in;
        this.matchers = new Matcher[steps.size()];
        for (int i = 0; i < matchers.length; i++) {
            if (steps.get(i) instanceof CheckStep.Expect e && e.regex() != null) {
                matchers[i] = e.regex().matcher("");
            }
        }
    }

    /** Forgets the last check's HTTP status, before a new check. */
    void reset() {
        lastHttpStatus = 0;
        detail = "";
        protocolError = null;
    }

    /** The HTTP status the last HTTP expect read, or 0. */
    int lastHttpStatus() {
        return lastHttpStatus;
    }

    /** Why the last evaluation failed, or "". */
    String detail() {
        return detail;
    }

    /** The status a failure for a reason other than the match itself calls for, or null. */
    CheckStatus protocolError() {
        return protocolError;
    }

    /**
     * Evaluates expect step {@code step} against what the read buffer holds.
     *
     * @param last     whether nothing more will arrive (the stream ended, or the buffer is full)
     * @param drainable whether a 404 may ask for a drain ({@code disable-on-404}, the server not DOWN)
     */
    Eval evaluate(CheckStep.Expect e, int step, boolean last, boolean drainable) {
        this.step = step;
        detail = "";
        protocolError = null;
        if (e.match().http) {
            return expectHttp(e, last, drainable);
        }
        int from = in.readIndex();
        int to = in.writeIndex();
        int length = to - from;
        if (!last) {
            if (e.match() == CheckStep.Match.CONTAINS && length < e.literal().length
                    || e.minRecv() > 0 && length < e.minRecv()) {
                return Eval.WAIT;
            }
        }
        Boolean found = switch (e.match()) {
            case CONTAINS -> indexOf(from, to, e.literal()) >= 0;
            case REGEX -> matcher().reset(text.over(in, from, to)).find();
            case HEX_REGEX -> matcher().reset(hex.over(in, from, to)).find();
            case TLS_RECORD -> length == 0 ? null : isTlsRecord(in.get(from));
            case MYSQL_HANDSHAKE -> mysqlHandshake(from, to, last);
            case MYSQL_OK -> mysqlAfterHandshake(from, to, last);
            case PGSQL_AUTH -> length == 0 ? null : pgsqlAuth(in.get(from));
            default -> throw new IllegalStateException(e.match().name());
        };
        if (found == null) {
            if (!last) {
                return Eval.WAIT;
            }
            detail = length == 0 ? "no data" : "incomplete answer";
            return Eval.FAIL;
        }
        // A protocol's own reading (a packet type) is conclusive once the packet is whole; a search may find
        // its pattern in bytes still to come.
        boolean searched = e.match() == CheckStep.Match.CONTAINS || e.match() == CheckStep.Match.REGEX
                || e.match() == CheckStep.Match.HEX_REGEX;
        if (!found && !last && e.minRecv() < 0 && searched) {
            return Eval.WAIT;
        }
        if (found != e.inverse()) {
            return Eval.PASS;
        }
        if (detail.isEmpty()) {
            detail = (e.comment().isEmpty() ? "" : e.comment() + ": ") + (e.inverse() ? "unwanted match" : "no match")
                    + " in " + length + " bytes";
        }
        return Eval.FAIL;
    }

    /** The matcher of the current step's expression, made once with the check. */
    private Matcher matcher() {
        return matchers[step];
    }

    private static boolean isTlsRecord(byte first) {
        return first == 0x15 || first == 0x16;
    }

    /** A MySQL packet: 3-byte length, sequence, then 0x0a (handshake) or 0xff (error); null until it is whole. */
    private Boolean mysqlHandshake(int from, int to, boolean last) {
        if (to - from < 5) {
            return null;
        }
        int length = (in.get(from) & 0xff) | (in.get(from + 1) & 0xff) << 8 | (in.get(from + 2) & 0xff) << 16;
        if (to - from < 4 + length && !last) {
            return null;
        }
        int kind = in.get(from + 4) & 0xff;
        if (kind == 0xff) {
            detail = "MySQL error packet";
            return false;
        }
        return true;
    }

    /** The packet after the handshake: whole, and not an error; null until it is whole. */
    private Boolean mysqlAfterHandshake(int from, int to, boolean last) {
        if (to - from < 4) {
            return null;
        }
        int first = (in.get(from) & 0xff) | (in.get(from + 1) & 0xff) << 8 | (in.get(from + 2) & 0xff) << 16;
        return mysqlHandshake(from + 4 + first, to, last);
    }

    private Boolean pgsqlAuth(byte first) {
        if (first == 'E') {
            detail = "PostgreSQL error response";
            return false;
        }
        return first == 'R';
    }

    /** Reads an HTTP response head, then the body if the match looks at it. */
    private Eval expectHttp(CheckStep.Expect e, boolean last, boolean drainable) {
        int from = in.readIndex();
        int to = in.writeIndex();
        int headEnd = indexOf(from, to, CRLF_CRLF);
        if (headEnd < 0) {
            if (last) {
                detail = to == from ? "empty response" : "incomplete or oversized response head";
                protocolError = CheckStatus.L7RSP;
                return Eval.FAIL;
            }
            return Eval.WAIT;
        }
        int status = statusOf(from, headEnd);
        if (status < 0) {
            detail = "not an HTTP/1 response";
            protocolError = CheckStatus.L7RSP;
            return Eval.FAIL;
        }
        lastHttpStatus = status;
        if (drainable && status == 404) {
            // A 404 asks for a drain: it passes here, and the end of the script reports L7OKC.
            return Eval.PASS;
        }
        int bodyFrom = headEnd + CRLF_CRLF.length;
        boolean found;
        switch (e.match()) {
            case HTTP_STATUS -> found = e.statusMatches(status);
            case HTTP_STATUS_REGEX -> found = matcher().reset(text.over(in, from + 9, from + 12)).find();
            default -> {
                long length = contentLength(from, headEnd);
                boolean whole = last || length >= 0 && to - bodyFrom >= length;
                if (!whole) {
                    return Eval.WAIT;
                }
                int bodyTo = length >= 0 ? (int) Math.min(to, bodyFrom + length) : to;
                found = e.match() == CheckStep.Match.HTTP_BODY ? indexOf(bodyFrom, bodyTo, e.literal()) >= 0
                        : matcher().reset(text.over(in, bodyFrom, bodyTo)).find();
            }
        }
        if (found != e.inverse()) {
            return Eval.PASS;
        }
        detail = "HTTP status " + status;
        return Eval.FAIL;
    }

    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    /** {@code HTTP/1.x NNN}: the status, or -1. */
    private int statusOf(int from, int headEnd) {
        if (headEnd - from < 12) {
            return -1;
        }
        byte[] prefix = {'H', 'T', 'T', 'P', '/', '1', '.'};
        for (int i = 0; i < prefix.length; i++) {
            if (in.get(from + i) != prefix[i]) {
                return -1;
            }
        }
        int minor = in.get(from + 7);
        if (minor != '0' && minor != '1' || in.get(from + 8) != ' ') {
            return -1;
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            int d = in.get(from + i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            status = status * 10 + d;
        }
        int after = from + 12 < headEnd ? in.get(from + 12) : '\r';
        return after == ' ' || after == '\r' ? status : -1;
    }

    /** The Content-Length of the head, or -1 (absent, or chunked: then the body runs to the end of the stream). */
    private long contentLength(int from, int headEnd) {
        byte[] name = {'c', 'o', 'n', 't', 'e', 'n', 't', '-', 'l', 'e', 'n', 'g', 't', 'h', ':'};
        int line = from;
        while (line < headEnd) {
            int eol = indexOf(line, headEnd + 2, CRLF);
            if (eol < 0) {
                break;
            }
            if (eol - line > name.length && startsWithIgnoreCase(line, name)) {
                long v = 0;
                boolean digits = false;
                for (int i = line + name.length; i < eol; i++) {
                    int c = in.get(i);
                    if (c >= '0' && c <= '9') {
                        v = v * 10 + (c - '0');
                        digits = true;
                        if (v > Integer.MAX_VALUE) {
                            return -1;
                        }
                    } else if (c != ' ' && c != '\t') {
                        return -1;
                    }
                }
                return digits ? v : -1;
            }
            line = eol + 2;
        }
        return -1;
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private boolean startsWithIgnoreCase(int at, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            int c = in.get(at + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int from, int to, byte[] needle) {
        if (needle.length == 0) {
            return from;
        }
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (in.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
