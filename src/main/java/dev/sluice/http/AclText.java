package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The text side of an {@link Acl}: its way to match ({@code str}, {@code beg},
 * {@code end}, {@code sub}, {@code reg}, {@code found}) and its values,
 * pre-encoded as bytes, lower case when {@code -i}. It compares a region of
 * the request's bytes in place with those constants, or a string the
 * connection holds (the TLS server name and version, a variable), so that
 * testing an ACL allocates nothing. Several values are alternatives: the
 * region matches when any one does.
 *
 * <p>A regular expression ({@code -m reg}, {@code path_reg}) is Java's, which
 * reads HAProxy's PCRE patterns alike for the common syntax. It runs over the
 * request's bytes in place, one character per byte, with a matcher kept per
 * thread and reset for each test: after a loop's first test of an ACL, testing
 * it allocates nothing.
 *
 * <p>Immutable (its per-thread matchers aside); safe to share between loops.
 */
final class AclText {
    private static final ThreadLocal<BufferChars> CHARS = ThreadLocal.withInitial(BufferChars::new);

    private final AclMatch match;
    private final boolean ignoreCase;
    /** Text values, lower case when {@link #ignoreCase}. */
    private final byte[][] values;
    /** For {@link AclMatch#REG}: the patterns, and each thread's matchers over {@link #CHARS}. */
    private final Pattern[] patterns;
    private final ThreadLocal<Matcher[]> matchers;

    AclText(AclMatch match, boolean ignoreCase, byte[][] values, Pattern[] patterns) {
        this.match = match;
        this.ignoreCase = ignoreCase;
        this.values = values;
        this.patterns = patterns;
        this.matchers = patterns.length == 0 ? null : ThreadLocal.withInitial(this::newMatchers);
    }

    private Matcher[] newMatchers() {
        Matcher[] m = new Matcher[patterns.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = patterns[i].matcher("");
        }
        return m;
    }

    /** True when the bytes of {@code buffer}'s {@code [start, end)} match one value (any, for {@code found}). */
    boolean matches(Buffer buffer, int start, int end) {
        if (match == AclMatch.FOUND) {
            return true;
        }
        if (match == AclMatch.REG) {
            return matchesRegex(buffer, start, end);
        }
        for (byte[] value : values) {
            if (matchesOne(buffer, start, end, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesRegex(Buffer buffer, int start, int end) {
        BufferChars chars = CHARS.get().bind(buffer, start, end);
        for (Matcher m : matchers.get()) {
            if (m.reset(chars).find()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value the connection holds as a string (the TLS server name and
     * version), matched as the request's bytes are: a null string is
     * nothing found. A character past ASCII equals no value's byte.
     */
    boolean matches(String text) {
        if (text == null) {
            return false;
        }
        if (match == AclMatch.FOUND) {
            return true;
        }
        if (match == AclMatch.REG) {
            for (Matcher m : matchers.get()) {
                if (m.reset(text).find()) {
                    return true;
                }
            }
            return false;
        }
        for (byte[] value : values) {
            int n = value.length;
            int length = text.length();
            boolean found = switch (match) {
                case STR -> length == n && regionEquals(text, 0, value);
                case BEG -> length >= n && regionEquals(text, 0, value);
                case END -> length >= n && regionEquals(text, length - n, value);
                case SUB -> containsIn(text, value);
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    private boolean containsIn(String text, byte[] value) {
        for (int at = 0; at + value.length <= text.length(); at++) {
            if (regionEquals(text, at, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean regionEquals(String text, int at, byte[] value) {
        for (int k = 0; k < value.length; k++) {
            int c = text.charAt(at + k);
            if (ignoreCase && c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != value[k]) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesOne(Buffer buffer, int start, int end, byte[] value) {
        int n = value.length;
        int length = end - start;
        return switch (match) {
            case STR -> length == n && regionEquals(buffer, start, value);
            case BEG -> length >= n && regionEquals(buffer, start, value);
            case END -> length >= n && regionEquals(buffer, end - n, value);
            case SUB -> contains(buffer, start, end, value);
            default -> false;
        };
    }

    private boolean contains(Buffer buffer, int start, int end, byte[] value) {
        for (int at = start; at + value.length <= end; at++) {
            if (regionEquals(buffer, at, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean regionEquals(Buffer buffer, int at, byte[] value) {
        for (int k = 0; k < value.length; k++) {
            int b = buffer.get(at + k);
            // Folding only A-Z keeps bytes >= 0x80 distinct from every ASCII constant.
            if (ignoreCase && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != value[k]) {
                return false;
            }
        }
        return true;
    }

    /** Compiles one {@code -m reg} value, refusing it with a message fit for the user when it is invalid. */
    static Pattern regex(String value, boolean ignoreCase) {
        try {
            return Pattern.compile(value, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }
}
