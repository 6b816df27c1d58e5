package dev.sluice.log;

/**
 * How a log format writes each kind of value: numbers (and their hexadecimal
 * form), addresses, absent values, strings with HAProxy's quoting and escaping,
 * and the request line and its parts.
 *
 * <p>Stateless.
 */
final class LogValues {
    private LogValues() {
    }

    static void number(long value, int f, int hexDigits, LineBuilder out) {
        if ((f & LogFormat.HEX) != 0) {
            out.putHex(value, hexDigits);
        } else {
            out.putDecimal(value);
        }
    }

    static void port(int port, int f, LineBuilder out) {
        number(port, f, 4, out);
    }

    static void ip(byte[] ip, int length, int f, LineBuilder out) {
        if ((f & LogFormat.HEX) != 0) {
            out.putIpHex(ip, length);
            return;
        }
        boolean quote = (f & LogFormat.QUOTE) != 0;
        if (quote) {
            out.put('"');
        }
        out.putIp(ip, length);
        if (quote) {
            out.put('"');
        }
    }

    /** A string that may not be there: {@link #absent} for null. */
    static void absentOr(String s, int f, LineBuilder out) {
        if (s == null) {
            absent(f, out);
        } else {
            string(s, f, out);
        }
    }

    /** A value that is not there: {@code -}, or {@code ""} when quoted. */
    static void absent(int f, LineBuilder out) {
        if ((f & LogFormat.QUOTE) != 0) {
            out.put('"');
            out.put('"');
        } else {
            out.put('-');
        }
    }

    static void string(String s, int f, LineBuilder out) {
        boolean quote = (f & LogFormat.QUOTE) != 0;
        if (quote) {
            out.put('"');
        }
        for (int i = 0, n = s.length(); i < n; i++) {
            escaped(s.charAt(i), f, out, false);
        }
        if (quote) {
            out.put('"');
        }
    }

    static void quoted(int f, LineBuilder out, byte[] bytes, int from, int length, boolean encode) {
        boolean quote = (f & LogFormat.QUOTE) != 0;
        if (quote) {
            out.put('"');
        }
        for (int i = from; i < from + length; i++) {
            escaped(bytes[i] & 0xFF, f, out, encode);
        }
        if (quote) {
            out.put('"');
        }
    }

    /**
     * One byte of a string. Request text ({@code encode}) has bytes outside 32..126,
     * {@code "} and {@code #} written as {@code #XX}, as HAProxy does; the {@code E}
     * flag then puts a backslash before {@code "}, {@code \} and {@code ]}.
     */
    static void escaped(int b, int f, LineBuilder out, boolean encode) {
        if (encode && (b < 32 || b > 126 || b == '"' || b == '#')) {
            out.putEncoded(b);
            return;
        }
        if ((f & LogFormat.ESCAPE) != 0 && (b == '"' || b == '\\' || b == ']')) {
            out.put('\\');
        }
        out.put((byte) b);
    }

    static void requestPart(LogRecord r, int from, int length, int f, LineBuilder out) {
        if (!r.hasRequest()) {
            quoted(f, out, LogFormat.BADREQ, 0, LogFormat.BADREQ.length, false);
            return;
        }
        quoted(f, out, r.requestLine, from, length, true);
    }

    /** {@code %r}: method, space, URI, space, version. */
    static void requestLine(LogRecord r, int f, LineBuilder out) {
        if (!r.hasRequest()) {
            quoted(f, out, LogFormat.BADREQ, 0, LogFormat.BADREQ.length, false);
            return;
        }
        int clear = f & ~LogFormat.QUOTE;
        boolean quote = (f & LogFormat.QUOTE) != 0;
        if (quote) {
            out.put('"');
        }
        quoted(clear, out, r.requestLine, 0, r.methodLength, true);
        out.put(' ');
        quoted(clear, out, r.requestLine, r.methodLength, r.uriLength, true);
        if (r.versionLength > 0) {
            out.put(' ');
            quoted(clear, out, r.requestLine, r.methodLength + r.uriLength, r.versionLength, true);
        }
        if (quote) {
            out.put('"');
        }
    }

    /** Length of the URI before its query string. */
    static int pathLength(LogRecord r) {
        for (int i = 0; i < r.uriLength; i++) {
            if (r.requestLine[r.methodLength + i] == '?') {
                return i;
            }
        }
        return r.uriLength;
    }

    /** {@code %HPO}: the path without scheme, authority or query. */
    static void pathOnly(LogRecord r, int f, LineBuilder out) {
        if (!r.hasRequest()) {
            quoted(f, out, LogFormat.BADREQ, 0, LogFormat.BADREQ.length, false);
            return;
        }
        int base = r.methodLength;
        int end = pathLength(r);
        int start = 0;
        for (int i = 0; i + 2 < end; i++) {
            byte b = r.requestLine[base + i];
            if (b == '/') {
                break;
            }
            if (b == ':' && r.requestLine[base + i + 1] == '/' && r.requestLine[base + i + 2] == '/') {
                start = i + 3;
                while (start < end && r.requestLine[base + start] != '/') {
                    start++;
                }
                break;
            }
        }
        quoted(f, out, r.requestLine, base + start, end - start, true);
    }

    /**
     * {@code %hr} / {@code %hs}: the captured values in their lines' order, between
     * braces and separated by {@code |}; a header not seen leaves its place empty.
     * Nothing at all when the frontend has no such capture.
     */
    static void captures(LogRecord r, boolean response, int f, LineBuilder out) {
        int first = r.captureSlab == null ? 0 : r.captureSlab.captures().first(response);
        int end = r.captureSlab == null ? 0 : r.captureSlab.captures().end(response);
        if (first == end) {
            return;
        }
        boolean quote = (f & LogFormat.QUOTE) != 0;
        if (quote) {
            out.put('"');
        }
        out.put('{');
        for (int i = first; i < end; i++) {
            if (i > first) {
                out.put('|');
            }
            captured(r, i, f, out);
        }
        out.put('}');
        if (quote) {
            out.put('"');
        }
    }

    /**
     * {@code %hrl} / {@code %hsl}: the captured values separated by spaces, each
     * {@code -} when not seen (or each quoted, an empty one {@code ""}, with {@code Q}).
     */
    static void captureList(LogRecord r, boolean response, int f, LineBuilder out) {
        int first = r.captureSlab == null ? 0 : r.captureSlab.captures().first(response);
        int end = r.captureSlab == null ? 0 : r.captureSlab.captures().end(response);
        boolean quote = (f & LogFormat.QUOTE) != 0;
        for (int i = first; i < end; i++) {
            if (i > first) {
                out.put(' ');
            }
            if (quote) {
                out.put('"');
            }
            if (!captured(r, i, f, out) && !quote) {
                out.put('-');
            }
            if (quote) {
                out.put('"');
            }
        }
    }

    /** Capture {@code i}'s value, with {@code "#{|}} and bytes outside 32..126 as {@code #XX}; false if none was kept. */
    private static boolean captured(LogRecord r, int i, int f, LineBuilder out) {
        int slot = r.captureSlot;
        int n = slot < 0 ? -1 : r.captureSlab.kept(slot, i);
        if (n < 0) {
            return false;
        }
        byte[] data = r.captureSlab.data();
        for (int at = r.captureSlab.at(slot, i), stop = at + n; at < stop; at++) {
            int b = data[at] & 0xFF;
            if (b == '{' || b == '|' || b == '}') {
                out.putEncoded(b);
            } else {
                escaped(b, f, out, true);
            }
        }
        return true;
    }
}
