package dev.sluice.http;

import java.nio.charset.StandardCharsets;

/**
 * {@code http-request set-var(NAME) EXPR} and {@code unset-var(NAME)}: the
 * expression's value, rendered from the request, is stored as a string in the
 * connection's {@link Vars}, where {@code var(NAME)} reads it in later
 * conditions, in {@code %[...]} values, and in the response's rules. A fetch
 * that finds nothing leaves the variable as it was, as in HAProxy; so does an
 * empty value (which HAProxy would store).
 *
 * <p>Immutable; safe to share between loops.
 */
public final class VarRule implements RequestEdit {
    private final String name;
    /** The value, or null for {@code unset-var}. */
    private final Sample value;

    private VarRule(String name, Sample value) {
        this.name = Vars.name(name);
        this.value = value;
    }

    public static VarRule set(String name, Sample value) {
        return new VarRule(name, value);
    }

    public static VarRule unset(String name) {
        return new VarRule(name, null);
    }

    @Override
    public void apply(HttpRequestView request, HeaderEdits edits) {
        ConnectionAddresses c = request.addresses();
        if (value == null) {
            if (c.vars() != null) {
                c.vars().unset(name);
            }
            return;
        }
        byte[] out = FieldTemplate.scratch();
        int n = value.render(request, c, out, 0);
        if (n == 0) {
            return;
        }
        c.varsToSet().set(name, new String(out, 0, n, StandardCharsets.ISO_8859_1));
    }
}
