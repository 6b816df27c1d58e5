package dev.sluice.config;

import java.util.List;
import java.util.function.Consumer;

/**
 * Every keyword Sluice accepts, one table per kind of section, filled by the
 * features listed in {@link #FEATURES}. A keyword absent from these tables is
 * refused with "not supported by Sluice"; docs/configuration.md lists the same
 * keywords, and a test keeps the two equal.
 *
 * <p>The tables are built once and only read: safe to share between threads.
 */
final class Keywords {
    /**
     * Each feature's keyword declarations, in the order docs/configuration.md
     * and the messages list them. A new feature adds its {@code register} here,
     * and nothing else in this file.
     */
    static final List<Consumer<KeywordRegistry>> FEATURES = List.of(
            CoreKeywords::register,
            ProcessKeywords::register,
            DiscoveryKeywords::register,
            RoutingKeywords::register,
            HttpKeywords::register,
            StickKeywords::register,
            LogKeywords::register,
            BalanceKeywords::register,
            CookieKeywords::register,
            CheckKeywords::register,
            ProxyProtocolKeywords::register,
            ServiceKeywords::register,
            TlsKeywords::register,
            ServerTlsKeywords::register);

    private static final KeywordRegistry REGISTRY = build();

    static final KeywordTable<GlobalSection> GLOBAL = REGISTRY.globalTable();
    static final KeywordTable<ProxySection> DEFAULTS = REGISTRY.proxyTable(ProxySection.Kind.DEFAULTS);
    static final KeywordTable<ProxySection> FRONTEND = REGISTRY.proxyTable(ProxySection.Kind.FRONTEND);
    static final KeywordTable<ProxySection> LISTEN = REGISTRY.proxyTable(ProxySection.Kind.LISTEN);
    static final KeywordTable<ProxySection> BACKEND = REGISTRY.proxyTable(ProxySection.Kind.BACKEND);
    /** Options after {@code server NAME ADDR:PORT} and {@code default-server}. */
    static final KeywordTable<ServerOptions> SERVER = REGISTRY.serverTable();
    /** Options after {@code bind ADDR:PORT}. */
    static final KeywordTable<BindOptions> BIND = REGISTRY.bindTable();
    /** Lines of a {@code resolvers} section. */
    static final KeywordTable<ResolversSection> RESOLVERS = REGISTRY.resolversTable();
    /** Lines of an {@code http-errors} section. */
    static final KeywordTable<HttpErrorsSection> HTTP_ERRORS = REGISTRY.httpErrorsTable();

    /**
     * Every table docs/configuration.md lists, in its order. A listen section
     * takes exactly what a frontend or a backend takes, so the doc says so once
     * instead of listing it.
     */
    static final List<KeywordTable<?>> ALL = List.of(GLOBAL, DEFAULTS, FRONTEND, BACKEND, SERVER, BIND, RESOLVERS,
            HTTP_ERRORS);

    /** The tables of the sections a file has headers for, for "belongs in another section" messages. */
    static final List<KeywordTable<?>> SECTIONS = List.of(GLOBAL, DEFAULTS, FRONTEND, LISTEN, BACKEND, RESOLVERS,
            HTTP_ERRORS);

    private Keywords() {
    }

    private static KeywordRegistry build() {
        KeywordRegistry registry = new KeywordRegistry();
        for (Consumer<KeywordRegistry> feature : FEATURES) {
            feature.accept(registry);
        }
        return registry;
    }

    /** The table of a proxy section's kind. */
    static KeywordTable<ProxySection> of(ProxySection.Kind kind) {
        return REGISTRY.proxyTable(kind);
    }
}
