package dev.sluice.cli;

import dev.sluice.backend.Backend;
import dev.sluice.config.Config;
import dev.sluice.config.FrontendConfig;
import dev.sluice.config.ServiceConfig;
import dev.sluice.http.Condition;
import dev.sluice.http.HttpRules;
import dev.sluice.loop.EventLoop;
import dev.sluice.session.AppletArena;
import dev.sluice.session.FrontendServices;
import dev.sluice.stats.ProcessView;
import dev.sluice.stats.PrometheusExporter;
import dev.sluice.stats.StatCsv;
import dev.sluice.stats.StatsPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One generation's applets: each loop's applet arena (carved with the
 * generation when any frontend has a stats page or a service, none
 * otherwise), the view of the process they read, and each frontend's
 * {@link FrontendServices}.
 *
 * <p>Not thread-safe: used while its generation is built.
 */
final class AppletWiring {
    final AppletArena[] arenas;
    final ProcessView view;
    private final List<EventLoop> eventLoops;

    AppletWiring(Config config, Generation.Loops loops, dev.sluice.net.TlsRecordArena[] tls) {
        boolean any = config.frontends().stream().anyMatch(f -> f.services().stats() != null
                || !f.services().services().isEmpty());
        eventLoops = loops.eventLoops();
        arenas = new AppletArena[any ? eventLoops.size() : 0];
        long started = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        view = new ProcessView(started, hostName(), Main.version());
        for (int i = 0; i < eventLoops.size(); i++) {
            EventLoop loop = eventLoops.get(i);
            if (any) {
                arenas[i] = new AppletArena(AppletArena.BUFFERS, config.global().bufsize(),
                        () -> loop.clock().nanoTime());
            }
            view.loop(new ProcessView.Loop(i, loop.counters(), loop.pool(), loops.counters(i),
                    any ? arenas[i] : null, i < tls.length ? tls[i] : null));
        }
    }

    /** What {@code f} answers itself; {@code backends} are the generation's, by name. */
    FrontendServices servicesOf(FrontendConfig f, Map<String, Backend> backends) {
        ServiceConfig s = f.services();
        if (!s.any()) {
            return FrontendServices.NONE;
        }
        List<FrontendServices.ServiceRule> rules = new ArrayList<>();
        for (ServiceConfig.Service service : s.services()) {
            // prometheus-exporter is the only service the configuration lets through.
            rules.add(new FrontendServices.ServiceRule(new PrometheusExporter(view), s.compile(service.condition())));
        }
        List<Condition> fail = s.monitorFail().stream().map(s::compile).toList();
        ServiceConfig.Stats st = s.stats();
        StatsPage page = st == null ? null : new StatsPage(view, new StatsPage.Options(st.uri(), st.refreshMillis(),
                st.auths(), st.realm(), st.hideVersion(), st.node(), st.description(), st.legends(), st.scopes()));
        HttpRules routes = f.httpRules();
        boolean reachesAServer = routes.backendNames().stream().map(backends::get)
                .anyMatch(b -> b != null && !b.servers().isEmpty());
        List<Condition> admin = st == null ? List.of() : st.admin().stream().map(s::compile).toList();
        return new FrontendServices(s.monitorUri(), fail, rules, st == null ? null : st.uri(), page, !reachesAServer,
                admin)
                .withArenas(arenas);
    }

    /** Fills the view with the generation's frontends, backends and checks, once they are built. */
    void fill(Generation g) {
        for (dev.sluice.runtime.ProxyControl.Frontend f : g.frontends) {
            view.frontend(new StatCsv.Frontend(f.name(), f.mode(), f.limit(), f.requests()));
        }
        g.backends.values().forEach(view::backend);
        g.stickTables.values().forEach(view::stickTable);
        view.checks(g.checks);
        // The stats page's "shutdown": each loop ends its own sessions using the server, when it next runs.
        // True when every loop took the work (an inbox can be full).
        view.shutdown(server -> {
            boolean all = true;
            for (EventLoop loop : eventLoops) {
                dev.sluice.session.SessionSet sessions = g.sessions.get(loop.id());
                try {
                    loop.execute(() -> sessions.abortUsing(server));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    all = false;
                }
            }
            return all;
        });
    }

    /** Bytes of every loop's applet arena. */
    long arenaBytes() {
        long n = 0;
        for (AppletArena a : arenas) {
            n += a.bytes();
        }
        return n;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
