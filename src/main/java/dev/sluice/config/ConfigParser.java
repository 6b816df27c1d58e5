package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Reads a configuration file in HAProxy's syntax and returns a checked
 * {@link Config}. Every keyword comes from {@link Keywords}; anything else is
 * refused with its file and line, never skipped.
 *
 * <p>Not thread-safe: one instance reads one file. The static methods may be
 * called from any thread.
 */
public final class ConfigParser {
    /** Proxy names as HAProxy allows them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    private final String file;
    private final int availableProcessors;
    private final GlobalSection global = new GlobalSection();
    private final List<ProxySection> frontends = new ArrayList<>();
    private final List<ProxySection> backends = new ArrayList<>();
    /** The defaults section in force; a new one replaces it entirely. */
    private ProxySection defaults = new ProxySection(ProxySection.Kind.DEFAULTS, "", 0);
    /** The section being read: a GlobalSection or a ProxySection; null before the first header. */
    private Object current;

    ConfigParser(String file, int availableProcessors) {
        this.file = file;
        this.availableProcessors = availableProcessors;
    }

    /** Reads, parses and checks a file. */
    public static Config parse(Path path) throws ConfigException, IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /**
     * Parses and checks configuration text.
     *
     * @param fileName the name messages give as FILE
     */
    public static Config parse(String fileName, String text) throws ConfigException {
        return new ConfigParser(fileName, Runtime.getRuntime().availableProcessors()).read(text);
    }

    Config read(String text) throws ConfigException {
        for (Statement statement : new ConfigLexer(file).statements(text)) {
            if (!header(statement)) {
                keyword(statement);
            }
        }
        Global built = global.build(availableProcessors);
        List<FrontendConfig> frontendRecords = new ArrayList<>();
        for (ProxySection frontend : frontends) {
            frontendRecords.add(frontend.toFrontend(built.maxconn()));
        }
        List<BackendConfig> backendRecords = new ArrayList<>();
        for (ProxySection backend : backends) {
            backendRecords.add(backend.toBackend());
        }
        Config config = new Config(Path.of(file), built, frontendRecords, backendRecords);
        new ConfigValidator(file, global, frontends, backends).validate(config);
        return config;
    }

    /** Starts a new section if the statement is a section header. */
    private boolean header(Statement statement) throws ConfigException {
        List<String> words = statement.words();
        int line = statement.line();
        switch (statement.first()) {
            case "global" -> {
                if (words.size() > 1) {
                    throw new ConfigException(file, line, "global takes no argument, got '" + words.get(1) + "'");
                }
                if (global.line == 0) {
                    global.line = line;
                }
                current = global;
            }
            case "defaults" -> {
                if (words.size() > 2) {
                    throw new ConfigException(file, line, "defaults takes at most a name; '" + words.get(2)
                            + "' is not supported by Sluice");
                }
                if (words.size() == 2) {
                    checkName(words.get(1), line);
                }
                // As in HAProxy: a new defaults section starts again from the built-in values.
                defaults = new ProxySection(ProxySection.Kind.DEFAULTS, words.size() == 2 ? words.get(1) : "", line);
                current = defaults;
            }
            case "frontend" -> current = proxy(ProxySection.Kind.FRONTEND, frontends, statement);
            case "backend" -> current = proxy(ProxySection.Kind.BACKEND, backends, statement);
            default -> {
                return false;
            }
        }
        return true;
    }

    private ProxySection proxy(ProxySection.Kind kind, List<ProxySection> sameKind, Statement statement)
            throws ConfigException {
        List<String> words = statement.words();
        int line = statement.line();
        if (words.size() < 2) {
            throw new ConfigException(file, line, kind.word + " needs a name");
        }
        if (words.size() > 2) {
            throw new ConfigException(file, line, kind.word + " takes only a name; '" + words.get(2)
                    + "' is not supported by Sluice");
        }
        String name = words.get(1);
        checkName(name, line);
        for (ProxySection other : sameKind) {
            if (other.name.equals(name)) {
                throw new ConfigException(file, line, "duplicate " + kind.word + " '" + name
                        + "' (first defined at line " + other.line + ")");
            }
        }
        ProxySection section = defaults.inherit(kind, name, line);
        sameKind.add(section);
        return section;
    }

