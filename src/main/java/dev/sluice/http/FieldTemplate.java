package dev.sluice.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A header value with {@code %[...]} sample expressions
 * ({@code http-request set-header X-Real-IP %[src]}): literal bytes and
 * {@link Sample}s in order, rendered for each request into a scratch array
 * of the loop's thread, then copied into the head by the edit. {@code %%} is
 * a percent sign. HAProxy's other log-format variables ({@code %ci},
 * {@code %T}...) are not supported in a value: a line with one is refused.
 *
 * <p>Immutable; safe to share between loops. Each thread that renders keeps
 * one scratch array of {@link #SCRATCH} bytes.
 */
public final class FieldTemplate {
    /** The longest field line rendered; a longer one is cut (it could not fit in a head's rewrite room anyway). */
    public static final int SCRATCH = 8192;
    private static final ThreadLocal<byte[]> LINE = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    /** Each part: a {@code byte[]} of literal bytes, or a {@link Sample}. */
    private final Object[] parts;
    private final boolean readsRequest;

    private FieldTemplate(Object[] parts) {
        this.parts = parts;
        boolean reads = false;
        for (Object p : parts) {
            reads |= p instanceof Sample s && s.readsRequest();
        }
        this.readsRequest = reads;
    }

    /**
     * The template of {@code value}, or null when it holds no {@code %[...]}
     * (then {@link #literal} gives its text).
     *
     * @throws IllegalArgumentException for a {@code %} that is neither {@code %%} nor {@code %[...]}, or a bad sample
     */
    public static FieldTemplate parse(String value) {
        List<Object> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean any = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                text.append(c);
                continue;
            }
            if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                text.append('%');
                i++;
                continue;
            }
            if (value.startsWith("{+Q}[", i + 1)) {
                // %{+Q}[...]: HAProxy 2.6 writes a header value unquoted all the same (seen on the real one).
                i += 4;
            }
            if (i + 1 < value.length() && value.charAt(i + 1) == '[') {
                int close = dev.sluice.util.Brackets.closing(value, i + 2, ']');
                if (close < 0) {
                    throw new IllegalArgumentException("'" + value + "': missing ']' after '%['");
                }
                if (text.length() > 0) {
                    parts.add(text.toString().getBytes(StandardCharsets.UTF_8));
                    text.setLength(0);
                }
                parts.add(Sample.parse(value.substring(i + 2, close)));
                any = true;
                i = close;
                continue;
            }
            throw new IllegalArgumentException("'" + value + "': log-format variables other than %[...] and"
                    + " %{+Q}[...] sample expressions are not supported by Sluice in a value (write %% for a percent"
                    + " sign)");
        }
        if (!any) {
            return null;
        }
        if (text.length() > 0) {
            parts.add(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new FieldTemplate(parts.toArray());
    }

    /** The text of a value without samples: {@code %%} made {@code %}. Call only when {@link #parse} gave null. */
    public static String literal(String value) {
        return value.replace("%%", "%");
    }

    /** Whether a sample reads the request head (so the template cannot serve a response's rules). */
    public boolean readsRequest() {
        return readsRequest;
    }

    /** This thread's scratch array, for {@link #render}. */
    static byte[] scratch() {
        return LINE.get();
    }

    /**
     * Renders {@code prefix} (the field's {@code Name: }) and the value into
     * {@code out} (a {@link #scratch} array), a rendered byte that would break
     * the head (CR, LF, NUL and other controls but HTAB) written as a space.
     *
     * @param request the request head, or null in a response's rules
     * @return how many bytes of {@code out} the line took
     */
    int render(byte[] out, byte[] prefix, HttpRequestView request, ConnectionAddresses connection) {
        int at = Math.min(prefix.length, out.length);
        System.arraycopy(prefix, 0, out, 0, at);
        for (Object p : parts) {
            if (p instanceof byte[] literal) {
                int n = Math.min(literal.length, out.length - at);
                System.arraycopy(literal, 0, out, at, n);
                at += n;
            } else {
                int from = at;
                at = ((Sample) p).render(request, connection, out, at);
                for (int i = from; i < at; i++) {
                    if (HttpBytes.isForbiddenInValue(out[i] & 0xFF)) {
                        out[i] = ' ';
                    }
                }
            }
        }
        return at;
    }
}
