package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cuts a configuration file into {@link Statement}s with HAProxy's rules
 * (its manual, sections 2.2 and 2.3):
 * <ul>
 *   <li>words are separated by blanks; {@code #} outside quotes starts a comment;
 *       a carriage return ends the line;</li>
 *   <li>outside single quotes a backslash escapes: {@code \ } (space),
 *       {@code \\}, {@code \#}, {@code \'}, {@code \"}, {@code \t}, {@code \n},
 *       {@code \r}, {@code \xNN}, and {@code \$} inside double quotes; before
 *       any other character the backslash stays, so {@code \.} and {@code \d}
 *       reach a regular expression unchanged;</li>
 *   <li>inside {@code "..."} blanks, {@code #} and {@code '} are ordinary and
 *       {@code $NAME}, {@code ${NAME}}, {@code ${NAME-DEFAULT}} and
 *       {@code ${NAME[*]}} (one word per space-separated value) expand from the
 *       environment, as do {@code $.FILE}, {@code $.LINE} and {@code $.SECTION};
 *       an unset variable expands to nothing;</li>
 *   <li>inside {@code '...'} nothing is interpreted;</li>
 *   <li>quoted and unquoted pieces that touch form one word.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per file being read.
 */
final class ConfigLexer {
    private final String file;
    private final Map<String, String> environment;

    ConfigLexer(String file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    ConfigLexer(String file) {
        this(file, Map.of());
    }

    /** Every statement of the text; the first bad line is thrown. */
    List<Statement> statements(String text) throws ConfigException {
        List<ConfigException> errors = new ArrayList<>();
        List<Statement> statements = statements(text, errors::add);
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return statements;
    }

    /** Every statement of the text that lexes; each line that does not goes to {@code errors}. */
    List<Statement> statements(String text, Consumer<ConfigException> errors) {
        List<Statement> statements = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            try {
                List<String> words = words(lines[i], i + 1, "");
                if (!words.isEmpty()) {
                    statements.add(new Statement(i + 1, words));
                }
            } catch (ConfigException e) {
                errors.accept(e);
            }
        }
        return statements;
    }

    /**
     * The words of one line.
     *
     * @param section what {@code $.SECTION} expands to: the name of the section the line is in
     */
    List<String> words(String line, int lineNumber, String section) throws ConfigException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        // A word may be empty yet present (""), so presence is tracked apart from length.
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\r' || c == 0) {
                break;
            }
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
                i = escape(line, i, quote == '"', word, lineNumber);
                inWord = true;
                continue;
            }
            if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                    i++;
                } else if (c == '$') {
                    i = variable(line, i, lineNumber, section, word, words);
                } else {
                    word.append(c);
                    i++;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '#') {
                break;
            } else if (c == ' ' || c == '\t' || c == 0x0B || c == '\f') {
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

    /** Reads the escape at {@code i}; returns the index after it. */
    private int escape(String line, int i, boolean inDoubleQuotes, StringBuilder word, int lineNumber)
            throws ConfigException {
        char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
        switch (next) {
            case ' ', '\\', '#', '\'', '"' -> word.append(next);
            case 't' -> word.append('\t');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case '$' -> {
                if (!inDoubleQuotes) {
                    // Outside double quotes a dollar is ordinary, and HAProxy keeps the backslash too.
                    word.append('\\');
                    return i + 1;
                }
                word.append('$');
            }
            case 'x' -> {
                int high = i + 2 < line.length() ? Character.digit(line.charAt(i + 2), 16) : -1;
                int low = i + 3 < line.length() ? Character.digit(line.charAt(i + 3), 16) : -1;
                if (high < 0 || low < 0) {
                    throw new ConfigException(file, lineNumber, "'\\x' needs two hexadecimal digits, as in \\x41");
                }
                if (high == 0 && low == 0) {
                    throw new ConfigException(file, lineNumber, "'\\x00' cannot be part of a word");
                }
                word.append((char) (high << 4 | low));
                return i + 4;
            }
            default -> {
                // Not an escape: the backslash stays, so that "\." and "\d" reach a regular expression.
                word.append('\\');
                return i + 1;
            }
        }
        return i + 2;
    }

    /**
     * Expands the variable at {@code i} (a {@code $} inside double quotes) into
     * {@code word}; with {@code [*]}, each space-separated part of its value
     * after the first ends the word so far and starts a new one. Returns the
     * index after the variable.
     */
    private int variable(String line, int i, int lineNumber, String section, StringBuilder word, List<String> words)
            throws ConfigException {
        int at = i + 1;
        boolean braced = at < line.length() && line.charAt(at) == '{';
        if (braced) {
            at++;
        }
        int nameStart = at;
        if (at < line.length() && line.charAt(at) == '.') {
            at++;
        }
        if (at >= line.length() || !(Character.isLetter(line.charAt(at)) || line.charAt(at) == '_')
                && at == nameStart) {
            throw new ConfigException(file, lineNumber, "a '$' inside double quotes starts a variable name (a letter"
                    + " or '_'); write \\$ for a dollar sign");
        }
        while (at < line.length() && (Character.isLetterOrDigit(line.charAt(at)) || line.charAt(at) == '_')) {
            at++;
        }
        String name = line.substring(nameStart, at);
        String value = name.startsWith(".") ? pseudoVariable(name, lineNumber, section) : environment.get(name);
        boolean expandWords = false;
        if (braced) {
            if (line.startsWith("[*]", at)) {
                expandWords = true;
                at += 3;
            }
            if (at < line.length() && line.charAt(at) == '-') {
                int close = line.indexOf('}', at);
                if (close < 0) {
                    throw new ConfigException(file, lineNumber, "missing '}' after '${" + name + "'");
                }
                if (value == null) {
                    value = line.substring(at + 1, close);
                }
                at = close;
            }
            if (at >= line.length() || line.charAt(at) != '}') {
                throw new ConfigException(file, lineNumber, "missing '}' after '${" + name + "'");
            }
            at++;
        }
        if (value != null) {
            if (expandWords) {
                String[] parts = value.trim().split("[ \t]+");
                for (int p = 0; p < parts.length; p++) {
                    if (p > 0) {
                        words.add(word.toString());
                        word.setLength(0);
                    }
                    word.append(parts[p]);
                }
            } else {
                word.append(value);
            }
        }
        return at;
    }

    private String pseudoVariable(String name, int lineNumber, String section) throws ConfigException {
        return switch (name) {
            case ".FILE" -> file;
            case ".LINE" -> Integer.toString(lineNumber);
            case ".SECTION" -> section;
            default -> throw new ConfigException(file, lineNumber, "unknown variable '" + name
                    + "' (HAProxy defines .FILE, .LINE and .SECTION)");
        };
    }
}
