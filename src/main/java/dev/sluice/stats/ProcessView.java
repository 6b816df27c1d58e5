package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthChecks;
import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.AppletArena;
import dev.sluice.session.SessionCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * What the exporter and the stats page read of the running proxy: every
 * loop's counters, pool and applet arena, the frontends, the backends with
 * their servers, and the health checks.
 *
 * <p>They read it from whichever loop runs the applet, without a lock and
 * without asking the other loops: the loops' counters are plain fields
 * written by one thread each (a read sees a recent value; a 64-bit field is
 * never torn on the JVMs Sluice runs on), and what backends and servers
 * publish is atomic or volatile. A scrape is therefore a snapshot read, a
 * little older for some counters than for others, and never waits.
 *
 * <p>Filled at start-up (and for each reloaded configuration) before any
 * session can read it; only read afterwards.
 */
public final class ProcessView {
    /** One loop's figures; {@code tls} is its TLS record arena, null when nothing speaks TLS. */
    public record Loop(int id, LoopCounters counters, BufferPool pool, SessionCounters sessions, AppletArena arena,
                       dev.sluice.net.TlsRecordArena tls) {
        public Loop(int id, LoopCounters counters, BufferPool pool, SessionCounters sessions, AppletArena arena) {
            this(id, counters, pool, sessions, arena, null);
        }
    }

    final List<Loop> loops = new ArrayList<>();
    final List<StatCsv.Frontend> frontends = new ArrayList<>();
    final List<Backend> backends = new ArrayList<>();
    final List<dev.sluice.stick.StickTable> stickTables = new ArrayList<>();
    HealthChecks checks;
    /**
     * Ends the sessions using a server on every loop, without waiting
     * ({@code shutdown} on the stats page); false when a loop's inbox was full.
     */
    java.util.function.Predicate<dev.sluice.backend.Server> shutdown = s -> false;
    final long startedAtMillis;
    final String node;
    final String version;

    public ProcessView(long startedAtMillis, String node, String version) {
        this.startedAtMillis = startedAtMillis;
        this.node = node;
        this.version = version;
    }

    public ProcessView loop(Loop l) {
        loops.add(l);
        return this;
    }

    public ProcessView frontend(StatCsv.Frontend f) {
        frontends.add(f);
        return this;
    }

    public ProcessView backend(Backend b) {
        backends.add(b);
        return this;
    }

    public ProcessView stickTable(dev.sluice.stick.StickTable t) {
        stickTables.add(t);
        return this;
    }

    public List<dev.sluice.stick.StickTable> stickTables() {
        return stickTables;
    }

    public ProcessView checks(HealthChecks c) {
        checks = c;
        return this;
    }

    public ProcessView shutdown(java.util.function.Predicate<dev.sluice.backend.Server> s) {
        shutdown = s;
        return this;
    }

    public List<Loop> loops() {
        return loops;
    }

    public List<Backend> backends() {
        return backends;
    }
}
