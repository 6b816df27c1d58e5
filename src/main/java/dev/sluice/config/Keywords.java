package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every keyword Sluice accepts, one table per kind of section. A keyword absent
 * from these tables is refused with "not supported by Sluice"; docs/configuration.md
 * lists the same keywords, and a test keeps the two equal.
 *
 * <p>The tables are built once and only read: safe to share between threads.
 */
final class Keywords {
    /** The largest {@code nbthread}: one event loop per thread, and far more loops than cores only adds cost. */
    static final int MAX_NBTHREAD = 4096;
    /** The largest {@code tune.buffers.reserve}: far above any useful value, low enough that sums stay in an int. */
    static final int MAX_BUFFERS_RESERVE = 1 << 20;

    static final KeywordTable<GlobalSection> GLOBAL = new KeywordTable<GlobalSection>("global")
            .single("nbthread", "<number>", (g, use) -> g.nbthread = use.number(use.arg(0), 1, MAX_NBTHREAD))
            .single("maxconn", "<number>", (g, use) -> g.maxconn = use.number(use.arg(0), 1, Integer.MAX_VALUE))
            .single("tune.bufsize", "<bytes>",
                    (g, use) -> g.bufsize = use.number(use.arg(0), 1, Integer.MAX_VALUE))
            .single("tune.buffers.limit", "<number>",
                    (g, use) -> g.buffersLimit = use.number(use.arg(0), 1, Integer.MAX_VALUE))
            .single("tune.buffers.reserve", "<number>",
                    (g, use) -> g.buffersReserve = use.number(use.arg(0), 0, MAX_BUFFERS_RESERVE))
            .single("tune.maxrewrite", "<bytes>",
                    (g, use) -> g.maxrewrite = use.number(use.arg(0), 0, Integer.MAX_VALUE))
            .single("tune.http.maxhdr", "<number>", (g, use) -> g.httpMaxHeaders = use.number(use.arg(0), 1,
                    Global.MAX_HTTP_MAX_HEADERS))
            .single("hard-stop-after", "<time>", (g, use) -> g.hardStopAfterMillis = use.timeMillis(use.arg(0)));

    static final KeywordTable<ProxySection> DEFAULTS = proxyTable(ProxySection.Kind.DEFAULTS);
    static final KeywordTable<ProxySection> FRONTEND = proxyTable(ProxySection.Kind.FRONTEND);
    static final KeywordTable<ProxySection> BACKEND = proxyTable(ProxySection.Kind.BACKEND);

    /** Options after {@code server NAME ADDR:PORT}; each takes one value. */
    static final KeywordTable<ServerOptions> SERVER = new KeywordTable<ServerOptions>("server")
            .single("maxconn", "<number>", (s, use) -> s.maxconn = use.number(use.arg(0), 0, Integer.MAX_VALUE))
            .single("maxqueue", "<number>", (s, use) -> s.maxqueue = use.number(use.arg(0), 0, Integer.MAX_VALUE))
            .single("pool-purge-delay", "<time>", (s, use) -> s.poolPurgeDelayMillis = use.timeMillis(use.arg(0)))
            .single("pool-max-conn", "<number>", Keywords::poolMaxConn);

    /** Options after {@code bind ADDR:PORT}; none yet, so every one is refused by name. */
    static final KeywordTable<ProxySection> BIND = new KeywordTable<>("bind");

    /** Every table, in the order docs/configuration.md presents them. */
    static final List<KeywordTable<?>> ALL = List.of(GLOBAL, DEFAULTS, FRONTEND, BACKEND, SERVER, BIND);

    /** The tables of the sections a file has headers for, for "belongs in another section" messages. */
    static final List<KeywordTable<?>> SECTIONS = List.of(GLOBAL, DEFAULTS, FRONTEND, BACKEND);

    private Keywords() {
    }

