package dev.sluice.config;

import java.util.List;

/**
 * The keywords of what a frontend answers itself: {@code monitor-uri},
 * {@code monitor fail}, {@code http-request use-service} and the stats
 * page's {@code stats ...}. They run in a frontend, a listen section, and
 * (for the values a defaults section may give) defaults; a backend's stats
 * page and services are refused with the alternative.
 *
 * <p>Stateless; safe from any thread.
 */
final class ServiceKeywords {
    /** The services {@code http-request use-service} knows. */
    static final List<String> SERVICES = List.of("prometheus-exporter");
    /** HAProxy's default stats URI. */
    static final String DEFAULT_STATS_URI = "/haproxy?stats";

    private ServiceKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        KeywordSink<ProxySection> front = keywords.proxies(Placement.FRONTEND_AND_DEFAULTS);
        front.single("monitor-uri", "<uri>", (p, use) -> p.services.monitorUri = uri(use))
                .flag("stats enable", (p, use) -> stats(p, use))
                .single("stats uri", "<prefix>", (p, use) -> stats(p, use).uri = uri(use))
                .single("stats refresh", "<time>", (p, use) -> stats(p, use).refreshMillis = use.timeMillis(use.arg(0)))
                .repeatable("stats auth", "<user>:<password>", 1, ServiceKeywords::auth)
                .single("stats realm", "<realm>", (p, use) -> stats(p, use).realm = use.arg(0))
                .flag("stats hide-version", (p, use) -> stats(p, use).hideVersion = true);
        front.add(new Keyword<>("stats show-node", "[<name>]", 0, 1, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (p, use) -> stats(p, use).node = use.args().isEmpty() ? "" : use.arg(0)));
        front.add(new Keyword<>("stats show-desc", "[<description>]", 0, 1, Keyword.Repeat.LAST_WINS,
                Support.IMPLEMENTED, (p, use) -> stats(p, use).description = use.args().isEmpty() ? "" : use.arg(0)));
        front.flag("stats show-legends", (p, use) -> stats(p, use).legends = true)
                .repeatable("stats scope", "<proxy>|.", 1, ServiceKeywords::scope);
        keywords.proxies(Placement.FRONTEND)
                .repeatable("monitor fail", "if|unless <condition>", 2, ServiceKeywords::monitorFail)
                .repeatable("stats admin", "if|unless <condition>", 2, ServiceKeywords::statsAdmin);
        keywords.proxies(Placement.FRONTEND_AND_BACKEND)
                .repeatable("http-request use-service", "prometheus-exporter [if|unless <condition>]", 1,
                        ServiceKeywords::useService);
    }

    private static String uri(Invocation use) throws ConfigException {
        String uri = use.arg(0);
        if (!uri.startsWith("/")) {
            throw use.error("expected a path starting with '/', got '" + uri + "'");
        }
        return uri;
    }

    /**
     * The stats page's settings, which any stats keyword turns on, as in HAProxy.
     * (In a backend these keywords never get here: the parser refuses them, see
     * {@code ConfigParser.misplaced}.)
     */
    private static ServiceSettings.StatsSettings stats(ProxySection p, Invocation use) {
        ServiceSettings s = p.services;
        if (s.stats == null) {
            s.stats = new ServiceSettings.StatsSettings();
        }
        return s.stats;
    }

    private static void auth(ProxySection p, Invocation use) throws ConfigException {
        String pair = use.arg(0);
        int colon = pair.indexOf(':');
        if (use.args().size() != 1 || colon <= 0) {
            throw use.error("expected <user>:<password>, got '" + String.join(" ", use.args()) + "'");
        }
        stats(p, use).auths.add(pair);
    }

    private static void scope(ProxySection p, Invocation use) throws ConfigException {
        if (use.args().size() != 1) {
            throw use.error("expected one proxy name, or '.' for this section");
        }
        stats(p, use).scopes.add(use.arg(0).equals(".") ? p.name : use.arg(0));
    }

    private static void monitorFail(ProxySection p, Invocation use) throws ConfigException {
        if (!use.arg(0).equals("if") && !use.arg(0).equals("unless")) {
            throw use.error("expected 'if' or 'unless' and a condition, got '" + use.arg(0) + "'");
        }
        p.services.monitorFail.add(RoutingKeywords.condition(p, use, 0));
    }

    /** {@code stats admin if|unless COND}: turns the page on, and its forms for the requests it admits. */
    private static void statsAdmin(ProxySection p, Invocation use) throws ConfigException {
        if (!use.arg(0).equals("if") && !use.arg(0).equals("unless")) {
            throw use.error("expected 'if' or 'unless' and a condition, got '" + use.arg(0) + "'");
        }
        stats(p, use).admin.add(RoutingKeywords.condition(p, use, 0));
    }

    private static void useService(ProxySection p, Invocation use) throws ConfigException {
        if (p.kind == ProxySection.Kind.BACKEND) {
            throw use.error("a service in a backend is not supported by Sluice; write the rule in the frontend or a"
                    + " listen section");
        }
        int end = RoutingKeywords.conditionStart(use, 0);
        String name = use.arg(0);
        if (end != 1) {
            throw use.error("expected one service name, then if or unless");
        }
        if (!SERVICES.contains(name)) {
            throw use.error("service '" + name + "' is not supported by Sluice (supported: "
                    + String.join(", ", SERVICES) + "); the stats page is 'stats uri'");
        }
        if (!p.http.httpRequestRules.isEmpty()) {
            throw use.error("Sluice runs 'http-request use-service' before the section's other http-request rules;"
                    + " write it before them (line " + p.http.httpRequestRules.get(0).line() + ")");
        }
        p.services.services.add(new ServiceConfig.Service(name, RoutingKeywords.condition(p, use, end), use.line()));
    }
}
