package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of {@link ServiceKeywords} in one proxy section while the file is
 * read; {@link #build()} makes the section's {@link ServiceConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServiceSettings {
    String monitorUri;
    final List<ConditionSpec> monitorFail = new ArrayList<>();
    final List<ServiceConfig.Service> services = new ArrayList<>();
    StatsSettings stats;

    /** The stats page's values. */
    static final class StatsSettings {
        String uri = ServiceKeywords.DEFAULT_STATS_URI;
        long refreshMillis;
        final List<String> auths = new ArrayList<>();
        String realm = "Sluice Statistics";
        boolean hideVersion;
        String node;
        String description;
        boolean legends;
        final List<String> scopes = new ArrayList<>();
        /** {@code stats admin if|unless COND}: the page's forms, for requests any of them admits. */
        final List<ConditionSpec> admin = new ArrayList<>();

        StatsSettings copy() {
            StatsSettings s = new StatsSettings();
            s.uri = uri;
            s.refreshMillis = refreshMillis;
            s.auths.addAll(auths);
            s.realm = realm;
            s.hideVersion = hideVersion;
            s.node = node;
            s.description = description;
            s.legends = legends;
            s.scopes.addAll(scopes);
            s.admin.addAll(admin);
            return s;
        }
    }

    /** Takes what a defaults section set (the monitor URI and the stats page; rules stay behind). */
    void inherit(ServiceSettings defaults) {
        monitorUri = defaults.monitorUri;
        stats = defaults.stats == null ? null : defaults.stats.copy();
    }

    ServiceConfig build() {
        ServiceConfig.Stats page = stats == null ? null : new ServiceConfig.Stats(stats.uri, stats.refreshMillis,
                stats.auths, stats.realm, stats.hideVersion, stats.node, stats.description, stats.legends,
                stats.scopes, stats.admin);
        return new ServiceConfig(monitorUri, monitorFail, services, page);
    }
}
