package dev.sluice.backend;

import dev.sluice.buffer.Buffer;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;
import dev.sluice.net.Connector;
import java.io.IOException;

/**
 * The health check of one server: every {@code inter} (or {@code fastinter},
 * {@code downinter}), it runs its backend's script ({@link HealthCheckSpec})
 * on a connection of its own, without blocking, on one event loop, and turns
 * the results into the server's state with HAProxy's rule, its {@link
 * HealthCounter}: a health counter from 0 to {@code rise + fall - 1}; a
 * failure takes one off and, below {@code rise}, drops it to 0 and the server
 * DOWN; a success adds one and, at {@code rise}, raises it to the top and the
 * server UP. A server starts UP at {@code rise}, so the first failed check
 * marks a dead server DOWN at once. A server in maintenance is not checked;
 * out of it, it starts again at {@code rise}.
 *
 * <p>Timeouts, as HAProxy's: without {@code timeout check} the whole check
 * must end within {@code inter}; with it, the connection must open within the
 * smaller of {@code timeout connect} and {@code inter}, and once connected
 * the exchange must end within {@code timeout check}.
 *
 * <h2>Why it cannot deadlock</h2>
 *
 * <p>DESIGN.md's argument holds because a check takes part in none of the
 * waits it reasons about. A check holds no client buffer and never asks the
 * client pool for one: its buffers, at most one to send from and one to read
 * into, come from its loop's {@link CheckArena}, a separate arena carved at
 * start-up, and are its own for good, so it never waits for a buffer and no
 * session ever waits for one of its buffers. It takes no server slot and joins
 * no queue: checks bypass {@code maxconn}, as in HAProxy. So the wait-for graph
 * has no edge into or out of a check; no cycle can pass through one. The only
 * things a check shares with sessions are its loop's time, which is bounded
 * per pass for everyone, and the system's sockets. Conversely, a starved pool,
 * however many sessions wait in it, cannot delay a check's buffers, so it
 * cannot make a check fail and a healthy server flap: the simulator runs the
 * deadlock scenario's pressure with checks on and sees no state change.
 *
 * <p>Not thread-safe: owned by one loop. The only calls from elsewhere are the
 * counter getters, which read recent values.
 */
public final class HealthCheck extends Task {
    private enum Phase { WAITING, CONNECTING, RUNNING, PAUSED, STOPPED }

    private final Loop loop;
    private final Server server;
    private final Backend backend;
    private final HealthCheckSpec spec;
    private final ServerCheckSpec options;
    private final Buffer out;
    private final Buffer in;
    private final Timer timer = new Timer(this);
    private final CheckReading reading;
    private final HealthCounter health;
    /** The script's connection, opened anew by each connect step. */
    private final CheckConnection connection;

    private Phase phase = Phase.WAITING;
    private long nextStart;
    private long deadline;
    private long startedAt;
    private int step;
    private boolean stepStarted;
    private String detail = "";
    private CheckStatus lastStatus;
    /** The stats page turned the check off ({@code dhlth}): it runs again only when turned on ({@code ehlth}). */
    private volatile boolean disabled;
    /** The generation stopped it: nothing turns it on again. */
    private boolean retired;
    private volatile long runs;
    private volatile long lastDurationNanos;

    /**
     * @param connector      the loop's connector, through which the check opens its connections
     * @param arena          the loop's check arena, which gives this check its buffers
     * @param spreadPercent  {@code spread-checks}: each interval is drawn within this many percent of its value
     */
    public HealthCheck(Loop loop, Connector connector, Server server, HealthCheckSpec spec, ServerCheckSpec options,
                       CheckArena arena, int spreadPercent) {
        this(loop, connector, server, spec, options, arena, null, spreadPercent);
    }

    /**
     * A check of a server whose checks speak TLS ({@link Server#checkTls()}),
     * with its records in {@code records}: the loop's check record arena,
     * which holds two record buffers for each such check, so that a check
     * never waits for one (docs/design.md, "Why it cannot deadlock", health checks).
     */
    public HealthCheck(Loop loop, Connector connector, Server server, HealthCheckSpec spec, ServerCheckSpec options,
                       CheckArena arena, dev.sluice.net.TlsRecordArena records, int spreadPercent) {
        if (server.owner() == null) {
            throw new IllegalArgumentException("server " + server.name() + " belongs to no backend");
        }
        this.loop = loop;
        this.server = server;
        this.backend = server.owner();
        this.spec = spec;
        this.options = options;
        this.connection = new CheckConnection(loop, this, connector, server, options, records);
        boolean sends = spec.largestSend() > 0 || options.sendProxy();
        this.out = sends ? arena.take() : null;
        this.in = spec.expects() ? arena.take() : null;
        this.reading = new CheckReading(in, spec.steps());
        this.health = new HealthCounter(backend, server, options, spreadPercent);
    }

