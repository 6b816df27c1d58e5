package dev.sluice.http;

/**
 * A client connection's variables ({@code http-request set-var(NAME)}), read
 * by the {@code var(NAME)} fetch in conditions and in {@code %[...]}
 * expressions. A name has HAProxy's scopes: {@code sess.} lives as long as the
 * connection; {@code txn.}, {@code req.} and {@code res.} as long as one
 * request and its response (Sluice ends them together, when the next request
 * arrives). {@code proc.} (the whole process) is refused at configuration time.
 *
 * <p>At most {@link #MAX} variables a connection, of at most
 * {@link #MAX_LENGTH} characters in all: a value that would pass that is not
 * stored, and the variable keeps its old value, as under HAProxy's
 * {@code tune.vars.sess-max-size}. This bounds what variables add to a
 * connection's heap (about 2.3 KB at most, against a pool buffer's 16 KB). The
 * names are the compiled rules' own strings, interned, so a lookup compares
 * references. The store is made on a connection's first {@code set-var}; a
 * value is a string made when it is set (a connection that sets no variable
 * allocates nothing here).
 *
 * <p>Not thread-safe: owned by the connection's loop.
 */
public final class Vars {
    /** Variables a connection may hold at once. */
    public static final int MAX = 16;
    /** The characters all of a connection's variables may hold together. */
    public static final int MAX_LENGTH = 2048;

    private final String[] names = new String[MAX];
    private final String[] values = new String[MAX];
    private int count;
    /** The characters the values hold. */
    private int length;

    /** Sets {@code name} (an interned, scoped name) to {@code value}; false (nothing changed) when it does not fit. */
    public boolean set(String name, String value) {
        for (int i = 0; i < count; i++) {
            if (names[i] == name) {
                if (length - values[i].length() + value.length() > MAX_LENGTH) {
                    return false;
                }
                length += value.length() - values[i].length();
                values[i] = value;
                return true;
            }
        }
        if (count == MAX || length + value.length() > MAX_LENGTH) {
            return false;
        }
        names[count] = name;
        values[count++] = value;
        length += value.length();
        return true;
    }

    /** The value of {@code name}, or null when it is not set. */
    public String get(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i] == name) {
                return values[i];
            }
        }
        return null;
    }

    public void unset(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i] == name) {
                length -= values[i].length();
                count--;
                names[i] = names[count];
                values[i] = values[count];
                names[count] = null;
                values[count] = null;
                return;
            }
        }
    }

    /** A new request: the variables of the last one ({@code txn.}, {@code req.}, {@code res.}) end; {@code sess.} stays. */
    public void endRequest() {
        for (int i = count - 1; i >= 0; i--) {
            if (!names[i].startsWith("sess.")) {
                unset(names[i]);
            }
        }
    }

    /**
     * The scoped, interned name of {@code var(NAME)} or {@code set-var(NAME)}.
     *
     * @throws IllegalArgumentException when the scope is not one Sluice keeps or the name is not HAProxy's form
     */
    public static String name(String text) {
        int dot = text.indexOf('.');
        String scope = dot < 0 ? "" : text.substring(0, dot);
        switch (scope) {
            case "sess", "txn", "req", "res" -> {
            }
            case "proc" -> throw new IllegalArgumentException("variable '" + text + "': the proc scope (a variable"
                    + " of the whole process) is not supported by Sluice; use sess or txn");
            default -> throw new IllegalArgumentException("variable '" + text + "': expected a scope (sess, txn,"
                    + " req or res), a dot and a name");
        }
        String rest = text.substring(dot + 1);
        if (rest.isEmpty() || !rest.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '.')) {
            throw new IllegalArgumentException("variable '" + text + "': a name is letters, digits, '_' and '.'");
        }
        return text.intern();
    }
}
