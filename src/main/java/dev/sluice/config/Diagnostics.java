package dev.sluice.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The errors and warnings of one file, gathered while it is read so that one
 * check reports them all, in line order, as HAProxy does. A file's errors are
 * at most one per line and a check or two per section, so gathering them all is
 * bounded by the file; only the first {@link #MAX_REPORTED} are reported, and
 * the rest counted.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class Diagnostics {
    /** The most errors, and the most warnings, one check reports. */
    static final int MAX_REPORTED = 100;

    private final String file;
    private final List<ConfigException> errors = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();

    private record Warning(int line, String text) {
    }

    Diagnostics(String file) {
        this.file = file;
    }

    void error(ConfigException error) {
        errors.add(error);
    }

    /** A line HAProxy accepts and Sluice too, but whose effect the user may not expect. */
    void warn(int line, String reason) {
        warnings.add(new Warning(line, file + ":" + line + ": warning: " + reason));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws every error so far, in line order, if there is any. */
    void throwIfErrors() throws ConfigException {
        if (!errors.isEmpty()) {
            List<ConfigException> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt(ConfigException::line));
            throw ConfigException.of(sorted, MAX_REPORTED);
        }
    }

    /** The warnings, in line order; past the cap, one last line counts the rest. */
    List<String> warnings() {
        List<Warning> sorted = new ArrayList<>(warnings);
        sorted.sort(Comparator.comparingInt(Warning::line));
        List<String> texts = new ArrayList<>();
        for (Warning warning : sorted.subList(0, Math.min(MAX_REPORTED, sorted.size()))) {
            texts.add(warning.text());
        }
        if (sorted.size() > MAX_REPORTED) {
            texts.add(file + ": " + (sorted.size() - MAX_REPORTED) + " more warnings");
        }
        return texts;
    }
}
