package dev.sluice.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Reads a configuration file in HAProxy's syntax and returns a checked
 * {@link Config}. Every keyword comes from {@link Keywords}; anything else is
 * refused with its file and line, never skipped. Every error of the file is
 * reported at once, in line order, as HAProxy does: a bad line is noted and
 * reading goes on with the next one.
 *
 * <p>Not thread-safe: one instance reads one file. The static methods may be
 * called from any thread.
 */
public final class ConfigParser {
    /** Proxy names as HAProxy allows them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    /**
     * HAProxy's sections that Sluice does not read, with why. Their header is
     * refused and their body skipped: its lines mean nothing in the section above.
     */
    private static final Map<String, String> UNSUPPORTED_SECTIONS = Map.ofEntries(
            Map.entry("userlist", "Sluice has no HTTP authentication yet"),
            Map.entry("peers", "Sluice's stick tables are the process's own: it does not share them with peers"),
            Map.entry("mailers", "Sluice sends no email alerts"),
            Map.entry("program", "Sluice starts no other program; let the service manager run it"),
            Map.entry("ring", "Sluice writes no logs to rings"),
            Map.entry("log-forward", "Sluice does not forward logs"),
            Map.entry("cache", "Sluice does not cache responses"),
            Map.entry("fcgi-app", "Sluice does not speak FastCGI"),
            Map.entry("crt-store", "Sluice does not terminate TLS yet"),
            Map.entry("traces", "Sluice has no traces section"));

    /** Keywords that HAProxy refuses, rather than ignores, in a proxy without the capability they need. */
    private static final Set<String> REFUSED_WHEN_MISPLACED = Set.of("server", "default-server", "server-template");

    /** The state of a section whose header was refused: its lines are skipped. */
    private static final Object SKIPPED = new Object();

    private final String file;
    private final int availableProcessors;
    private final Diagnostics diagnostics;
    private final ReadContext context;
    private final GlobalSection global = new GlobalSection();
    private final List<ResolversSection> resolverSections = new ArrayList<>();
    private final Map<String, HttpErrorsSection> httpErrorsSections = new java.util.LinkedHashMap<>();
    /** Frontend and listen sections, in file order. */
    private final List<ProxySection> frontends = new ArrayList<>();
    /** Backend and listen sections, in file order. */
    private final List<ProxySection> backends = new ArrayList<>();
    /** Every defaults section that has a name, in file order, for {@code from NAME}. */
    private final List<ProxySection> namedDefaults = new ArrayList<>();
    /** The defaults section a proxy without {@code from} inherits: the last one read. */
    private ProxySection defaults = new ProxySection(ProxySection.Kind.DEFAULTS, "", 0);
    /** Defaults sections used by name, and those used implicitly, to warn when one section is both. */
    private final Set<ProxySection> usedByName = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<ProxySection> usedImplicitly = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The section being read: a GlobalSection, a ProxySection or SKIPPED; null before the first header. */
    private Object current;

    ConfigParser(String file, int availableProcessors) {
        this(file, availableProcessors, InetAddress::getByName, System.getenv());
    }

