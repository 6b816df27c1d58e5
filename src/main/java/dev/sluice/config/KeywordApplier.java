package dev.sluice.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Applies the lines inside a section: finds a statement's keyword in its
 * section's table and applies it, after checking its number of arguments,
 * its {@code no} form and what a repetition means (HAProxy's first or last
 * one wins, with a warning). A line no keyword of its section matches is
 * refused, naming the keyword as the user wrote it and where it belongs,
 * unless it is a keyword of the other side of a proxy, which HAProxy ignores
 * with a warning and so does Sluice.
 *
 * <p>Not thread-safe: one per {@link ConfigParser}, reading one file.
 */
final class KeywordApplier {
    /** Keywords that HAProxy refuses, rather than ignores, in a proxy without the capability they need. */
    private static final Set<String> REFUSED_WHEN_MISPLACED = Set.of("server", "default-server", "server-template");

    private final String file;
    private final Diagnostics diagnostics;
    private final ReadContext context;

    KeywordApplier(String file, Diagnostics diagnostics, ReadContext context) {
        this.file = file;
        this.diagnostics = diagnostics;
        this.context = context;
    }

    /**
     * Applies one statement of {@code current}, the section being read (a
     * GlobalSection, a ResolversSection, an HttpErrorsSection or a
     * ProxySection; null before the first header).
     */
    void apply(Object current, Statement statement) throws ConfigException {
        if (current == null) {
            throw new ConfigException(file, statement.line(), "'" + KeywordNames.of(statement.words())
                    + "' must follow a section header (global, defaults, frontend, listen or backend)");
        }
        if (current instanceof GlobalSection section) {
            apply(Keywords.GLOBAL, section, section.seen, null, statement);
            return;
        }
        if (current instanceof ResolversSection section) {
            apply(Keywords.RESOLVERS, section, section.seen, null, statement);
            return;
        }
        if (current instanceof HttpErrorsSection section) {
            apply(Keywords.HTTP_ERRORS, section, section.seen, null, statement);
            return;
        }
        ProxySection section = (ProxySection) current;
        apply(Keywords.of(section.kind), section, section.seen, section.origins, statement);
    }

    private <T> void apply(KeywordTable<T> table, T section, Map<String, Integer> seen, Map<String, Integer> origins,
            Statement statement) throws ConfigException {
        int line = statement.line();
        boolean negated = statement.first().equals("no") && statement.words().size() > 1;
        List<String> words = HttpKeywords.splitVariable(negated ? statement.words().subList(1,
                statement.words().size()) : statement.words());
        Keyword<T> keyword = table.find(words);
        if (keyword == null) {
            if (misplaced(table, section, words, line)) {
                return;
            }
            throw new ConfigException(file, line, unknown(table, negated ? statement.words() : words));
        }
        List<String> args = words.subList(keyword.nameWords(), words.size());
        if (negated) {
            if (keyword.negation() == null) {
                throw new ConfigException(file, line, "'no " + keyword.name() + "' is not supported: '"
                        + keyword.name() + "' cannot be turned off");
            }
            if (!args.isEmpty()) {
                throw new ConfigException(file, line, "'no " + keyword.name() + "' takes no argument, got "
                        + args.size());
            }
            seen.put(keyword.name(), line);
            keyword.negation().apply(section, new Invocation(file, line, "no " + keyword.name(), args, context));
            return;
        }
        if (args.size() < keyword.minArgs() || args.size() > keyword.maxArgs()) {
            throw new ConfigException(file, line, "'" + keyword.name() + "' takes " + arity(keyword) + " ("
                    + (keyword.name() + " " + keyword.usage()).trim() + "), got " + args.size());
        }
        Integer earlier = seen.putIfAbsent(keyword.name(), line);
        if (earlier != null && keyword.repeat() == Keyword.Repeat.FIRST_WINS) {
            diagnostics.warn(line, "'" + keyword.name() + "' is already set at line " + earlier
                    + "; this line is ignored, as HAProxy ignores it");
            return;
        }
        if (earlier != null && keyword.repeat() == Keyword.Repeat.LAST_WINS) {
            diagnostics.warn(line, "'" + keyword.name() + "' is set again (line " + earlier + " set it first);"
                    + " this line's value wins, as in HAProxy");
            seen.put(keyword.name(), line);
        }
        if (origins != null) {
            origins.put(keyword.name(), line);
        }
        keyword.directive().apply(section, new Invocation(file, line, keyword.name(), args, context));
    }

    /**
     * A keyword of the other side of a proxy (a backend keyword in a frontend,
     * or the reverse): HAProxy ignores it with a warning, and so does Sluice.
     */
    private boolean misplaced(KeywordTable<?> table, Object section, List<String> words, int line)
            throws ConfigException {
        if (!(section instanceof ProxySection proxy) || proxy.kind == ProxySection.Kind.DEFAULTS
                || proxy.kind == ProxySection.Kind.LISTEN) {
            return false;
        }
        ProxySection.Kind other = proxy.kind == ProxySection.Kind.FRONTEND ? ProxySection.Kind.BACKEND
                : ProxySection.Kind.FRONTEND;
        Keyword<ProxySection> keyword = Keywords.of(other).find(words);
        if (keyword == null || REFUSED_WHEN_MISPLACED.contains(keyword.name())) {
            return false;
        }
        if (proxy.kind == ProxySection.Kind.BACKEND && keyword.name().startsWith("stats ")) {
            // HAProxy answers a backend's stats page; ignoring the line would lose the page without a word.
            throw new ConfigException(file, line, "'" + keyword.name() + "': a stats page in a backend is not"
                    + " supported by Sluice (HAProxy answers it from the backend): Sluice chooses its own answers"
                    + " (stats page, use-service) in the section that receives the request, before routing; write"
                    + " the stats keywords in the frontend or listen section that routes to " + proxy.describe()
                    + ", or in a listen section of their own");
        }
        if (proxy.kind == ProxySection.Kind.FRONTEND && keyword.name().startsWith("stick ")) {
            // HAProxy ignores it with a warning; ignoring it would lose the persistence without a word.
            throw new ConfigException(file, line, "'" + keyword.name() + "' is not allowed in a frontend: "
                    + proxy.describe() + " has no backend capability (HAProxy ignores the line for that reason);"
                    + " write it in the backend or listen section that chooses the servers");
        }
        diagnostics.warn(line, "'" + keyword.name() + "' is ignored because " + proxy.describe() + " has no "
                + other.word + " side (it belongs in a " + other.word + ", a listen or a defaults section);"
                + " HAProxy ignores it too");
        return true;
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

    /** Why a statement matches no keyword of its section, naming the keyword in full as the user wrote it. */
    private static String unknown(KeywordTable<?> table, List<String> words) {
        boolean negated = words.get(0).equals("no") && words.size() > 1;
        List<String> rest = negated ? words.subList(1, words.size()) : words;
        String first = rest.get(0);
        String name = KeywordNames.of(words);
        boolean prefix = KeywordNames.isFamily(first);
        for (KeywordTable<?> any : Keywords.ALL) {
            prefix |= any.isPrefix(first);
        }
        if (prefix && rest.size() == 1 && !negated) {
            return "'" + first + "' needs one of: " + subKeywords(table, first);
        }
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
        String reason = RefusedKeywords.reason(name);
        return "'" + name + "' is not supported by Sluice" + (reason == null ? "" : ": " + reason);
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
}
