package dev.sluice.config;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@code http-errors NAME} section while the file is read: its
 * {@code errorfile} lines, which proxies import with {@code errorfiles NAME}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class HttpErrorsSection {
    final String name;
    final int line;
    /** The section's pages by status; a later line for a status replaces the earlier one. */
    final Map<Integer, ErrorFile> files = new TreeMap<>();
    /** Keyword name to the line that set it. */
    final Map<String, Integer> seen = new HashMap<>();

    HttpErrorsSection(String name, int line) {
        this.name = name;
        this.line = line;
    }
}