    /**
     * @param resolver how host names resolve (tests answer for names that do not exist here)
     * @param environment what {@code "$NAME"} expands from
     */
    ConfigParser(String file, int availableProcessors, ReadContext.Resolver resolver, Map<String, String> environment) {
        this.file = file;
        this.availableProcessors = availableProcessors;
        this.diagnostics = new Diagnostics(file);
        this.context = new ReadContext(diagnostics, resolver, environment);
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
        ConfigLexer lexer = new ConfigLexer(file, context.environment);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            try {
                List<String> words = lexer.words(lines[i], i + 1, sectionName());
                if (!words.isEmpty()) {
                    Statement statement = new Statement(i + 1, words);
                    if (!header(statement)) {
                        keyword(statement);
                    }
                }
            } catch (ConfigException e) {
                diagnostics.error(e);
            }
        }
        java.util.Set<ProxySection> proxies = new java.util.LinkedHashSet<>(frontends);
        proxies.addAll(backends);
        for (ProxySection proxy : proxies) {
            try {
                proxy.http.resolveErrorImports(httpErrorsSections);
            } catch (ConfigException e) {
                diagnostics.error(e);
            }
        }
        for (ProxySection frontend : frontends) {
            for (int i = 0; i < frontend.binds.size(); i++) {
                try {
                    frontend.binds.set(i, frontend.binds.get(i).resolveTls(global.tls, file));
                } catch (ConfigException e) {
                    diagnostics.error(e);
                }
            }
        }
        for (ProxySection backend : backends) {
            for (int i = 0; i < backend.servers.size(); i++) {
                try {
                    backend.servers.set(i, backend.servers.get(i).resolveTls(global.tls, file));
                } catch (ConfigException e) {
                    diagnostics.error(e);
                }
            }
        }
        diagnostics.throwIfErrors();
        Global built = global.build(availableProcessors);
        List<FrontendConfig> frontendRecords = new ArrayList<>();
        for (ProxySection frontend : frontends) {
            frontendRecords.add(frontend.toFrontend(built.maxconn(), file, built.log().targets()));
        }
        List<BackendConfig> backendRecords = new ArrayList<>();
        for (ProxySection backend : backends) {
            try {
                backendRecords.add(backend.toBackend(file));
            } catch (ConfigException e) {
                diagnostics.error(e);
            }
        }
        ProcessConfig process = global.process.build(global.maxconn != GlobalSection.UNSET);
        List<ResolversConfig> resolvers = new ArrayList<>();
        for (ResolversSection r : resolverSections) {
            if (r.nameservers.isEmpty()) {
                diagnostics.error(new ConfigException(file, r.line, "resolvers " + r.name + " has no nameserver"
                        + " (nameserver NAME ADDRESS:PORT, or parse-resolv-conf)"));
            }
            resolvers.add(r.build());
        }
        for (BackendConfig b : backendRecords) {
            for (ServerConfig s : b.servers()) {
                String wanted = s.discovery().resolvers();
                if (wanted != null && resolvers.stream().noneMatch(r -> r.name().equals(wanted))) {
                    diagnostics.error(new ConfigException(file, s.line(), "server " + s.name() + ": no resolvers section"
                            + " named '" + wanted + "'"));
                }
            }
        }
        diagnostics.throwIfErrors();
        Config unchecked = new Config(Path.of(file), built, frontendRecords, backendRecords, process, resolvers,
                List.of());
        new ConfigValidator(file, global, frontends, backends, diagnostics).validate(unchecked);
        diagnostics.throwIfErrors();
        return new Config(Path.of(file), built, frontendRecords, backendRecords, process, resolvers,
                diagnostics.warnings());
    }

    /** The frontend and listen sections read so far (tests look at the model of a refused file). */
    List<ProxySection> frontendSections() {
        return List.copyOf(frontends);
    }

    /** The backend and listen sections read so far (tests look at the model of a refused file). */
    List<ProxySection> backendSections() {
        return List.copyOf(backends);
    }

    /** What {@code $.SECTION} expands to: the current section's name, or its kind when it has none. */
    private String sectionName() {
        if (current instanceof ProxySection section) {
            return section.name.isEmpty() ? section.kind.word : section.name;
        }
        return current instanceof GlobalSection ? "global" : "";
    }

    /** Starts a new section if the statement is a section header. */
    private boolean header(Statement statement) throws ConfigException {
        List<String> words = statement.words();
        int line = statement.line();
        String first = statement.first();
        switch (first) {
            case "global" -> {
                current = global;
                if (global.line == 0) {
                    global.line = line;
                }
                if (words.size() > 1) {
                    throw new ConfigException(file, line, "global takes no argument, got '" + words.get(1) + "'");
                }
            }
            case "defaults" -> defaults(statement);
            case "frontend" -> proxy(ProxySection.Kind.FRONTEND, statement);
            case "backend" -> proxy(ProxySection.Kind.BACKEND, statement);
            case "listen" -> proxy(ProxySection.Kind.LISTEN, statement);
            case "resolvers" -> {
                if (words.size() != 2) {
                    current = SKIPPED;
                    throw new ConfigException(file, line, "expected resolvers NAME, got '" + String.join(" ", words) + "'");
                }
                checkName(words.get(1), line);
                for (ResolversSection other : resolverSections) {
                    if (other.name.equals(words.get(1))) {
                        current = SKIPPED;
                        throw new ConfigException(file, line, "resolvers '" + words.get(1) + "' is already defined at"
                                + " line " + other.line);
                    }
                }
                ResolversSection r = new ResolversSection(words.get(1), line);
                resolverSections.add(r);
                current = r;
            }
            case "http-errors" -> {
                if (words.size() != 2) {
                    current = SKIPPED;
                    throw new ConfigException(file, line, "expected http-errors NAME, got '" + String.join(" ", words)
                            + "'");
                }
                checkName(words.get(1), line);
                HttpErrorsSection other = httpErrorsSections.get(words.get(1));
                if (other != null) {
                    current = SKIPPED;
                    throw new ConfigException(file, line, "http-errors '" + words.get(1) + "' is already defined at"
                            + " line " + other.line);
                }
                HttpErrorsSection section = new HttpErrorsSection(words.get(1), line);
                httpErrorsSections.put(section.name, section);
                current = section;
            }
            default -> {
                String reason = UNSUPPORTED_SECTIONS.get(first);
                if (reason == null) {
                    return false;
                }
                current = SKIPPED;
                throw new ConfigException(file, line, "section '" + first + "' is not supported by Sluice ("
                        + reason + "); its lines up to the next section are skipped");
            }
        }
        return true;
    }

    /** {@code defaults [NAME] [from OTHER]}: a new defaults section, from the built-in values or from OTHER's. */
    private void defaults(Statement statement) throws ConfigException {
        List<String> words = statement.words();
        int line = statement.line();
        String name = "";
        String from = null;
        if (words.size() == 3 && words.get(1).equals("from")) {
            from = words.get(2);
        } else if (words.size() == 2) {
            name = words.get(1);
        } else if (words.size() == 4 && words.get(2).equals("from")) {
            name = words.get(1);
            from = words.get(3);
        } else if (words.size() > 1) {
            current = defaults = new ProxySection(ProxySection.Kind.DEFAULTS, "", line);
            throw new ConfigException(file, line, "expected defaults [NAME] [from OTHER], got '"
                    + String.join(" ", words) + "'");
        }
        ProxySection parent = new ProxySection(ProxySection.Kind.DEFAULTS, "", 0);
        ConfigException refused = null;
        try {
            if (!name.isEmpty()) {
                checkName(name, line);
            }
            if (from != null) {
                parent = namedDefaults(from, line, "defaults " + (name.isEmpty() ? "section" : "'" + name + "'"));
                usedByName.add(parent);
            }
        } catch (ConfigException e) {
            refused = e;
        }
        // As in HAProxy: without "from", a defaults section starts again from the built-in values.
        defaults = parent.inherit(ProxySection.Kind.DEFAULTS, name, line);
        current = defaults;
        if (!name.isEmpty()) {
            namedDefaults.add(defaults);
        }
        if (refused != null) {
            throw refused;
        }
    }

    /** The defaults section called {@code name}, declared above {@code line}. */
    private ProxySection namedDefaults(String name, int line, String user) throws ConfigException {
        ProxySection found = null;
        for (ProxySection section : namedDefaults) {
            if (section.name.equals(name)) {
                if (found != null) {
                    throw new ConfigException(file, line, user + ": defaults section name '" + name + "' is"
                            + " ambiguous (lines " + found.line + " and " + section.line + "); give them distinct names");
                }
                found = section;
            }
        }
        if (found == null) {
            throw new ConfigException(file, line, user + ": no defaults section named '" + name + "' above this"
                    + " line");
        }
        return found;
    }

    /** {@code frontend|backend|listen NAME [from DEFAULTS]}, and {@code listen NAME ADDRESS:PORT}. */
    private void proxy(ProxySection.Kind kind, Statement statement) throws ConfigException {
        List<String> words = statement.words();
        int line = statement.line();
        if (words.size() < 2) {
            current = SKIPPED;
            throw new ConfigException(file, line, kind.word + " needs a name; its lines up to the next section"
                    + " are skipped");
        }
        String name = words.get(1);
        List<ConfigException> refused = new ArrayList<>();
        try {
            checkName(name, line);
        } catch (ConfigException e) {
            refused.add(e);
        }
        int next = 2;
        String address = null;
        if (next < words.size() && !words.get(next).equals("from")) {
            address = words.get(next++);
        }
        ProxySection parent = defaults;
        if (next < words.size()) {
            if (!words.get(next).equals("from") || next + 2 != words.size()) {
                refused.add(new ConfigException(file, line, "expected " + kind.word + " NAME [from DEFAULTS], got '"
                        + String.join(" ", words) + "'"));
            } else {
                try {
                    parent = namedDefaults(words.get(next + 1), line, kind.word + " '" + name + "'");
                    usedByName.add(parent);
                } catch (ConfigException e) {
                    refused.add(e);
                }
            }
        } else {
            usedImplicitly.add(parent);
        }
        if (usedByName.contains(parent) && usedImplicitly.contains(parent)) {
            diagnostics.warn(line, "defaults section '" + parent.name + "' (line " + parent.line + ") is used by"
                    + " name by one proxy and implicitly by another; HAProxy warns about this too: add a last"
                    + " defaults section that no proxy names, or always name it");
        }
        // A listen section is both, so it clashes with a frontend or a backend of its name; each clash once.
        Set<ProxySection> clashes = Collections.newSetFromMap(new IdentityHashMap<>());
        if (kind.isFrontend()) {
            frontends.stream().filter(other -> other.name.equals(name)).forEach(clashes::add);
        }
        if (kind.isBackend()) {
            backends.stream().filter(other -> other.name.equals(name)).forEach(clashes::add);
        }
        for (ProxySection other : clashes) {
            refused.add(duplicate(kind, name, other, line));
        }
        ProxySection section = parent.inherit(kind, name, line);
        current = section;
        if (kind.isFrontend()) {
            frontends.add(section);
        }
        if (kind.isBackend()) {
            backends.add(section);
        }
        if (address != null) {
            if (kind != ProxySection.Kind.LISTEN) {
                refused.add(new ConfigException(file, line, kind.word + " takes no address; write 'bind " + address
                        + "' on a line of its own"));
            } else {
                Invocation use = new Invocation(file, line, "listen " + name, List.of(address), context);
                try {
                    CoreKeywords.bindAddresses(section, use, address, new BindOptions());
                    use.warn("an address after the name is Sluice's shorthand for a bind line; HAProxy 2.6 refuses"
                            + " it, so write 'bind " + address + "' to keep the file valid for both");
                } catch (ConfigException e) {
                    refused.add(e);
                }
            }
        }
        refused.forEach(diagnostics::error);
    }

    private ConfigException duplicate(ProxySection.Kind kind, String name, ProxySection other, int line) {
        return new ConfigException(file, line, kind.word + " '" + name + "' has the same name as " + other.kind.word
                + " '" + other.name + "' (line " + other.line + ")");
    }

    private void checkName(String name, int line) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(file, line, "'" + name + "' is not a valid name"
                    + " (letters, digits, '_', '.', ':' and '-' only)");
        }
    }

    private void keyword(Statement statement) throws ConfigException {
        if (current == SKIPPED) {
            return;
        }
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
