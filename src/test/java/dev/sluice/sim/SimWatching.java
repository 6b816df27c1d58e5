package dev.sluice.sim;

import dev.sluice.http.Condition;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.HttpRules;
import dev.sluice.session.AppletArena;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.FrontendServices;
import dev.sluice.session.HttpFrontend;
import dev.sluice.session.HttpRouting;
import dev.sluice.session.HttpSession;
import dev.sluice.session.HttpTimeouts;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionSet;
import dev.sluice.stats.ProcessView;
import dev.sluice.stats.PrometheusExporter;
import dev.sluice.stats.StatsPage;
import java.util.List;
import java.util.Map;

/**
 * The watch frontends of a simulated run: one answers every request with the
 * Prometheus exporter, one with the stats page at {@code /stats}; both serve
 * themselves from the loops' applet arenas, as a listen section of Sluice's
 * with only services does. Watchers connect to them at their times.
 */
final class SimWatching {
    private SimWatching() {
    }

    static void start(SimRun run, List<String> targets, List<Long> times, HttpLimits limits, int bufsize) {
        SimWorld world = run.world;
        List<SimLoop> loops = world.loops();
        AppletArena[] arenas = new AppletArena[loops.size()];
        ProcessView view = new ProcessView(0, "sim", "sim");
        for (int i = 0; i < loops.size(); i++) {
            SimLoop loop = loops.get(i);
            arenas[i] = new AppletArena(AppletArena.BUFFERS, bufsize, world::now);
            view.loop(new ProcessView.Loop(i, loop.counters(), loop.pool(), run.sessionCounters.get(i), arenas[i]));
        }
        run.backends.forEach(view::backend);
        run.arenas = arenas;
        FrontendServices metrics = new FrontendServices(null, List.of(), List.of(new FrontendServices.ServiceRule(
                new PrometheusExporter(view), Condition.always())), null, null, true, List.of()).withArenas(arenas);
        FrontendServices stats = new FrontendServices(null, List.of(), List.of(), "/stats", new StatsPage(view,
                new StatsPage.Options("/stats", 0, List.of(), "sim", false, null, null, false, List.of())), true,
                List.of(Condition.always())).withArenas(arenas);
        HttpFrontend metricsFrontend = frontend("metrics", limits).withServices(metrics);
        HttpFrontend statsFrontend = frontend("stats", limits).withServices(stats);
        SessionSet sessions = new SessionSet();
        for (int w = 0; w < times.size(); w++) {
            String target = targets.get(w);
            SimWatcher watcher = new SimWatcher(world, target);
            run.watchers.add(watcher);
            int loopIndex = w % loops.size();
            SimLoop loop = loops.get(loopIndex);
            HttpFrontend frontend = target.startsWith("/stats") ? statsFrontend : metricsFrontend;
            world.at(times.get(w), () -> {
                SimConnection[] pair = SimConnection.pair(world, "watcher" + run.watchers.indexOf(watcher),
                        SimLink.draw(world.random(), 20_000L, 100_000L, 100_000L, 512, 2048, 4096), loop, watcher);
                int waiting = 0;
                for (SimLoop l : loops) {
                    waiting += l.pool().waitingTotal();
                }
                watcher.start(pair[1], waiting);
                loop.execute(() -> {
                    if (frontend.limit().tryEnter()) {
                        HttpSession.start(loop, run.connectors.get(loopIndex), frontend, sessions,
                                new SessionCounters(), run.idle.get(loopIndex), pair[0]);
                    }
                });
            });
        }
    }

    private static HttpFrontend frontend(String name, HttpLimits limits) {
        return new HttpFrontend(name, HttpRouting.to(null), HttpRules.NONE, 0, new HttpTimeouts(0, 0), Map.of(), limits,
                false, false, new ConnectionLimit(name, 0));
    }

}