    /** Arms the first check {@code delayNanos} from now (checks of a process start spread, as HAProxy's). */
    public void start(long delayNanos) {
        nextStart = loop.clock().nanoTime() + delayNanos;
        phase = Phase.WAITING;
        loop.arm(timer, nextStart);
    }

    /** Stops checking for good: the timer is cancelled and a check in progress is dropped without a verdict. */
    public void stop() {
        retired = true;
        halt();
    }

    /**
     * What the stats page's health actions ask of a check: turn it off
     * ({@code dhlth}) or on ({@code ehlth}), or set its health counter to
     * fully UP ({@code hrunn}), UP but draining ({@code hnolb}) or DOWN
     * ({@code hdown}), as if checks had said so; the next results move it on
     * from there.
     */
    public enum Forced { DISABLE, ENABLE, RUNNING, STOPPING, STOPPED }

    /** Hands {@code o} to the check's loop; false when that loop's inbox is full. Any thread. */
    public boolean force(Forced o) {
        try {
            loop.execute(() -> apply(o));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void apply(Forced o) {
        if (retired) {
            return;
        }
        switch (o) {
            case DISABLE -> {
                disabled = true;
                halt();
            }
            case ENABLE -> {
                if (disabled) {
                    disabled = false;
                    start(0);
                }
            }
            case RUNNING -> health.force(Backend.Verdict.UP);
            case STOPPING -> health.force(Backend.Verdict.STOPPING);
            case STOPPED -> health.force(Backend.Verdict.DOWN);
        }
    }

    /** Whether the stats page turned the check off. */
    public boolean disabled() {
        return disabled;
    }

    private void halt() {
        loop.cancel(timer);
        connection.close();
        phase = Phase.STOPPED;
    }

    @Override
    protected void run() {
        long now = loop.clock().nanoTime();
        switch (phase) {
            case STOPPED -> {
            }
            case WAITING, PAUSED -> {
                if (server.state() == ServerState.MAINT) {
                    // Not checked in maintenance; look again after an interval.
                    phase = Phase.PAUSED;
                    nextStart = now + nanos(options.interMillis());
                    loop.arm(timer, nextStart);
                    return;
                }
                if (phase == Phase.PAUSED) {
                    // Out of maintenance the server is UP at rise, and is checked at once.
                    health.restart();
                    phase = Phase.WAITING;
                } else if (now - nextStart < 0) {
                    loop.arm(timer, nextStart);
                    return;
                }
                begin(now);
            }
            default -> {
                if (now - deadline >= 0) {
                    timedOut();
                } else {
                    advance(now);
                }
            }
        }
    }

    private void begin(long now) {
        runs++;
        startedAt = now;
        step = 0;
        stepStarted = false;
        reading.reset();
        detail = "";
        long inter = nanos(options.interMillis());
        deadline = now + (spec.timeoutCheckMillis() > 0 && spec.timeoutConnectMillis() > 0
                ? Math.min(nanos(spec.timeoutConnectMillis()), inter) : inter);
        phase = Phase.RUNNING;
        loop.arm(timer, deadline);
        advance(now);
    }

    /** Runs the script from the current step until it must wait, or ends. */
    private void advance(long now) {
        while (phase == Phase.RUNNING || phase == Phase.CONNECTING) {
            if (step == spec.steps().size()) {
                if (!flush()) {
                    return;
                }
                finish(endStatus());
                return;
            }
            CheckStep s = spec.steps().get(step);
            if (s instanceof CheckStep.Connect c) {
                if (!stepStarted) {
                    if (!flush()) {
                        return;
                    }
                    open(c);
                    stepStarted = true;
                }
                if (connection.connectFailed()) {
                    detail = "connection refused";
                    finish(CheckStatus.L4CON);
                    return;
                }
                if (!connection.connected()) {
                    phase = Phase.CONNECTING;
                    return;
                }
                phase = Phase.RUNNING;
                if (spec.timeoutCheckMillis() > 0) {
                    deadline = now + nanos(spec.timeoutCheckMillis());
                    loop.arm(timer, deadline);
                }
                if ((c.sendProxy() || options.sendProxy()) && !connection.isTls()) {
                    out.append(ProxyHeader.UNKNOWN, 0, ProxyHeader.UNKNOWN.length);
                }
                next();
            } else if (s instanceof CheckStep.Send send) {
                if (in != null) {
                    in.consumed(in.readable());
                    in.compact();
                }
                byte[] b = send.bytes();
                if (out.writable() < b.length) {
                    // Several sends in a row may outgrow the buffer: what is held goes out first.
                    out.compact();
                    if (out.writable() < b.length && !flush()) {
                        return;
                    }
                    out.compact();
                }
                out.append(b, 0, b.length);
                next();
            } else {
                if (!flush()) {
                    return;
                }
                CheckStep.Expect e = (CheckStep.Expect) s;
                connection.receive(in);
                boolean last = connection.ended() || in.writable() == 0;
                CheckReading.Eval r = reading.evaluate(e, step, last,
                        spec.disableOn404() && !health.down());
                if (r == CheckReading.Eval.WAIT) {
                    connection.awaitInput();
                    return;
                }
                if (r == CheckReading.Eval.FAIL) {
                    detail = reading.detail();
                    finish(reading.protocolError() != null ? reading.protocolError() : e.errorStatus());
                    return;
                }
                next();
            }
        }
    }

    private void next() {
        step++;
        stepStarted = false;
    }

    /** The step's connection, opened with both buffers empty. */
    private void open(CheckStep.Connect c) {
        if (in != null) {
            in.consumed(in.readable());
            in.compact();
        }
        if (out != null) {
            out.consumed(out.readable());
            out.compact();
        }
        connection.open(c);
    }

    /** Writes what the out buffer holds; true once it is all gone. */
    private boolean flush() {
        if (out == null || out.readable() == 0) {
            return true;
        }
        try {
            return connection.flush(out);
        } catch (IOException e) {
            detail = "write failed: " + e.getMessage();
            finish(CheckStatus.L4CON);
            return false;
        }
    }

    /** The status of a script that ran to its end: its last step's. */
    private CheckStatus endStatus() {
        if (spec.disableOn404() && reading.lastHttpStatus() == 404 && !health.down()) {
            return CheckStatus.L7OKC;
        }
        CheckStep lastStep = spec.steps().get(spec.steps().size() - 1);
        if (lastStep instanceof CheckStep.Expect e) {
            return e.okStatus();
        }
        return lastStep instanceof CheckStep.Connect ? CheckStatus.L4OK : CheckStatus.L7OK;
    }

    private void timedOut() {
        if (phase == Phase.CONNECTING || !connection.connected()) {
            detail = "connection not open in time";
            finish(CheckStatus.L4TOUT);
            return;
        }
        CheckStep s = step < spec.steps().size() ? spec.steps().get(step) : null;
        detail = "no answer in time";
        finish(s instanceof CheckStep.Expect e ? e.timeoutStatus() : CheckStatus.L7TOUT);
    }

    /** Ends the check: closes, applies the result to the server, and arms the next one. */
    private void finish(CheckStatus status) {
        long now = loop.clock().nanoTime();
        connection.close();
        lastDurationNanos = now - startedAt;
        CheckStatus previous = lastStatus;
        lastStatus = status;
        boolean moved = health.apply(status, detail);
        if (spec.logHealthChecks() && (status != previous || moved)) {
            int h = health.health();
            boolean up = h >= options.rise();
            backend.listener().checkReported(new CheckReport(backend.name(), server.name(), server.role(), status, detail,
                    lastDurationNanos / 1_000_000, up ? h - options.rise() + 1 : h,
                    up ? options.fall() : options.rise(), server.state()));
        }
        phase = Phase.WAITING;
        nextStart = now + health.nextNanos();
        loop.arm(timer, nextStart);
    }

    private static long nanos(long millis) {
        return millis * 1_000_000L;
    }

    // ---- reading (any thread: recent values) ----

    public Server server() {
        return server;
    }

    /** Checks started. */
    public long runs() {
        return runs;
    }

    public long passed() {
        return health.passed();
    }

    public long failed() {
        return health.failed();
    }

    /** Checks that asked for a drain ({@code disable-on-404}). */
    public long conditional() {
        return health.conditional();
    }

    /** The last check's status, or null before the first one ends. */
    public CheckStatus lastStatus() {
        return lastStatus;
    }

    public long lastDurationNanos() {
        return lastDurationNanos;
    }

    /** HAProxy's health counter: 0 (DOWN) to {@code rise + fall - 1} (fully UP). */
    public int health() {
        return health.health();
    }
}