    private void checkName(String name, int line) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(file, line, "'" + name + "' is not a valid name"
                    + " (letters, digits, '_', '.', ':' and '-' only)");
        }
    }

    private void keyword(Statement statement) throws ConfigException {
        if (current == null) {
            throw new ConfigException(file, statement.line(), "'" + statement.first()
                    + "' must follow a section header (global, defaults, frontend or backend)");
        }
        if (current instanceof GlobalSection section) {
            apply(Keywords.GLOBAL, section, section.seen, null, statement);
            return;
        }
        ProxySection section = (ProxySection) current;
        apply(Keywords.of(section.kind), section, section.seen, section.origins, statement);
    }

    private <T> void apply(KeywordTable<T> table, T section, Map<String, Integer> seen, Map<String, Integer> origins,
            Statement statement) throws ConfigException {
        int line = statement.line();
        Keyword<T> keyword = table.find(statement.words());
        if (keyword == null) {
            throw new ConfigException(file, line, unknown(table, statement.words()));
        }
        List<String> args = statement.words().subList(keyword.nameWords(), statement.words().size());
        if (args.size() < keyword.minArgs() || args.size() > keyword.maxArgs()) {
            throw new ConfigException(file, line, "'" + keyword.name() + "' takes " + arity(keyword) + " ("
                    + (keyword.name() + " " + keyword.usage()).trim() + "), got " + args.size());
        }
        Integer earlier = seen.putIfAbsent(keyword.name(), line);
        if (earlier != null && !keyword.repeatable()) {
            throw new ConfigException(file, line, "'" + keyword.name() + "' is already set in this section at line "
                    + earlier);
        }
        if (origins != null) {
            origins.put(keyword.name(), line);
        }
        keyword.directive().apply(section, new Invocation(file, line, keyword.name(), args));
    }

    private static String arity(Keyword<?> keyword) {
        if (keyword.maxArgs() == 0) {
            return "no argument";
        }
        if (keyword.minArgs() == keyword.maxArgs()) {
            return keyword.minArgs() == 1 ? "1 argument" : keyword.minArgs() + " arguments";
        }
        return "at least " + keyword.minArgs() + " arguments";
    }

    /** Why a statement matches no keyword of its section, naming the keyword as the user wrote it. */
    private static String unknown(KeywordTable<?> table, List<String> words) {
        boolean negated = words.get(0).equals("no") && words.size() > 1;
        List<String> rest = negated ? words.subList(1, words.size()) : words;
        String first = rest.get(0);
        boolean prefix = false;
        for (KeywordTable<?> any : Keywords.ALL) {
            prefix |= any.isPrefix(first);
        }
        if (prefix && rest.size() == 1 && !negated) {
            return "'" + first + "' needs one of: " + subKeywords(table, first);
        }
        String name = (negated ? "no " : "") + (prefix ? first + " " + rest.get(1) : first);
        if (!negated) {
            StringJoiner elsewhere = new StringJoiner(", ");
            for (KeywordTable<?> other : Keywords.SECTIONS) {
                if (other != table && other.find(rest) != null) {
                    elsewhere.add(other.section());
                }
            }
            if (elsewhere.length() > 0) {
                return "'" + name + "' is not allowed in a " + table.section() + " section (it belongs in: "
                        + elsewhere + ")";
            }
        }
        return "'" + name + "' is not supported by Sluice";
    }

    private static String subKeywords(KeywordTable<?> table, String first) {
        StringJoiner names = new StringJoiner(", ");
        for (String name : table.names().keySet()) {
            if (name.startsWith(first + " ")) {
                names.add(name.substring(first.length() + 1));
            }
        }
        return names.length() == 0 ? "(none in a " + table.section() + " section)" : names.toString();
    }

    /**
     * Section name to keyword name to how it is supported, for every table;
     * docs/configuration.md must list exactly these.
     */
    static Map<String, Map<String, Support>> keywordTables() {
        Map<String, Map<String, Support>> tables = new LinkedHashMap<>();
        for (KeywordTable<?> table : Keywords.ALL) {
            tables.put(table.section(), table.names());
        }
        return tables;
    }
}
