package dev.sluice.cli;

import dev.sluice.backend.Backend;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferPool;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigParser;
import dev.sluice.config.Global;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.runtime.ProxyControl;
import dev.sluice.runtime.ServerStateFile;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionSet;
import dev.sluice.stats.Summary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A running proxy: the event loops with their pools, and the {@link
 * Generation} of the configuration in force (backends, frontends, acceptors),
 * with the listeners that hand it new connections.
 *
 * <p>Start-up carves every buffer; nothing grows afterwards. {@link #reload()}
 * reads the file again and, if it is valid and runs in the same loops and
 * buffers, makes a new generation current in the same process: listeners whose
 * address is unchanged keep their sockets (no connection is refused), new ones
 * open, removed ones close; sessions in flight finish under the generation they
 * began in, which then soft-stops, drains within {@code hard-stop-after} and is
 * dropped; server state carries over by backend and server name; the pools are
 * resized within the arena they were carved from. {@link #close()} is the
 * graceful stop.
 *
 * <p>Thread-safe: started, reloaded and stopped from control threads (the
 * signal handling, the runtime API), one at a time; the loops run on their own
 * threads.
 */
public final class Sluice implements AutoCloseable {
    /**
     * How long a keep-alive connection may sit idle between two requests
     * during a soft stop before it closes: long enough for a request sent the
     * moment the last response arrived to reach Sluice (it is then answered
     * with {@code Connection: close}), short enough not to hold a stop.
     */
    static final long SOFT_STOP_IDLE_GRACE_NANOS = 1_000_000_000L;
    /** How often a soft stop, or a replaced generation, looks again for sessions that ended or went idle. */
    private static final long SWEEP_MILLIS = 20;

    private final List<LoopState> loops = new ArrayList<>();
    /** What may not change without a restart: the loops and the size of their buffers. */
    private final Global fixed;
    private volatile Generation current;
    /** Generations a reload replaced, draining. */
    private final List<Generation> retiring = new CopyOnWriteArrayList<>();
    /** Guarded by {@code this}. */
    private final BoundListeners listeners = new BoundListeners();
    private final ScheduledExecutorService drainer;
    private final long startMillis = System.currentTimeMillis();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile boolean closed;

    private final Generation.Loops loopView = new Generation.Loops() {
        @Override
        public List<EventLoop> eventLoops() {
            return loops.stream().map(LoopState::loop).toList();
        }

        @Override
        public SessionCounters counters(int loop) {
            return loops.get(loop).counters();
        }

        @Override
        public IdleServerConnections idle(int loop) {
            return loops.get(loop).idle();
        }

        @Override
        public boolean closed() {
            return closed;
        }
    };

    private Sluice(Config config) {
        this.fixed = config.global();
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-drain");
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds and starts everything the configuration describes. */
    public static Sluice start(Config config) throws IOException {
        Sluice sluice = new Sluice(config);
        try {
            sluice.createLoops();
            Generation g = new Generation(1, config, sluice.loopView);
            for (LoopState l : sluice.loops) {
                // Before the loops run, their idle pools may be set from here.
                g.idleLimits(l.idle());
            }
            sluice.current = g;
            ReloadRules.restoreServerState(g, true);
            // The first checks are armed before the loops run.
            g.checks.start();
            for (LoopState l : sluice.loops) {
                l.loop().start();
            }
            sluice.listeners.open(g, sluice.loopView.eventLoops());
            g.startDiscovery(sluice::forgetIdle);
        } catch (IOException | RuntimeException e) {
            sluice.stopLoops();
            throw e;
        }
        sluice.drainer.scheduleWithFixedDelay(sluice::drainRetired, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        return sluice;
    }

    private void createLoops() throws IOException {
        for (int i = 0; i < fixed.nbthread(); i++) {
            loops.add(LoopState.create(i, fixed, this::generations));
        }
    }

    // --- reload ---

    /** What a reload did: whether the new file runs now, and what to say about it, one line each. */
    public record Reload(boolean applied, List<String> messages) {
    }

    /**
     * Reads the configuration file again and runs it. An invalid file, or one
     * that needs a restart (another {@code nbthread} or {@code tune.bufsize}, a
     * {@code tune.buffers.limit} above the arena carved at start, an address
     * that cannot be bound), changes nothing: the old configuration keeps
     * running, the reason is returned with FILE:LINE, and the failure is
     * counted.
     */
    public synchronized Reload reload() {
        try {
            return reloadNow();
        } catch (RuntimeException e) {
            // A loop that did not answer in time (its inbox full, or stuck): say so rather than end the caller.
            return failed(List.of("sluice: reload failed: " + e.getMessage() + (e.getCause() == null ? ""
                    : " (" + e.getCause() + ")")));
        }
    }

    private Reload reloadNow() {
        Generation old = current;
        if (closed) {
            return failed(List.of("sluice: reload refused: stopping"));
        }
        Config next;
        try {
            next = ConfigParser.parse(old.config.file());
        } catch (ConfigException e) {
            List<String> m = new ArrayList<>(e.messages());
            m.add(0, "sluice: reload of " + old.config.file() + " refused; the configuration in force stays:");
            return failed(m);
        } catch (IOException e) {
            return failed(List.of("sluice: reload refused: cannot read " + old.config.file() + ": " + e.getMessage()));
        }
        List<String> messages = new ArrayList<>(next.warnings());
        String incompatible = ReloadRules.needsRestart(fixed, next.global());
        if (incompatible != null) {
            return failed(List.of("sluice: reload of " + next.file() + " refused; the configuration in force stays: "
                    + incompatible));
        }
        if (!next.process().equals(old.config.process())) {
            messages.add("sluice: reload: the process settings (daemon, pidfile, user, group, chroot, ulimit-n, stats"
                    + " socket) changed; they take effect at the next restart");
        }
        Generation g = new Generation(old.number + 1, next, loopView);
        for (LoopState l : loops) {
            l.loop().call(() -> {
                g.idleLimits(l.idle());
                return null;
            });
        }
        // Server state carries over by backend and server name, through the server-state-file's format.
        String state = ServerStateFile.render(old.backendList(), null);
        messages.addAll(ServerStateFile.apply(state, g.backendList(), false));
        ReloadRules.saveServerState(state, next, messages);
        g.takeAddressesFrom(old);
        try {
            listeners.open(g, loopView.eventLoops());
        } catch (IOException | RuntimeException e) {
            return failed(List.of("sluice: reload of " + next.file() + " refused; the configuration in force stays:"
                    + " cannot listen: " + e.getMessage()));
        }
        for (LoopState l : loops) {
            BufferPool pool = l.loop().pool();
            l.loop().call(() -> {
                pool.resize(next.global().buffersPerLoop(), next.global().buffersReserve());
                return null;
            });
        }
        listeners.handTo(g);
        try {
            g.startDiscovery(this::forgetIdle);
        } catch (IOException e) {
            messages.add("sluice: reload: cannot start DNS discovery (" + e + "); resolved servers keep their"
                    + " addresses");
        }
        old.stopDiscovery();
        for (LoopState l : loops) {
            EventLoop loop = l.loop();
            // The new configuration's checks begin; the old one's end, each on its loop.
            loop.call(() -> {
                g.checks.start(loop);
                old.checks.stop(loop);
                return null;
            });
        }
        current = g;
        old.retiredAt = System.nanoTime();
        retiring.add(old);
        sweep(old);
        reloads.incrementAndGet();
        messages.add(0, "sluice: reloaded " + next.file() + " (generation " + g.number + "); "
                + old.openSessions() + " sessions finish under the previous one");
        return new Reload(true, messages);
    }

    private Reload failed(List<String> messages) {
        reloadFailures.incrementAndGet();
        return new Reload(false, messages);
    }

    /** Sweeps the generations a reload replaced; drops the drained ones; aborts what outlived hard-stop-after. */
    private void drainRetired() {
        try {
            for (Generation g : retiring) {
                if (g.openSessions() == 0) {
                    retiring.remove(g);
                    forget(g);
                } else if (System.nanoTime() - g.retiredAt > g.config.global().hardStopAfterMillis() * 1_000_000L) {
                    for (LoopState l : loops) {
                        SessionSet s = g.sessions.get(l.loop().id());
                        l.loop().execute(s::abortAll);
                    }
                } else {
                    sweep(g);
                }
            }
        } catch (RuntimeException e) {
            // A loop's inbox full or stopped: the next pass tries again.
            System.err.println("sluice: draining a replaced configuration: " + e);
        }
    }

    /** A drained generation's servers leave every loop's pools of idle connections. */
    private void forget(Generation g) {
        for (LoopState l : loops) {
            IdleServerConnections idle = l.idle();
            l.loop().execute(() -> g.serverConfigs.keySet().forEach(idle::forget));
        }
        // Its sessions are gone: what they logged is written, then its writer stops.
        g.logging.close();
    }

    // --- reading ---

    /** The addresses the listeners are bound to (a port 0 in the file becomes the real one). */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.addresses();
    }

    public Backend backend(String name) {
        return current.backends.get(name);
    }

    /** Every health check of the configuration in force, with its counters. */
    public dev.sluice.backend.HealthChecks healthChecks() {
        return current.checks;
    }

    /** The configuration in force. */
    public Config config() {
        return current.config;
    }

    List<Generation> generations() {
        List<Generation> all = new ArrayList<>(retiring);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    Generation current() {
        return current;
    }

    long startMillis() {
        return startMillis;
    }

    long reloads() {
        return reloads.get();
    }

    long reloadFailures() {
        return reloadFailures.get();
    }

    /** Open sessions over every loop and generation. */
    public int openSessions() {
        int n = 0;
        for (Generation g : generations()) {
            n += g.openSessions();
        }
        return n;
    }

    /** Runs {@code work} on each loop, on its own thread, and gathers the answers. */
    <T> List<T> onEveryLoop(java.util.function.BiFunction<Integer, EventLoop, T> work) {
        List<T> out = new ArrayList<>();
        for (LoopState l : loops) {
            out.add(l.loop().call(() -> work.apply(l.loop().id(), l.loop())));
        }
        return out;
    }

    /** The idle connections of {@code server} are closed on every loop (its address changed, or it went away). */
    void forgetIdle(Server server) {
        for (LoopState l : loops) {
            IdleServerConnections idle = l.idle();
            l.loop().execute(() -> idle.forget(server));
        }
    }

    private void addLoop(Summary.Builder b, LoopState l) {
        b.addLoop(l.loop().counters(), l.loop().pool(), l.counters());
        IdleServerConnections idle = l.idle();
        b.addIdleServerConnections(idle.parked(), idle.closedWhileIdle(), idle.purged(), idle.idleCount());
    }

    /** A consistent reading of every counter, each loop read on its own thread, then summed. */
    public Summary summary() {
        Summary.Builder b = new Summary.Builder();
        for (LoopState l : loops) {
            if (closed && !l.loop().isRunning()) {
                addLoop(b, l);
            } else {
                l.loop().call(() -> {
                    addLoop(b, l);
                    return null;
                });
            }
        }
        for (LoopState l : loops) {
            b.addLoopAllocation(l.loop().allocatedBytes());
        }
        Generation g = current;
        for (Backend backend : g.backends.values()) {
            b.addBackend(backend);
        }
        for (ProxyControl.Frontend f : g.frontends) {
            b.addFrontend(f.limit());
        }
        b.addHealthChecks(g.checks);
        b.addAppletArenas(g.applets.arenaBytes());
        b.addTlsArenas(g.tls.arenas());
        b.addStickTables(g.stickTables.values());
        return b.build();
    }

    /** Runs {@code check} on every loop's pool, on its own thread (tests: "every buffer is back"). */
    public List<PoolReading> pools() {
        return onEveryLoop((id, loop) -> PoolReading.of(id, loop.pool()));
    }

    /** The applet arenas of the configuration in force, each read on its loop (none without applets). */
    public List<PoolReading> appletArenas() {
        Generation g = current;
        return onEveryLoop((id, loop) -> id < g.applets.arenas.length ? PoolReading.of(id, g.applets.arenas[id].pool())
                : new PoolReading(id, 0, 0, 0, 0));
    }

    /** One pool's state, read on its loop. */
    public record PoolReading(int loop, int size, int free, int waiting, int peakInUse) {
        /** Reads {@code p} on its loop, after checking its invariants. */
        static PoolReading of(int loop, BufferPool p) {
            p.checkInvariants();
            return new PoolReading(loop, p.size(), p.free(), p.waitingTotal(), p.peakInUse());
        }
    }

    // --- stopping ---

    /**
     * Stops accepting new sessions; open ones go on. Returns once every
     * listening socket is closed, so that a client whose connection the soft
     * stop ends is refused when it reconnects, not accepted into a backlog
     * that the close would then reset.
     */
    public void stopAccepting() {
        closed = true;
        listeners.closeAll(loopView.eventLoops());
    }

    /**
     * The soft stop (SIGUSR1; SIGTERM and SIGINT too): stop accepting, then
     * every session ends after its current exchange, an HTTP response in
     * flight saying {@code Connection: close}. See {@link SessionSet#softStop}.
     */
    public void softStop() {
        stopAccepting();
        for (Generation g : generations()) {
            sweep(g);
        }
    }

    /** Closes the sessions of {@code g} whose idle time passed the grace; each loop walks its own set. */
    private void sweep(Generation g) {
        for (LoopState l : loops) {
            SessionSet sessions = g.sessions.get(l.loop().id());
            Loop loop = l.loop();
            try {
                loop.execute(() -> sessions.softStop(loop.clock().nanoTime(), SOFT_STOP_IDLE_GRACE_NANOS));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Counted by the loop (inbox_full); the sweep comes again next round, 20 ms later.
            }
        }
    }

    /**
     * After {@link #softStop()}: waits until no session is open, the deadline
     * passes, or {@code stopNow} says to stop at once. Returns whether every
     * session ended by itself.
     */
    public boolean drain(long deadlineNanos, BooleanSupplier stopNow) {
        while (openSessions() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0 || stopNow.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            for (Generation g : generations()) {
                sweep(g);
            }
        }
        return true;
    }

    /** Aborts every session still open and stops the loops. */
    public void hardStop() {
        stopLoops();
    }

    /**
     * The graceful stop: the soft stop, then up to {@code hard-stop-after} for
     * open sessions to finish, then the hard stop of what is left.
     */
    @Override
    public void close() {
        softStop();
        drain(System.nanoTime() + current.config.global().hardStopAfterMillis() * 1_000_000L, () -> false);
        stopLoops();
    }

    private void stopLoops() {
        closed = true;
        drainer.shutdownNow();
        for (Generation g : generations()) {
            g.stopDiscovery();
        }
        for (LoopState l : loops) {
            l.loop().stop();
        }
        for (Generation g : generations()) {
            g.logging.close();
        }
    }
}
