package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A backend's {@code cookie} line, compiled: the persistence cookie's name,
 * what Sluice does with it, and the fields it adds, encoded once per server
 * cookie value when the configuration is read, so that a request or response
 * never builds one.
 *
 * <p>The modes, with HAProxy's meanings:
 * <ul>
 * <li>{@link Mode#INSERT}: Sluice adds {@code Set-Cookie: NAME=VALUE; path=/}
 *     (with the line's attributes) to a response when the client did not bring
 *     a cookie naming the server that answered; a cookie of that name the
 *     server sets is removed first, unless {@code preserve};</li>
 * <li>{@link Mode#REWRITE}: the server sets the cookie, and Sluice replaces its
 *     value with the server's;</li>
 * <li>{@link Mode#PREFIX}: the server's cookie of that name gets the server's
 *     value and {@code ~} in front, which Sluice strips from requests;</li>
 * <li>{@link Mode#PASSIVE} (a {@code cookie} line with no mode): requests
 *     whose cookie names a server go to it; responses are not touched.</li>
 * </ul>
 *
 * <p>Immutable; safe to share between loops.
 */
public final class PersistCookie {
    /** What Sluice does with the cookie. */
    public enum Mode { PASSIVE, INSERT, REWRITE, PREFIX }

    /**
     * The options of a {@code cookie} line.
     *
     * @param domains    {@code domain} values, in order
     * @param attributes {@code attr} values, in order
     */
    public record Options(Mode mode, boolean indirect, boolean noCache, boolean postOnly, boolean preserve,
                          boolean httpOnly, boolean secure, List<String> domains, List<String> attributes) {
        public Options {
            Objects.requireNonNull(mode, "mode");
            domains = List.copyOf(domains);
            attributes = List.copyOf(attributes);
        }
    }

    /** {@code cache-control: private}, added with an inserted cookie under {@code nocache} when the response is cacheable. */
    public static final byte[] CACHE_PRIVATE = "cache-control: private".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] CACHE_CONTROL = "cache-control".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRAGMA = "pragma".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_CACHE = "no-cache".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_STORE = "no-store".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRIVATE = "private".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLIC = "public".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX_AGE = "max-age".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] S_MAXAGE = "s-maxage".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final byte[] nameBytes;
    private final Options options;
    /**
     * What is written for one server cookie value: the value itself ({@link Mode#REWRITE}), {@code VALUE~}
     * ({@link Mode#PREFIX}) and the inserted field line ({@link Mode#INSERT}).
     */
    private record Encoded(byte[] value, byte[] prefix, byte[] insertLine) {
    }

    /** By server cookie value. */
    private final Map<String, Encoded> encoded = new HashMap<>();
    /** The line inserted for a server without a cookie value: it clears the client's cookie. */
    private final byte[] clearLine;

    private PersistCookie(String name, Options options, List<String> serverValues) {
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        this.options = options;
        String attributes = attributes(options);
        for (String value : serverValues) {
            encoded.put(value, new Encoded(value.getBytes(StandardCharsets.US_ASCII),
                    (value + "~").getBytes(StandardCharsets.US_ASCII),
                    ("set-cookie: " + name + "=" + value + "; path=/" + attributes).getBytes(StandardCharsets.US_ASCII)));
        }
        clearLine = ("set-cookie: " + name + "=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/" + attributes)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Compiles a {@code cookie} line for the servers of one backend.
     *
     * @param serverValues the {@code cookie} values of the backend's servers
     * @throws IllegalArgumentException naming what is wrong: the name is not a token, a server value, a
     *                                  domain or an attribute holds a byte a cookie may not
     */
    public static PersistCookie compile(String name, Options options, List<String> serverValues) {
        checkName(name);
        for (String value : serverValues) {
            checkValue(value);
        }
        for (String domain : options.domains()) {
            checkAttribute("domain", domain);
        }
        for (String attribute : options.attributes()) {
            checkAttribute("attr", attribute);
        }
        return new PersistCookie(name, options, serverValues);
    }

    /** A cookie name: a token (RFC 6265, section 4.1.1). */
    public static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a cookie name may not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7e || !HttpBytes.isTchar(c)) {
                throw new IllegalArgumentException("'" + name + "' is not a cookie name: it may hold letters, digits"
                        + " and !#$%&'*+-.^_`|~ only");
            }
        }
    }

    /** A server's cookie value: visible ASCII but {@code " , ; \} and blanks (RFC 6265's cookie-octet). */
    public static void checkValue(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a server's cookie value may not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw new IllegalArgumentException("'" + value + "' is not a cookie value: it may not hold blanks,"
                        + " control characters, '\"', ',', ';' or '\\'");
            }
        }
    }

    /** A {@code domain} or {@code attr} value: no {@code ;} and no control character. */
    public static void checkAttribute(String keyword, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == ';') {
                throw new IllegalArgumentException("'" + keyword + " " + value + "': a cookie attribute may not hold"
                        + " ';' or control characters");
            }
        }
    }

    private static String attributes(Options o) {
        StringBuilder s = new StringBuilder();
        for (String domain : o.domains()) {
            s.append("; domain=").append(domain);
        }
        if (o.httpOnly()) {
            s.append("; HttpOnly");
        }
        if (o.secure()) {
            s.append("; Secure");
        }
        for (String attribute : o.attributes()) {
            s.append("; ").append(attribute);
        }
        return s.toString();
    }

    public String name() {
        return name;
    }

    /** The name's bytes; shared, never modified. */
    public byte[] nameBytes() {
        return nameBytes;
    }

    public Options options() {
        return options;
    }

    public Mode mode() {
        return options.mode();
    }

    /**
     * The {@code Set-Cookie} field line inserted for a server whose cookie value
     * is {@code value}; for a server without one ({@code null}, or a server
     * added at run time), the line that clears the client's cookie.
     */
    public byte[] insertLine(String value) {
        Encoded e = encoded(value);
        return e != null ? e.insertLine() : clearLine;
    }

    /** {@code VALUE~}, the prefix of {@link Mode#PREFIX}, or null for a value the file did not give. */
    public byte[] prefix(String value) {
        Encoded e = encoded(value);
        return e == null ? null : e.prefix();
    }

    /** The bytes of a server's value, what {@link Mode#REWRITE} writes, or null for a value the file did not give. */
    public byte[] value(String value) {
        Encoded e = encoded(value);
        return e == null ? null : e.value();
    }

    private Encoded encoded(String value) {
        return value == null ? null : encoded.get(value);
    }

    /**
     * Whether a response says a shared cache may keep it: a {@code Cache-Control}
     * directive {@code public}, {@code max-age} or {@code s-maxage}, and none of
     * {@code private}, {@code no-cache} or {@code no-store} (nor {@code Pragma:
     * no-cache}). A response without such a directive is not taken as
     * cacheable. Under {@code nocache}, a cacheable response that gets an
     * inserted cookie is marked {@code cache-control: private}.
     */
    public static boolean cacheable(Buffer b, HttpHeadParser response) {
        boolean cacheable = false;
        for (int h = 0; h < response.headerCount(); h++) {
            boolean cacheControl = HttpBytes.equalsIgnoreCase(b, response.nameStart(h), response.nameEnd(h),
                    CACHE_CONTROL);
            boolean pragma = !cacheControl && HttpBytes.equalsIgnoreCase(b, response.nameStart(h),
                    response.nameEnd(h), PRAGMA);
            if (!cacheControl && !pragma) {
                continue;
            }
            int i = response.valueStart(h);
            int end = response.valueEnd(h);
            while (i < end) {
                while (i < end && (b.get(i) == ' ' || b.get(i) == '\t' || b.get(i) == ',')) {
                    i++;
                }
                int start = i;
                while (i < end && b.get(i) != ',' && b.get(i) != '=' && b.get(i) != ' ') {
                    i++;
                }
                if (HttpBytes.equalsIgnoreCase(b, start, i, NO_CACHE) || cacheControl
                        && (HttpBytes.equalsIgnoreCase(b, start, i, PRIVATE)
                        || HttpBytes.equalsIgnoreCase(b, start, i, NO_STORE))) {
                    return false;
                }
                if (cacheControl && (HttpBytes.equalsIgnoreCase(b, start, i, PUBLIC)
                        || HttpBytes.equalsIgnoreCase(b, start, i, MAX_AGE)
                        || HttpBytes.equalsIgnoreCase(b, start, i, S_MAXAGE))) {
                    cacheable = true;
                }
                // The rest of the directive: its argument, quoted or not (a quoted one may hold commas).
                boolean quoted = false;
                while (i < end && (quoted || b.get(i) != ',')) {
                    if (b.get(i) == '"') {
                        quoted = !quoted;
                    }
                    i++;
                }
            }
        }
        return cacheable;
    }
}
