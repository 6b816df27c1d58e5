package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * A cursor over the {@code name=value} pairs of a {@code Cookie} field value,
 * or over the first pair of a {@code Set-Cookie} value, read in place in the
 * buffer. One per session, rebound for each field, so reading cookies
 * allocates nothing.
 *
 * <p>In a {@code Cookie} value, pairs are separated by {@code ;} or {@code ,}
 * (the old form), and the blanks around names and values are not part of
 * them: {@code " SRV = a ;x=1"} holds {@code SRV} with the value {@code a}. In
 * a {@code Set-Cookie} value only the first pair counts (the attributes after
 * its {@code ;} are not cookies), and a comma belongs to the value, as in an
 * {@code Expires} date.
 *
 * <p>Not thread-safe: one per session.
 */
public final class CookiePairs {
    private Buffer buffer;
    private int pos;
    private int end;
    private boolean setCookie;
    private int nameStart;
    private int nameEnd;
    private int valueStart;
    private int valueEnd;

    /** Reads the pairs of a {@code Cookie} value at {@code [from, to)} of {@code b}. */
    public CookiePairs cookie(Buffer b, int from, int to) {
        return bind(b, from, to, false);
    }

    /** Reads the one pair of a {@code Set-Cookie} value at {@code [from, to)} of {@code b}. */
    public CookiePairs setCookie(Buffer b, int from, int to) {
        return bind(b, from, to, true);
    }

    private CookiePairs bind(Buffer b, int from, int to, boolean single) {
        buffer = b;
        pos = from;
        end = to;
        setCookie = single;
        return this;
    }

    /** Moves to the next pair; false when there is none. Empty pairs ({@code ;;}) are skipped. */
    public boolean next() {
        while (pos < end) {
            int c = at(pos);
            if (c == ' ' || c == '\t' || c == ';' || (c == ',' && !setCookie)) {
                pos++;
                continue;
            }
            nameStart = pos;
            while (pos < end && (c = at(pos)) != '=' && !separator(c)) {
                pos++;
            }
            nameEnd = trimmed(nameStart, pos);
            if (pos < end && c == '=') {
                pos++;
                int afterEquals = pos;
                while (pos < end && ((c = at(pos)) == ' ' || c == '\t')) {
                    pos++;
                }
                valueStart = pos;
                while (pos < end && !separator(at(pos))) {
                    pos++;
                }
                valueEnd = trimmed(valueStart, pos);
                if (valueEnd == valueStart) {
                    // An empty value: the pair ends at its '='.
                    valueStart = afterEquals;
                    valueEnd = afterEquals;
                }
            } else {
                valueStart = nameEnd;
                valueEnd = nameEnd;
            }
            if (setCookie) {
                // The attributes after the first pair are not cookies.
                pos = end;
            }
            return true;
        }
        return false;
    }

    private boolean separator(int c) {
        return c == ';' || (c == ',' && !setCookie);
    }

    private int trimmed(int from, int to) {
        while (to > from && (at(to - 1) == ' ' || at(to - 1) == '\t')) {
            to--;
        }
        return to;
    }

    private int at(int i) {
        return buffer.get(i) & 0xFF;
    }

    /** Whether the current pair's name is exactly {@code name} (cookie names are compared with their case). */
    public boolean nameIs(byte[] name) {
        return buffer.holdsAt(nameStart, nameEnd, name);
    }

    /** Where the current pair starts: its name's first byte. */
    public int start() {
        return nameStart;
    }

    /** Where the current pair ends: after its value (or its name, when it has no value), blanks excluded. */
    public int end() {
        return valueEnd;
    }

    public int valueStart() {
        return valueStart;
    }

    public int valueEnd() {
        return valueEnd;
    }

    /** The index of the first {@code c} in the current value, or -1. */
    public int indexInValue(int c) {
        for (int i = valueStart; i < valueEnd; i++) {
            if (at(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
