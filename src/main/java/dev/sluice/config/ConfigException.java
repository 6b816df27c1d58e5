package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A configuration file Sluice refuses. Every message starts with
 * {@code FILE:LINE: } and then says what was expected, so that a user can fix
 * the file without reading the source. One exception carries every error the
 * file has, in line order ({@link #messages()}), up to a cap, and how many
 * more there were ({@link #omitted()}); its own message is the first one.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final List<String> messages;
    private final int omitted;

    ConfigException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.messages = List.of(getMessage());
        this.omitted = 0;
    }

    private ConfigException(ConfigException first, List<String> messages, int omitted) {
        super(first.getMessage());
        this.file = first.file;
        this.line = first.line;
        this.messages = List.copyOf(messages);
        this.omitted = omitted;
    }

    /**
     * One exception for several errors, already in line order: the first
     * {@code cap} are kept, the rest counted.
     */
    static ConfigException of(List<ConfigException> errors, int cap) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("no error to report");
        }
        List<String> messages = new ArrayList<>();
        for (ConfigException error : errors.subList(0, Math.min(cap, errors.size()))) {
            messages.addAll(error.messages);
        }
        int omitted = errors.size() - Math.min(cap, errors.size());
        for (ConfigException error : errors) {
            omitted += error.omitted;
        }
        return new ConfigException(errors.get(0), messages, omitted);
    }

    /** The file name, as it was given to the parser. */
    public String file() {
        return file;
    }

    /** The 1-based line of the first error. */
    public int line() {
        return line;
    }

    /** Every error reported, {@code FILE:LINE: reason} each, in line order; the first is {@link #getMessage()}. */
    public List<String> messages() {
        return messages;
    }

    /** How many more errors the file has beyond {@link #messages()}. */
    public int omitted() {
        return omitted;
    }
}
