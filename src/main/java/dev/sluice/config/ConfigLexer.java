package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a configuration file into {@link Statement}s, with HAProxy's quoting rules:
 * words are separated by blanks; {@code #} starts a comment; a backslash escapes
 * the next character ({@code \ }, {@code \#}, {@code \\}, {@code \"}, {@code \'},
 * and {@code \t}, {@code \n}, {@code \r}); inside {@code "..."} blanks and
 * {@code #} are ordinary and backslash escapes still work; inside {@code '...'}
 * nothing is interpreted. Quoted and unquoted pieces that touch form one word.
 *
 * <p>HAProxy expands {@code "$NAME"} inside double quotes. Sluice does not, so it
 * refuses an unescaped {@code $} there rather than keep a word that would mean
 * something else under HAProxy.
 *
 * <p>Not thread-safe: one instance per file being read.
 */
final class ConfigLexer {
    private final String file;

    ConfigLexer(String file) {
        this.file = file;
    }

    List<Statement> statements(String text) throws ConfigException {
        List<Statement> statements = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            List<String> words = words(line, i + 1);
            if (!words.isEmpty()) {
                statements.add(new Statement(i + 1, words));
            }
        }
        return statements;
    }

    private List<String> words(String line, int lineNumber) throws ConfigException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        // A word may be empty yet present (""), so presence is tracked apart from length.
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
                i++;
                continue;
            }
            if (c == '\\') {
                if (i + 1 == line.length()) {
                    throw new ConfigException(file, lineNumber, "a backslash ends the line; Sluice does not join lines");
                }
                word.append(escaped(line.charAt(i + 1), lineNumber));
                inWord = true;
                i += 2;
                continue;
            }
            if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '$') {
                    throw new ConfigException(file, lineNumber, "environment variables (\"$...\") are not supported"
                            + " by Sluice; write the value, or escape the dollar as \\$");
                } else {
                    word.append(c);
                }
                i++;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '#') {
                break;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
            i++;
        }
        if (quote != 0) {
            throw new ConfigException(file, lineNumber, "missing closing " + quote + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private char escaped(char c, int lineNumber) throws ConfigException {
        return switch (c) {
            case ' ', '#', '\\', '"', '\'', '$' -> c;
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            default -> throw new ConfigException(file, lineNumber, "unknown escape '\\" + c + "'");
        };
    }
}
