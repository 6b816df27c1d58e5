package dev.sluice.backend;

import dev.sluice.loop.Loop;
import dev.sluice.net.Connector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every health check of the process: which loop runs which check, each
 * loop's {@link CheckArena}, and the start-up spread.
 *
 * <p>Checks are dealt to the loops in turn. Each loop's arena is carved here,
 * at start-up, with exactly the buffers its checks need, and never grows. The
 * first checks start spread over the smallest interval among them (counting
 * only intervals of at least a second), the k-th of n at {@code k/n} of it, as
 * HAProxy starts them, so that they do not all fire at once.
 *
 * <p>Thread-safe to read; {@link #start()} and {@link #stop(Loop)} follow the
 * loop rules (before the loops run, or on the loop's own thread).
 */
public final class HealthChecks {
    /** HAProxy's threshold under which an interval does not dictate the start-up spread: 1 second. */
    static final long SPREAD_THRESHOLD_MILLIS = 1000;

    /**
     * One server to check.
     *
     * @param server the server, already in its backend
     * @param check its backend's script
     * @param options its own check options
     */
    public record Planned(Server server, HealthCheckSpec check, ServerCheckSpec options) {
        public Planned {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(options, "options");
        }
    }

    private final List<HealthCheck> checks;
    private final List<Loop> loops;
    private final List<CheckArena> arenas;
    private final long[] startDelays;

    /** Per loop, the record arena of its checks over TLS, or null. */
    private dev.sluice.net.TlsRecordArena[] records = new dev.sluice.net.TlsRecordArena[0];

    private HealthChecks(List<HealthCheck> checks, List<Loop> loops, List<CheckArena> arenas, long[] startDelays) {
        this.checks = checks;
        this.loops = loops;
        this.arenas = arenas;
        this.startDelays = startDelays;
    }

    /**
     * Carves the arenas and builds the checks; nothing runs before {@link #start()}.
     *
     * @param connectors one per loop, in the same order
     * @param bufsize {@code tune.bufsize}: the size of a check's read buffer
     * @param spreadPercent {@code spread-checks}
     */
    public static HealthChecks create(List<Planned> planned, List<? extends Loop> loops, List<? extends Connector> connectors,
                                      int bufsize, int spreadPercent) {
        if (loops.size() != connectors.size() || loops.isEmpty()) {
            throw new IllegalArgumentException("one connector per loop, and at least one loop");
        }
        int n = loops.size();
        int[] buffers = new int[n];
        int[] tlsChecks = new int[n];
        int size = bufsize;
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            buffers[i % n] += CheckArena.buffersFor(p.check(), p.options());
            size = Math.max(size, CheckArena.bufferSizeFor(p.check(), bufsize));
            if (p.server().checkTls() != null) {
                tlsChecks[i % n]++;
            }
        }
        List<CheckArena> arenas = new ArrayList<>();
        dev.sluice.net.TlsRecordArena[] records = new dev.sluice.net.TlsRecordArena[n];
        for (int l = 0; l < n; l++) {
            Loop loop = loops.get(l);
            arenas.add(new CheckArena(buffers[l], size, () -> loop.clock().nanoTime()));
            if (tlsChecks[l] > 0) {
                // Two record buffers per check over TLS on the loop: none of them ever waits for one.
                records[l] = new dev.sluice.net.TlsRecordArena(Math.max(dev.sluice.net.TlsRecordArena.RESERVE + 2,
                        2 * tlsChecks[l]), dev.sluice.net.TlsRecordArena.packetSize(), () -> loop.clock().nanoTime());
            }
        }
        long minInter = 0;
        for (Planned p : planned) {
            long inter = p.options().interMillis();
            if (inter >= SPREAD_THRESHOLD_MILLIS && (minInter == 0 || inter < minInter)) {
                minInter = inter;
            }
        }
        List<HealthCheck> checks = new ArrayList<>();
        long[] delays = new long[planned.size()];
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            int l = i % n;
            checks.add(new HealthCheck(loops.get(l), connectors.get(l), p.server(), p.check(), p.options(),
                    arenas.get(l), p.server().checkTls() != null ? records[l] : null, spreadPercent));
            long spreadOver = Math.max(minInter, p.options().interMillis());
            delays[i] = spreadOver * 1_000_000L * i / planned.size();
        }
        HealthChecks made = new HealthChecks(List.copyOf(checks), List.copyOf(loops), List.copyOf(arenas), delays);
        made.records = records;
        return made;
    }

    /** Arms every first check. Call before the loops run (or on each check's loop). */
    public void start() {
        for (int i = 0; i < checks.size(); i++) {
            checks.get(i).start(startDelays[i]);
        }
    }

    /**
     * Arms the first checks of those that run on {@code loop}; call on that
     * loop's thread (the checks of a configuration a reload brought in).
     */
    public void start(Loop loop) {
        int l = loops.indexOf(loop);
        for (int i = 0; i < checks.size(); i++) {
            if (i % loops.size() == l) {
                checks.get(i).start(startDelays[i]);
            }
        }
    }

    /** Stops the checks that run on {@code loop}; call on that loop's thread (as it closes). */
    public void stop(Loop loop) {
        int l = loops.indexOf(loop);
        for (int i = 0; i < checks.size(); i++) {
            if (i % loops.size() == l) {
                checks.get(i).stop();
            }
        }
    }

    public List<HealthCheck> checks() {
        return checks;
    }

    /** The check of {@code server}, or null. */
    public HealthCheck of(Server server) {
        for (HealthCheck c : checks) {
            if (c.server() == server) {
                return c;
            }
        }
        return null;
    }

    /** Each loop's check arena, in loop order. */
    public List<CheckArena> arenas() {
        return arenas;
    }

    /** Bytes carved for checks, over every loop: their buffers, and the record arenas of checks over TLS. */
    public long arenaBytes() {
        long b = 0;
        for (CheckArena a : arenas) {
            b += a.bytes();
        }
        for (dev.sluice.net.TlsRecordArena r : records) {
            b += r == null ? 0 : r.bytes();
        }
        return b;
    }

    public long runs() {
        long n = 0;
        for (HealthCheck c : checks) {
            n += c.runs();
        }
        return n;
    }

    public long passed() {
        long n = 0;
        for (HealthCheck c : checks) {
            n += c.passed();
        }
        return n;
    }

    public long failed() {
        long n = 0;
        for (HealthCheck c : checks) {
            n += c.failed();
        }
        return n;
    }
}
