package dev.sluice.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The tables every feature's keywords go into, as HAProxy's {@code cfg_register_keywords}
 * collects the keyword lists each of its files declares: a feature's file
 * ({@code HttpKeywords}, ...) has a {@code register(KeywordRegistry)} method,
 * and {@link Keywords#FEATURES} lists those methods once.
 *
 * <p>Filled on one thread while {@link Keywords} initialises, then only read.
 */
final class KeywordRegistry {
    private final KeywordTable<GlobalSection> global = new KeywordTable<>("global");
    private final Map<ProxySection.Kind, KeywordTable<ProxySection>> proxies = new EnumMap<>(ProxySection.Kind.class);
    private final KeywordTable<ServerOptions> server = new KeywordTable<>("server");
    private final KeywordTable<BindOptions> bind = new KeywordTable<>("bind");
    private final KeywordTable<ResolversSection> resolvers = new KeywordTable<>("resolvers");
    private final KeywordTable<HttpErrorsSection> httpErrors = new KeywordTable<>("http-errors");

    KeywordRegistry() {
        for (ProxySection.Kind kind : ProxySection.Kind.values()) {
            proxies.put(kind, new KeywordTable<>(kind.word));
        }
    }

    /** Keywords of the {@code global} section. */
    KeywordSink<GlobalSection> global() {
        return global;
    }

    /**
     * Keywords of the proxy sections {@code where} names; the directive runs on
     * the section being read, a defaults section included.
     */
    KeywordSink<ProxySection> proxies(Placement where) {
        List<KeywordTable<ProxySection>> tables = new ArrayList<>();
        proxies.forEach((kind, table) -> {
            if (where.includes(kind)) {
                tables.add(table);
            }
        });
        return keyword -> tables.forEach(table -> table.add(keyword));
    }

    /**
     * Options of a {@code server} line, shared with {@code default-server}: each
     * option is its name, then {@code maxArgs} values (0 for a flag).
     */
    KeywordSink<ServerOptions> server() {
        return server;
    }

    /** Options of a {@code bind} line, after its address, in the same shape as server options. */
    KeywordSink<BindOptions> bind() {
        return bind;
    }

    /** Keywords of a {@code resolvers} section. */
    KeywordSink<ResolversSection> resolvers() {
        return resolvers;
    }

    KeywordTable<ResolversSection> resolversTable() {
        return resolvers;
    }

    /** Lines of an {@code http-errors} section. */
    KeywordSink<HttpErrorsSection> httpErrors() {
        return httpErrors;
    }

    KeywordTable<HttpErrorsSection> httpErrorsTable() {
        return httpErrors;
    }

    KeywordTable<GlobalSection> globalTable() {
        return global;
    }

    KeywordTable<ProxySection> proxyTable(ProxySection.Kind kind) {
        return proxies.get(kind);
    }

    KeywordTable<ServerOptions> serverTable() {
        return server;
    }

    KeywordTable<BindOptions> bindTable() {
        return bind;
    }
}
