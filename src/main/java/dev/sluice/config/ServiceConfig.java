package dev.sluice.config;

import java.util.List;

/**
 * What a frontend answers itself: {@code monitor-uri} and {@code monitor fail},
 * {@code http-request use-service}, and the stats page's {@code stats ...}
 * keywords.
 *
 * @param monitorUri    {@code monitor-uri}, or null
 * @param monitorFail   the {@code monitor fail} conditions; the monitor URI answers 503 while any holds
 * @param services      the {@code http-request use-service} rules, in file order
 * @param stats         the stats page, or null when it is off
 */
public record ServiceConfig(String monitorUri, List<ConditionSpec> monitorFail, List<Service> services,
                            Stats stats) {
    public static final ServiceConfig NONE = new ServiceConfig(null, List.of(), List.of(), null);

    public ServiceConfig {
        monitorFail = List.copyOf(monitorFail);
        services = List.copyOf(services);
    }

    /** One {@code http-request use-service NAME [if|unless COND]} (the condition null for none). */
    public record Service(String name, ConditionSpec condition, int line) {
    }

    /**
     * The stats page.
     *
     * @param uri          the path prefix it answers at ({@code stats uri}; HAProxy's {@code /haproxy?stats} by default)
     * @param refreshMillis how often the page reloads itself, 0 for never
     * @param auths        {@code USER:PASSWORD} pairs that may see it; empty for anyone
     * @param realm        the basic authentication realm
     * @param hideVersion  the version is not shown
     * @param node         the node name shown ({@code stats show-node}), or null
     * @param description  the description shown ({@code stats show-desc}), or null
     * @param legends      {@code stats show-legends}: the page explains its columns
     * @param scopes       the proxies shown ({@code stats scope}); empty for all
     * @param admin        the {@code stats admin} conditions: a request any of them admits may change servers
     */
    public record Stats(String uri, long refreshMillis, List<String> auths, String realm, boolean hideVersion,
                        String node, String description, boolean legends, List<String> scopes,
                        List<ConditionSpec> admin) {
        public Stats {
            auths = List.copyOf(auths);
            scopes = List.copyOf(scopes);
            admin = List.copyOf(admin);
        }
    }

    /** Whether anything is answered here. */
    public boolean any() {
        return monitorUri != null || !services.isEmpty() || stats != null;
    }

    public dev.sluice.http.Condition compile(ConditionSpec spec) {
        return RuleCompiler.condition(spec);
    }
}
