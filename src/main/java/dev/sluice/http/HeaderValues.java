package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * Where a header's value lies in a request head, for the fetches that read
 * one (the {@code req.hdr} and {@code req.fhdr} sample expressions, the keys
 * of stick rules and of {@code track-sc}): a comma-separated element, its
 * blanks trimmed, or a whole field value, counted from the first (occurrence
 * 1, 2, ...) or from the last (-1, -2, ...). The range is packed in a long,
 * its start in the high 32 bits and its end in the low ones, or -1 when there
 * is no such value; finding it allocates nothing.
 */
final class HeaderValues {
    private HeaderValues() {
    }

    /** The {@code occurrence}th comma-separated element of the fields named {@code lowerName}, or -1. */
    static long element(HttpRequestView head, byte[] lowerName, int occurrence) {
        return find(head, lowerName, occurrence, true);
    }

    /** The {@code occurrence}th whole value of the fields named {@code lowerName}, or -1. */
    static long field(HttpRequestView head, byte[] lowerName, int occurrence) {
        return find(head, lowerName, occurrence, false);
    }

    /** The last comma-separated element of the fields named {@code lowerName} ({@code req.hdr(NAME)}), or -1. */
    static long last(HttpRequestView head, byte[] lowerName) {
        return find(head, lowerName, -1, true);
    }

    private static long find(HttpRequestView head, byte[] lowerName, int occurrence, boolean elements) {
        if (occurrence == -1) {
            return lastOf(head, lowerName, elements);
        }
        int wanted = occurrence >= 0 ? occurrence : count(head, lowerName, elements) + occurrence + 1;
        return wanted <= 0 ? -1 : nth(head, lowerName, wanted, elements);
    }

    /** The last value, in one pass (the common case: a key read for each request). */
    private static long lastOf(HttpRequestView head, byte[] lowerName, boolean elements) {
        Buffer b = head.buffer();
        long found = -1;
        for (int h = 0; h < head.headerCount(); h++) {
            if (!HttpBytes.equalsIgnoreCase(b, head.nameStart(h), head.nameEnd(h), lowerName)) {
                continue;
            }
            int ve = head.valueEnd(h);
            if (!elements) {
                found = ((long) head.valueStart(h) << 32) | ve;
                continue;
            }
            int i = head.valueStart(h);
            do {
                int comma = HttpBytes.nextComma(b, i, ve);
                int start = HttpBytes.skipWhitespace(b, i, comma);
                found = ((long) start << 32) | HttpBytes.trimWhitespaceEnd(b, start, comma);
                i = comma + 1;
            } while (i <= ve);
        }
        return found;
    }

    /** How many values the fields named {@code lowerName} hold. */
    private static int count(HttpRequestView head, byte[] lowerName, boolean elements) {
        Buffer b = head.buffer();
        int n = 0;
        for (int h = 0; h < head.headerCount(); h++) {
            if (!HttpBytes.equalsIgnoreCase(b, head.nameStart(h), head.nameEnd(h), lowerName)) {
                continue;
            }
            if (!elements) {
                n++;
                continue;
            }
            int ve = head.valueEnd(h);
            int i = head.valueStart(h);
            do {
                n++;
                i = HttpBytes.nextComma(b, i, ve) + 1;
            } while (i <= ve);
        }
        return n;
    }

    /** The {@code wanted}th value (from 1), or -1 when there are fewer. */
    private static long nth(HttpRequestView head, byte[] lowerName, int wanted, boolean elements) {
        Buffer b = head.buffer();
        int seen = 0;
        for (int h = 0; h < head.headerCount(); h++) {
            if (!HttpBytes.equalsIgnoreCase(b, head.nameStart(h), head.nameEnd(h), lowerName)) {
                continue;
            }
            int ve = head.valueEnd(h);
            if (!elements) {
                if (++seen == wanted) {
                    return ((long) head.valueStart(h) << 32) | ve;
                }
                continue;
            }
            int i = head.valueStart(h);
            do {
                int comma = HttpBytes.nextComma(b, i, ve);
                if (++seen == wanted) {
                    int start = HttpBytes.skipWhitespace(b, i, comma);
                    return ((long) start << 32) | HttpBytes.trimWhitespaceEnd(b, start, comma);
                }
                i = comma + 1;
            } while (i <= ve);
        }
        return -1;
    }
}
