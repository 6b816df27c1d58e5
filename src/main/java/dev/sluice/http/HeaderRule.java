package dev.sluice.http;

import java.nio.charset.StandardCharsets;

/**
 * One {@code http-request set-header}, {@code add-header} or {@code del-header}
 * action, compiled: the header name to look for, lower case, and the field line
 * to add, encoded once. Applying it reports edits to a {@link HeaderEdits} and
 * allocates nothing.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class HeaderRule implements RequestEdit, ResponseEdit {
    /** What the rule does with the fields of its name. */
    public enum Kind {
        /** Removes every field of the name, then adds one with the value. */
        SET,
        /** Adds a field after the others, keeping any of the same name. */
        ADD,
        /** Removes every field of the name. */
        DELETE
    }

    private final Kind kind;
    private final byte[] lowerCaseName;
    /** {@code Name: value}, or null for {@link Kind#DELETE}. */
    private final byte[] fieldLine;

    private HeaderRule(Kind kind, byte[] lowerCaseName, byte[] fieldLine) {
        this.kind = kind;
        this.lowerCaseName = lowerCaseName;
        this.fieldLine = fieldLine;
    }

    /** {@code set-header NAME VALUE}. */
    public static HeaderRule set(String name, String value) {
        return withValue(Kind.SET, name, value);
    }

    /** {@code add-header NAME VALUE}. */
    public static HeaderRule add(String name, String value) {
        return withValue(Kind.ADD, name, value);
    }

    /** {@code del-header NAME}. */
    public static HeaderRule delete(String name) {
        Acl.checkFieldName(name);
        return new HeaderRule(Kind.DELETE, Acl.lowerAscii(name), null);
    }

    private static HeaderRule withValue(Kind kind, String name, String value) {
        Acl.checkFieldName(name);
        checkFieldValue(value);
        byte[] line = (name + ": " + value).getBytes(StandardCharsets.UTF_8);
        return new HeaderRule(kind, Acl.lowerAscii(name), line);
    }

    /** Refuses a value that would break the head: CR, LF or another control byte but HTAB (RFC 9110 section 5.5). */
    static void checkFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (HttpBytes.isForbiddenInValue(c)) {
                throw new IllegalArgumentException("a header value may not hold control characters such as CR or LF");
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The same on a response head ({@code http-response} rules). */
    @Override
    public void apply(dev.sluice.buffer.Buffer buffer, HttpHeadParser response, HeaderEdits edits) {
        if (kind != Kind.ADD) {
            for (int h = response.headerCount() - 1; h >= 0; h--) {
                if (HttpBytes.equalsIgnoreCase(buffer, response.nameStart(h), response.nameEnd(h), lowerCaseName)) {
                    edits.delete(h);
                }
            }
        }
        if (kind != Kind.DELETE) {
            edits.append(fieldLine);
        }
    }

    /** Reports this rule's edits of {@code request}: deletions first, in decreasing index, then the new field. */
    @Override
    public void apply(HttpRequestView request, HeaderEdits edits) {
        if (kind != Kind.ADD) {
            for (int h = request.headerCount() - 1; h >= 0; h--) {
                if (HttpBytes.equalsIgnoreCase(request.buffer(), request.nameStart(h), request.nameEnd(h),
                        lowerCaseName)) {
                    edits.delete(h);
                }
            }
        }
        if (kind != Kind.DELETE) {
            edits.append(fieldLine);
        }
    }
}
