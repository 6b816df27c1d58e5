package dev.sluice.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The keywords every proxy is made of: the process and pool settings of
 * {@code global}, and a proxy's mode, limits, timeouts, listeners, backend and
 * servers.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class CoreKeywords {
    /** The largest {@code nbthread}: one event loop per thread, and far more loops than cores only adds cost. */
    static final int MAX_NBTHREAD = 4096;
    /** The largest {@code tune.buffers.reserve}: far above any useful value, low enough that sums stay in an int. */
    static final int MAX_BUFFERS_RESERVE = 1 << 20;

    private CoreKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.global()
                .single("nbthread", "<number>", (g, use) -> g.nbthread = use.number(use.arg(0), 1, MAX_NBTHREAD))
                // As in HAProxy, a second global maxconn is ignored, with a warning.
                .add(new Keyword<>("maxconn", "<number>", 1, 1, Keyword.Repeat.FIRST_WINS, Support.IMPLEMENTED,
                        (g, use) -> g.maxconn = use.number(use.arg(0), 1, Integer.MAX_VALUE)));
        keywords.global()
                .single("tune.bufsize", "<bytes>",
                        (g, use) -> g.bufsize = use.number(use.arg(0), 1, Integer.MAX_VALUE))
                .single("tune.buffers.limit", "<number>",
                        (g, use) -> g.buffersLimit = use.number(use.arg(0), 1, Integer.MAX_VALUE))
                .single("tune.buffers.memory", "<size>", (g, use) -> g.buffersMemory = use.size(use.arg(0),
                        1L << 40))
                .single("tune.buffers.reserve", "<number>",
                        (g, use) -> g.buffersReserve = use.number(use.arg(0), 0, MAX_BUFFERS_RESERVE))
                .single("tune.maxrewrite", "<bytes>",
                        (g, use) -> g.maxrewrite = use.number(use.arg(0), 0, Integer.MAX_VALUE))
                .single("tune.http.maxhdr", "<number>", (g, use) -> g.httpMaxHeaders = use.number(use.arg(0), 1,
                        Global.MAX_HTTP_MAX_HEADERS))
                .single("hard-stop-after", "<time>", (g, use) -> g.hardStopAfterMillis = use.timeMillis(use.arg(0)));

        keywords.proxies(Placement.EVERY_PROXY).single("mode", "tcp|http", CoreKeywords::mode);
        keywords.proxies(Placement.FRONTEND_AND_DEFAULTS).single("maxconn", "<number>",
                (p, use) -> p.maxconn = use.number(use.arg(0), 1, Integer.MAX_VALUE));
        for (TimeoutKind timeout : TimeoutKind.values()) {
            Placement where = timeout.inFrontend() && timeout.inBackend() ? Placement.EVERY_PROXY
                    : timeout.inFrontend() ? Placement.FRONTEND_AND_DEFAULTS : Placement.BACKEND_AND_DEFAULTS;
            keywords.proxies(where).single(timeout.keyword(), "<time>",
                    (p, use) -> p.timeouts[timeout.ordinal()] = use.timeMillis(use.arg(0)));
        }
        keywords.proxies(Placement.FRONTEND).repeatable("bind", "<address>:<port> [options]", 1, CoreKeywords::bind);
        keywords.proxies(Placement.FRONTEND_AND_DEFAULTS).single("default_backend", "<backend name>",
                (p, use) -> p.defaultBackend = use.arg(0));
        keywords.proxies(Placement.BACKEND).repeatable("server", "<name> <address>[:<port>] [options]", 2,
                CoreKeywords::server);
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS).repeatable("default-server", "[options]", 0,
                CoreKeywords::defaultServer);
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS).option("option tcp-smart-connect",
                (p, use) -> p.smartConnect = true, (p, use) -> p.smartConnect = false);
        // SO_KEEPALIVE, as HAProxy's options: tcpka asks for it on whichever sides the section has.
        keywords.proxies(Placement.EVERY_PROXY).option("option tcpka", (p, use) -> {
            p.clientKeepAlive = true;
            p.serverKeepAlive = true;
        }, (p, use) -> {
            p.clientKeepAlive = false;
            p.serverKeepAlive = false;
        });
        keywords.proxies(Placement.FRONTEND_AND_DEFAULTS).option("option clitcpka",
                (p, use) -> p.clientKeepAlive = true, (p, use) -> p.clientKeepAlive = false);
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS).option("option srvtcpka",
                (p, use) -> p.serverKeepAlive = true, (p, use) -> p.serverKeepAlive = false);

        keywords.server()
                .single("maxconn", "<number>", (s, use) -> s.maxconn = use.number(use.arg(0), 0, Integer.MAX_VALUE))
                .single("maxqueue", "<number>", (s, use) -> s.maxqueue = use.number(use.arg(0), 0, Integer.MAX_VALUE))
                .single("pool-purge-delay", "<time>", (s, use) -> s.poolPurgeDelayMillis = use.timeMillis(use.arg(0)))
                .single("pool-max-conn", "<number>", CoreKeywords::poolMaxConn);

        keywords.bind()
                .single("name", "<name>", (b, use) -> b.name = use.arg(0))
                .flag("v4v6", (b, use) -> b.v4v6 = true)
                .flag("v6only", (b, use) -> b.v6only = true)
                .flag("defer-accept", (b, use) -> b.deferAccept = true)
                .flag("tfo", (b, use) -> b.fastOpen = true)
                .flag("accept-proxy", (b, use) -> b.acceptProxy = true);
    }

    private static void bind(ProxySection section, Invocation use) throws ConfigException {
        BindOptions options = new BindOptions();
        options(Keywords.BIND, options, use, 1, "bind " + use.arg(0));
        bindAddresses(section, use, use.arg(0), options);
    }

    /** Adds one listener per address of a comma-separated list, each with the same options. */
    static void bindAddresses(ProxySection section, Invocation use, String list, BindOptions options)
            throws ConfigException {
        for (String one : list.split(",", -1)) {
            if (one.isEmpty()) {
                throw use.error("an empty address in the list '" + list + "'");
            }
            section.binds.add(options.build(use.address(one, 0), use.line()));
        }
    }

    private static void server(ProxySection section, Invocation use) throws ConfigException {
        String name = use.arg(0);
        for (ServerConfig other : section.servers) {
            if (other.name().equals(name)) {
                throw use.error("server '" + name + "' is already defined in " + section.describe()
                        + " at line " + other.line() + "; give each server a name of its own");
            }
        }
        // Each server starts from what the default-server lines above it said, as in HAProxy.
        ServerOptions options = new ServerOptions(section.defaultServer);
        options(Keywords.SERVER, options, use, 2, "server " + name);
        // After the options: with 'resolvers' a host name is resolved at run time, not now.
        DiscoveryKeywords.Resolved target = DiscoveryKeywords.address(use, use.arg(1), options);
        section.servers.add(options.build(name, target.address(), target.hostname(), null, use.line()));
    }

    /** {@code default-server [options]}: the options the server lines below it start from. */
    private static void defaultServer(ProxySection section, Invocation use) throws ConfigException {
        ServerOptions options = new ServerOptions(section.defaultServer);
        options(Keywords.SERVER, options, use, 0, "default-server");
        section.defaultServer = options;
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
     * {@code table} and followed by as many values as its keyword takes;
     * {@code no-NAME} undoes an option that can be undone (one a default-server
     * line set). An option not in the table is refused by name; one given twice
     * takes its last value, with a warning.
     */
    static <T> void options(KeywordTable<T> table, T target, Invocation use, int from, String what)
            throws ConfigException {
        Set<String> given = new HashSet<>();
        int i = from;
        while (i < use.args().size()) {
            String name = use.arg(i);
            Keyword<T> option = table.get(name);
            if (option == null && name.startsWith("no-") && table.get(name.substring(3)) != null
                    && table.get(name.substring(3)).negation() != null) {
                table.get(name.substring(3)).negation().apply(target, use.option(what + " " + name, List.of()));
                i++;
                continue;
            }
            if (option == null) {
                String reason = RefusedKeywords.option(table.section(), name);
                throw new ConfigException(use.file(), use.line(), what + ": '" + name + "' is not supported by Sluice"
                        + (reason == null ? "" : ": " + reason));
            }
            if (!given.add(name) && !option.repeatable()) {
                use.warn("'" + name + "' is given twice on the line; its last value wins");
            }
            int values = option.maxArgs();
            if (i + values >= use.args().size()) {
                throw new ConfigException(use.file(), use.line(), what + ": '" + name + "' needs a value: "
                        + name + " " + option.usage());
            }
            option.directive().apply(target, use.option(what + " " + name,
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
}
