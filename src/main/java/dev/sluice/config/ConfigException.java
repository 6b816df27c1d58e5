package dev.sluice.config;

/**
 * A configuration file Sluice refuses. The message always starts with
 * {@code FILE:LINE: } and then says what was expected, so that a user can fix
 * the file without reading the source.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;

    ConfigException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
    }

    /** The file name, as it was given to the parser. */
    public String file() {
        return file;
    }

    /** The 1-based line the refusal points at. */
    public int line() {
        return line;
    }
}
