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
    /** {@code Name: value}, or null for {@link Kind#DELETE}; with {@link #template}, only {@code Name: }. */
    private final byte[] fieldLine;
    /** The value's {@code %[...]} expressions, rendered for each head; null for a literal value. */
    private final FieldTemplate template;

    private HeaderRule(Kind kind, byte[] lowerCaseName, byte[] fieldLine, FieldTemplate template) {
        this.kind = kind;
        this.lowerCaseName = lowerCaseName;
        this.fieldLine = fieldLine;
        this.template = template;
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
        return new HeaderRule(Kind.DELETE, Acl.lowerAscii(name), null, null);
    }

    private static HeaderRule withValue(Kind kind, String name, String value) {
        Acl.checkFieldName(name);
        checkFieldValue(value);
        byte[] line = (name + ": " + value).getBytes(StandardCharsets.UTF_8);
        return new HeaderRule(kind, Acl.lowerAscii(name), line, null);
    }

    /**
     * {@code set-header} ({@code add} false) or {@code add-header} with a
     * value in HAProxy's log-format syntax: {@code %[...]} expressions are
     * rendered for each head, {@code %%} is a percent sign.
     *
     * @throws IllegalArgumentException for a bad name, value or expression
     */
    public static HeaderRule formatted(boolean add, String name, String value) {
        FieldTemplate t = FieldTemplate.parse(value);
        if (t == null) {
            return add ? add(name, FieldTemplate.literal(value)) : set(name, FieldTemplate.literal(value));
        }
        Acl.checkFieldName(name);
        checkFieldValue(value);
        return new HeaderRule(add ? Kind.ADD : Kind.SET, Acl.lowerAscii(name),
                (name + ": ").getBytes(StandardCharsets.UTF_8), t);
    }

    /** Whether the value reads the request head, which a response's rules no longer have. */
    public boolean readsRequest() {
        return template != null && template.readsRequest();
    }

    /**
     * Renders the field line now, before any deletion (HAProxy computes a
     * set-header's value before it removes the old fields, so a value may
     * read them): into the thread's scratch array, its length returned; -1
     * for a literal value.
     */
    private int render(HttpRequestView request, ConnectionAddresses connection) {
        return template == null ? -1 : template.render(FieldTemplate.scratch(), fieldLine, request, connection);
    }

    private void append(int rendered, HeaderEdits edits) {
        if (rendered < 0) {
            edits.append(fieldLine);
        } else {
            edits.append(FieldTemplate.scratch(), rendered);
        }
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
    public void apply(dev.sluice.buffer.Buffer buffer, HttpHeadParser response, ConnectionAddresses connection,
                      HeaderEdits edits) {
        int rendered = kind == Kind.DELETE ? -1 : render(null, connection);
        if (kind != Kind.ADD) {
            for (int h = response.headerCount() - 1; h >= 0; h--) {
                if (HttpBytes.equalsIgnoreCase(buffer, response.nameStart(h), response.nameEnd(h), lowerCaseName)) {
                    edits.delete(h);
                }
            }
        }
        if (kind != Kind.DELETE) {
            append(rendered, edits);
        }
    }

    /** Reports this rule's edits of {@code request}: deletions first, in decreasing index, then the new field. */
    @Override
    public void apply(HttpRequestView request, HeaderEdits edits) {
        int rendered = kind == Kind.DELETE ? -1 : render(request, request.addresses());
        if (kind != Kind.ADD) {
            for (int h = request.headerCount() - 1; h >= 0; h--) {
                if (HttpBytes.equalsIgnoreCase(request.buffer(), request.nameStart(h), request.nameEnd(h),
                        lowerCaseName)) {
                    edits.delete(h);
                }
            }
        }
        if (kind != Kind.DELETE) {
            append(rendered, edits);
        }
    }
}
