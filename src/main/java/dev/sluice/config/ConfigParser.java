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
import java.util.regex.Pattern;

/**
 * Reads a configuration file in HAProxy's syntax and returns a checked
 * {@link Config}. Every keyword comes from {@link Keywords}; anything else is
 * refused with its file and line, never skipped. Every error of the file is
 * reported at once, in line order, as HAProxy does: a bad line is noted and
 * reading goes on with the next one. The parser reads the section headers;
 * the lines inside a section are applied by {@link KeywordApplier}.
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

    /** The state of a section whose header was refused: its lines are skipped. */
    private static final Object SKIPPED = new Object();

    private final String file;
    private final int availableProcessors;
    private final Diagnostics diagnostics;
    private final ReadContext context;
    /** Applies a section's lines through its keyword table. */
    private final KeywordApplier keywords;
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
        this.keywords = new KeywordApplier(file, diagnostics, context);
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
        keywords.apply(current, statement);
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
