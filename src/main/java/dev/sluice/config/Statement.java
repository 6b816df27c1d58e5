package dev.sluice.config;

import java.util.List;

/**
 * One non-empty line of the file, cut into words.
 *
 * @param line the 1-based line number
 * @param words the words, quotes and escapes already resolved; never empty
 */
record Statement(int line, List<String> words) {
    Statement {
        words = List.copyOf(words);
    }

    String first() {
        return words.get(0);
    }
}
