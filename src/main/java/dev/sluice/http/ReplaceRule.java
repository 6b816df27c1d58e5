package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code replace-header}, {@code replace-value}, {@code replace-path},
 * {@code replace-pathq} and {@code replace-uri}, compiled: a pattern and a
 * replacement template of literal bytes and back-references {@code \0..\9}.
 *
 * <p>As in HAProxy, the pattern is searched in the value (it need not match
 * all of it; anchor it with {@code ^...$} for that), and when it is found the
 * whole value becomes the template with its groups filled in: the text around
 * the match is not kept. {@code replace-value} does this to each
 * comma-separated value of a field and joins them again with a bare comma, as
 * HAProxy 2.6 does.
 *
 * <p>Applying the rule allocates nothing: the pattern reads the buffer in
 * place through a per-thread {@link BufferChars} and {@link Matcher}, and the
 * new value is built in a per-thread scratch array as large as the buffer
 * (allocated on the thread's first replacement). A value that outgrows it
 * cannot fit the buffer either: it is reported with its true length, which the
 * {@link HeaderEdits} refuses unread as an overflow, as it does any edit that
 * does not fit the rewrite room.
 *
 * <p>Immutable (its per-thread state aside); safe to share between loops.
 */
public final class ReplaceRule implements RequestEdit, ResponseEdit {
    /** What the rule rewrites. */
    public enum Part {
        /** Each field of the name, its whole value. */
        HEADER,
        /** Each comma-separated value of each field of the name. */
        VALUE,
        /** The path of the request target. */
        PATH,
        /** The path and query of the request target. */
        PATHQ,
        /** The whole request target. */
        URI
    }

    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);
    private static final ThreadLocal<BufferChars> CHARS = ThreadLocal.withInitial(BufferChars::new);

    private final Part part;
    private final byte[] lowerCaseName;
    private final ThreadLocal<Matcher> matcher;
    /** The template: literal bytes, with a group reference wherever {@link #groups} holds one >= 0. */
    private final byte[][] literals;
    private final int[] groups;

    private ReplaceRule(Part part, byte[] lowerCaseName, Pattern pattern, byte[][] literals, int[] groups) {
        this.part = part;
        this.lowerCaseName = lowerCaseName;
        this.literals = literals;
        this.groups = groups;
        this.matcher = ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    /**
     * Compiles one rule.
     *
     * @param name the field name of {@link Part#HEADER} and {@link Part#VALUE}, else null
     * @param template the replacement, with {@code %%} already turned into {@code %} and no {@code %[...]}
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static ReplaceRule compile(Part part, String name, String regex, String template) {
        byte[] lowerName = null;
        if (part == Part.HEADER || part == Part.VALUE) {
            Acl.checkFieldName(name);
            lowerName = Acl.lowerAscii(name);
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException bad) {
            throw new IllegalArgumentException("'" + regex + "' is not a valid regular expression: "
                    + bad.getDescription());
        }
        int groupCount = pattern.matcher("").groupCount();
        List<byte[]> literals = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
                int g = template.charAt(++i) - '0';
                if (g > groupCount) {
                    throw new IllegalArgumentException("'" + template + "' refers to group \\" + g + " but '" + regex
                            + "' has " + groupCount + (groupCount == 1 ? " group" : " groups")
                            + " (write \\0 for the whole match, \\1.." + "\\" + Math.max(1, groupCount)
                            + " for a group)");
                }
                literals.add(text.toString().getBytes(StandardCharsets.UTF_8));
                groups.add(g);
                text.setLength(0);
            } else if (c == '\\' && i + 1 < template.length() && template.charAt(i + 1) == '\\') {
                text.append('\\');
                i++;
            } else {
                text.append(c);
            }
        }
        literals.add(text.toString().getBytes(StandardCharsets.UTF_8));
        groups.add(-1);
        String literalText = template.replaceAll("\\\\[0-9]", "");
        if (part == Part.HEADER || part == Part.VALUE) {
            HeaderRule.checkFieldValue(literalText);
        } else {
            StartLineRule.checkTargetBytes(literalText, literalText.getBytes(StandardCharsets.UTF_8));
        }
        return new ReplaceRule(part, lowerName, pattern, literals.toArray(new byte[0][]),
                groups.stream().mapToInt(Integer::intValue).toArray());
    }

    public Part part() {
        return part;
    }

    @Override
    public void apply(HttpRequestView head, HeaderEdits edits) {
        Buffer b = head.buffer();
        if (part == Part.HEADER || part == Part.VALUE) {
            // Decreasing index: an edit moves only the fields after it.
            for (int h = head.headerCount() - 1; h >= 0; h--) {
                if (HttpBytes.equalsIgnoreCase(b, head.nameStart(h), head.nameEnd(h), lowerCaseName)) {
                    field(b, head.valueStart(h), head.valueEnd(h), edits);
                }
            }
            return;
        }
        int ts = head.targetStart();
        int te = head.targetEnd();
        int start = part == Part.URI ? ts : StartLineRule.pathStart(b, ts, te);
        int end = part == Part.PATH ? StartLineRule.queryMark(b, ts, te) : te;
        byte[] out = scratch(b);
        int length = rewrite(b, start, end, out, 0);
        if (length >= 0) {
            edits.replace(start, end, out, 0, length);
        }
    }

    @Override
    public void apply(Buffer buffer, HttpHeadParser response, ConnectionAddresses connection, HeaderEdits edits) {
        for (int h = response.headerCount() - 1; h >= 0; h--) {
            if (HttpBytes.equalsIgnoreCase(buffer, response.nameStart(h), response.nameEnd(h), lowerCaseName)) {
                field(buffer, response.valueStart(h), response.valueEnd(h), edits);
            }
        }
    }

    private void field(Buffer b, int start, int end, HeaderEdits edits) {
        byte[] out = scratch(b);
        int length;
        if (part == Part.HEADER) {
            length = rewrite(b, start, end, out, 0);
        } else {
            length = 0;
            boolean changed = false;
            int from = start;
            while (from <= end) {
                int comma = from;
                while (comma < end && b.get(comma) != ',') {
                    comma++;
                }
                int vs = from;
                int ve = comma;
                while (vs < ve && (b.get(vs) == ' ' || b.get(vs) == '\t')) {
                    vs++;
                }
                while (ve > vs && (b.get(ve - 1) == ' ' || b.get(ve - 1) == '\t')) {
                    ve--;
                }
                if (from > start) {
                    length = put(out, length, (byte) ',');
                }
                int written = rewrite(b, vs, ve, out, length);
                if (written >= 0) {
                    changed = true;
                    length = written;
                } else {
                    length = copy(b, vs, ve, out, length);
                }
                from = comma + 1;
            }
            if (!changed) {
                length = -1;
            }
        }
        if (length >= 0) {
            edits.replace(start, end, out, 0, length);
        }
    }

    /**
     * Writes the template for bytes {@code [start, end)} into {@code out} from
     * {@code at} when the pattern is found there.
     *
     * @return where the written bytes end (past {@code out.length} when they did not fit), or -1 when not found
     */
    private int rewrite(Buffer b, int start, int end, byte[] out, int at) {
        Matcher m = matcher.get().reset(CHARS.get().bind(b, start, end));
        if (!m.find()) {
            return -1;
        }
        int length = at;
        for (int i = 0; i < literals.length; i++) {
            for (byte c : literals[i]) {
                length = put(out, length, c);
            }
            int g = groups[i];
            if (g >= 0 && m.start(g) >= 0) {
                length = copy(b, start + m.start(g), start + m.end(g), out, length);
            }
        }
        return length;
    }

    /** This thread's scratch, at least as large as {@code b}: a value longer than it cannot fit {@code b}. */
    private static byte[] scratch(Buffer b) {
        byte[][] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].length < b.capacity()) {
            holder[0] = new byte[b.capacity()];
        }
        return holder[0];
    }

    private static int copy(Buffer b, int start, int end, byte[] out, int at) {
        int length = at;
        for (int i = start; i < end; i++) {
            length = put(out, length, b.get(i));
        }
        return length;
    }

    private static int put(byte[] out, int at, byte c) {
        if (at < out.length) {
            out[at] = c;
        }
        return at + 1;
    }
}