    /**
     * One proxy section's table. HAProxy's placement rules decide which keyword
     * goes where; {@code defaults} takes everything a frontend or backend takes.
     */
    private static KeywordTable<ProxySection> proxyTable(ProxySection.Kind kind) {
        boolean frontend = kind != ProxySection.Kind.BACKEND;
        boolean backend = kind != ProxySection.Kind.FRONTEND;
        KeywordTable<ProxySection> table = new KeywordTable<>(kind.word);
        table.single("mode", "tcp|http", Keywords::mode);
        if (backend) {
            table.single("balance", "roundrobin", Keywords::balance);
        }
        if (frontend) {
            table.single("maxconn", "<number>", (p, use) -> p.maxconn = use.number(use.arg(0), 1, Integer.MAX_VALUE));
        }
        for (TimeoutKind timeout : TimeoutKind.values()) {
            if ((frontend && timeout.inFrontend()) || (backend && timeout.inBackend())) {
                table.single(timeout.keyword(), "<time>",
                        (p, use) -> p.timeouts[timeout.ordinal()] = use.timeMillis(use.arg(0)));
            }
        }
        if (kind == ProxySection.Kind.FRONTEND) {
            table.repeatable("bind", "<address>:<port>", 1, Keywords::bind);
        }
        if (frontend) {
            table.single("default_backend", "<backend name>", (p, use) -> p.defaultBackend = use.arg(0));
        }
        if (kind == ProxySection.Kind.BACKEND) {
            table.repeatable("server", "<name> <address>:<port> [options]", 2, Keywords::server);
        }
        if (backend) {
            table.flag("option tcp-smart-connect", (p, use) -> p.smartConnect = true);
        }
        if (kind != ProxySection.Kind.DEFAULTS) {
            table.repeatable("acl", "<name> <fetch> [flags] [values]", 2, HttpKeywords::acl);
            table.repeatable("http-request set-header", "<name> <value> [if|unless <condition>]", 2,
                    HttpKeywords::setHeader);
            table.repeatable("http-request add-header", "<name> <value> [if|unless <condition>]", 2,
                    HttpKeywords::addHeader);
            table.repeatable("http-request del-header", "<name> [if|unless <condition>]", 1,
                    HttpKeywords::delHeader);
            table.repeatable("http-request return", "[status <code>] [content-type <type>] [string <text> | file"
                    + " <path>] [hdr <name> <value>]... [if|unless <condition>]", 0, HttpKeywords::returnResponse);
            table.repeatable("http-request deny", "[deny_status <code>] [if|unless <condition>]", 0,
                    HttpKeywords::deny);
        }
        if (kind == ProxySection.Kind.FRONTEND) {
            table.repeatable("use_backend", "<backend name> [if|unless <condition>]", 1, HttpKeywords::useBackend);
        }
        table.variadic("option forwardfor", "", HttpKeywords::forwardFor);
        table.flag("option httpclose", (p, use) -> p.httpClose = true);
        if (backend) {
            table.single("http-reuse", "never|safe", HttpKeywords::httpReuse);
        }
        table.single("max-body-size", "<size>", HttpKeywords::maxBodySize);
        // HTTP keep-alive is how Sluice's HTTP mode works; in TCP mode, as in HAProxy, it does nothing.
        table.noEffect("option http-keep-alive");
        if (frontend) {
            // Sluice writes no per-connection log line at all, so empty connections are already not logged.
            table.noEffect("option dontlognull");
        }
        return table;
    }

    private static void bind(ProxySection section, Invocation use) throws ConfigException {
        if (use.arg(0).indexOf(',') >= 0) {
            throw use.error("several addresses on one line are not supported by Sluice; write one bind per address");
        }
        InetSocketAddress address = use.address(use.arg(0), 0);
        options(BIND, section, use, 1, "bind " + use.arg(0));
        section.binds.add(address);
    }

    private static void server(ProxySection section, Invocation use) throws ConfigException {
        String name = use.arg(0);
        for (ServerConfig other : section.servers) {
            if (other.name().equals(name)) {
                throw use.error("duplicate server '" + name + "' in " + section.describe()
                        + " (first defined at line " + other.line() + ")");
            }
        }
        InetSocketAddress address = use.address(use.arg(1), 1);
        ServerOptions options = new ServerOptions();
        options(SERVER, options, use, 2, "server " + name);
        section.servers.add(new ServerConfig(name, address, options.maxconn, options.maxqueue,
                options.poolPurgeDelayMillis, options.poolMaxConn, use.line()));
    }

    /** {@code pool-max-conn}: -1 (no limit) or a whole number. */
    private static void poolMaxConn(ServerOptions options, Invocation use) throws ConfigException {
        String text = use.arg(0);
        if (text.equals("-1")) {
            options.poolMaxConn = ServerConfig.UNLIMITED_POOL;
            return;
        }
        if (text.startsWith("-")) {
            throw use.error("expected -1 (no limit) or a whole number >= 0, got '" + text + "'");
        }
        options.poolMaxConn = use.number(text, 0, Integer.MAX_VALUE);
    }

    /**
     * Reads {@code NAME VALUE...} options from {@code from} on, each looked up in
     * {@code table}; an option not in the table is refused by name.
     */
    private static <T> void options(KeywordTable<T> table, T target, Invocation use, int from, String what)
            throws ConfigException {
        Set<String> given = new HashSet<>();
        int i = from;
        while (i < use.args().size()) {
            String name = use.arg(i);
            Keyword<T> option = table.get(name);
            if (option == null) {
                throw new ConfigException(use.file(), use.line(), what + ": '" + name + "' is not supported by Sluice");
            }
            if (!given.add(name)) {
                throw new ConfigException(use.file(), use.line(), what + ": '" + name + "' is given twice");
            }
            int values = option.maxArgs();
            if (i + values >= use.args().size()) {
                throw new ConfigException(use.file(), use.line(), what + ": '" + name + "' needs a value: "
                        + name + " " + option.usage());
            }
            option.directive().apply(target, new Invocation(use.file(), use.line(), what + " " + name,
                    use.args().subList(i + 1, i + 1 + values)));
            i += 1 + values;
        }
    }

    private static void mode(ProxySection section, Invocation use) throws ConfigException {
        section.mode = switch (use.arg(0).toLowerCase(Locale.ROOT)) {
            case "tcp" -> Mode.TCP;
            case "http" -> Mode.HTTP;
            default -> throw use.error("expected tcp or http, got '" + use.arg(0) + "'");
        };
    }

    private static void balance(ProxySection section, Invocation use) throws ConfigException {
        for (Balance balance : Balance.values()) {
            if (balance.keyword().equals(use.arg(0))) {
                section.balance = balance;
                return;
            }
        }
        throw new ConfigException(use.file(), use.line(), "balance " + use.arg(0) + " is not supported by Sluice"
                + " (supported: roundrobin)");
    }
}
