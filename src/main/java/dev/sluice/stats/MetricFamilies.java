package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.buffer.PoolCounters;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.AppletArena;
import dev.sluice.session.SessionCounters;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The exporter's metric families, read from a {@link ProcessView}: HAProxy's
 * exporter families (process, frontend, backend, server) under the
 * {@code sluice_} prefix with HAProxy's labels ({@code proxy},
 * {@code server}), and Sluice's own: the buffers of each loop and class, the
 * wait-time histogram per class, the session task and stream figures, the
 * backend queues. Names follow Prometheus's conventions: base units,
 * {@code _total} for counters (the writer adds it), {@code _seconds}.
 *
 * <p>Stateless; each call reads the view afresh.
 */
final class MetricFamilies {
    private static final String[] CLASS_NAMES = classNames();

    private MetricFamilies() {
    }

    static MetricSnapshots of(ProcessView v) {
        List<MetricSnapshot> m = new ArrayList<>();
        process(v, m);
        frontends(v, m);
        backends(v, m);
        servers(v, m);
        buffers(v, m);
        loops(v, m);
        stickTables(v, m);
        return new MetricSnapshots(m);
    }

    // ---- HAProxy's families ----

    private static void process(ProcessView v, List<MetricSnapshot> m) {
        SessionCounters s = new SessionCounters();
        LoopCounters l = new LoopCounters();
        for (ProcessView.Loop loop : v.loops) {
            s.add(loop.sessions());
            l.add(loop.counters());
        }
        m.add(gauge("sluice_process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.",
                Unit.SECONDS, level(v.startedAtMillis / 1000.0)));
        m.add(gauge("sluice_process_nbthread", "Event loops (threads) of the process.", null, level(v.loops.size())));
        m.add(gauge("sluice_process_current_connections", "Client sessions open now.", null,
                level(s.opened() - s.closed())));
        m.add(counter("sluice_process_connections", "Client sessions accepted since start.", point(s.opened())));
        m.add(counter("sluice_process_http_requests", "HTTP requests received since start, on every frontend.",
                point(s.httpRequests())));
        m.add(counter("sluice_process_bytes_in", "Bytes read from clients and servers.", point(l.bytesIn)));
        m.add(counter("sluice_process_bytes_out", "Bytes written to clients and servers.", point(l.bytesOut)));
        m.add(counter("sluice_process_request_bytes", "Bytes of requests forwarded to servers.",
                point(s.requestBytes())));
        m.add(counter("sluice_process_response_bytes", "Bytes of responses forwarded to clients.",
                point(s.responseBytes())));
        List<CounterDataPointSnapshot> codes = new ArrayList<>();
        for (int c = 1; c <= 5; c++) {
            codes.add(CounterDataPointSnapshot.builder().labels(Labels.of("code", c + "xx"))
                    .value(s.serverResponses(c)).build());
        }
        m.add(new CounterSnapshot(meta("sluice_process_http_responses",
                "HTTP responses from servers, by class of status."), codes));
        m.add(counter("sluice_process_server_connections_opened", "Connections opened to servers.",
                point(s.serverConnectionsOpened())));
        m.add(counter("sluice_process_server_connections_reused", "Requests sent on a reused server connection.",
                point(s.serverConnectionsReused())));
        m.add(counter("sluice_process_retries", "Connection and request retries.", point(s.retries())));
        m.add(counter("sluice_process_redispatches", "Retries sent to another server.", point(s.redispatches())));
    }

    private static void frontends(ProcessView v, List<MetricSnapshot> m) {
        List<GaugeDataPointSnapshot> cur = new ArrayList<>();
        List<GaugeDataPointSnapshot> lim = new ArrayList<>();
        List<CounterDataPointSnapshot> refused = new ArrayList<>();
        List<CounterDataPointSnapshot> requests = new ArrayList<>();
        for (StatCsv.Frontend f : v.frontends) {
            Labels p = Labels.of("proxy", f.name());
            cur.add(gp(p, f.limit().current()));
            lim.add(gp(p, f.limit().max()));
            refused.add(cp(p, f.limit().refused()));
            if (f.mode().equals("http")) {
                requests.add(cp(p, f.requests().total()));
            }
        }
        m.add(new GaugeSnapshot(meta("sluice_frontend_current_sessions", "Sessions open now on the frontend."), cur));
        m.add(new GaugeSnapshot(meta("sluice_frontend_limit_sessions", "The frontend's maxconn."), lim));
        m.add(new CounterSnapshot(meta("sluice_frontend_denied_connections",
                "Connections held back at the frontend's maxconn."), refused));
        m.add(new CounterSnapshot(meta("sluice_frontend_http_requests",
                "HTTP requests the frontend received (HTTP frontends only)."), requests));
    }

    private static void backends(ProcessView v, List<MetricSnapshot> m) {
        m.add(backendGauge(v, "sluice_backend_current_queue", "Requests waiting in the backend's queues now.",
                Backend::queued));
        m.add(backendGauge(v, "sluice_backend_max_queue", "Most requests that waited at once.", Backend::peakQueued));
        m.add(backendGauge(v, "sluice_backend_current_sessions", "Server slots the backend's requests hold now.",
                Backend::slotsInUse));
        m.add(backendGauge(v, "sluice_backend_active_servers", "Servers UP.", Backend::serversUp));
        m.add(backendCounter(v, "sluice_backend_queued", "Requests that ever waited in the backend's queues.",
                Backend::queuedTotal));
        m.add(backendCounter(v, "sluice_backend_redispatch_warnings",
                "Queued requests sent to another server because theirs went DOWN.", Backend::redispatched));
        m.add(backendCounter(v, "sluice_backend_queue_refused", "Requests refused because the queue was full.",
                Backend::refused));
        List<CounterDataPointSnapshot> wait = new ArrayList<>();
        for (Backend b : v.backends) {
            wait.add(cp(Labels.of("proxy", b.name()), b.queueWaitNanos() / 1e9));
        }
        m.add(new CounterSnapshot(meta("sluice_backend_queue_wait_seconds",
                "Time the ended waits in the backend's queues lasted, in total.", Unit.SECONDS), wait));
    }

    private static void servers(ProcessView v, List<MetricSnapshot> m) {
        m.add(serverGauge(v, "sluice_server_current_sessions", "Slots the server's requests hold now.",
                Server::slotsInUse));
        m.add(serverGauge(v, "sluice_server_max_sessions", "Most slots held at once.", Server::peakSlotsInUse));
        m.add(serverGauge(v, "sluice_server_limit_sessions", "The server's maxconn (0: none).", Server::maxconn));
        m.add(serverGauge(v, "sluice_server_current_queue", "Requests waiting for this server now.", Server::queued));
        m.add(serverGauge(v, "sluice_server_weight", "The server's weight now.", Server::weight));
        m.add(serverCounter(v, "sluice_server_sessions", "Requests sent to the server.", Server::sessions));
        m.add(serverCounter(v, "sluice_server_connection_errors", "Failed connections to the server.",
                Server::connectErrors));
        m.add(serverCounter(v, "sluice_server_check_up_down", "Times the server went DOWN.",
                s -> s.timesEntered(ServerState.DOWN)));
        List<GaugeDataPointSnapshot> status = new ArrayList<>();
        List<CounterDataPointSnapshot> checkFailures = new ArrayList<>();
        for (Backend b : v.backends) {
            for (Server s : b.servers()) {
                for (ServerState st : ServerState.values()) {
                    status.add(gp(Labels.of("proxy", b.name(), "server", s.name(), "state", st.name()),
                            s.state() == st ? 1 : 0));
                }
                HealthCheck c = v.checks == null ? null : v.checks.of(s);
                if (c != null) {
                    checkFailures.add(cp(Labels.of("proxy", b.name(), "server", s.name()), c.failed()));
                }
            }
        }
        m.add(new GaugeSnapshot(meta("sluice_server_status", "The server's state: 1 for the state it is in."),
                status));
        m.add(new CounterSnapshot(meta("sluice_server_check_failures", "Failed health checks."), checkFailures));
    }

    // ---- Sluice's own ----

    private static void stickTables(ProcessView v, List<MetricSnapshot> m) {
        List<GaugeDataPointSnapshot> entries = new ArrayList<>();
        List<GaugeDataPointSnapshot> size = new ArrayList<>();
        List<GaugeDataPointSnapshot> bytes = new ArrayList<>();
        for (dev.sluice.stick.StickTable t : v.stickTables) {
            Labels l = Labels.of("table", t.name());
            entries.add(gp(l, t.entries()));
            size.add(gp(l, t.size()));
            bytes.add(gp(l, t.bytes()));
        }
        m.add(new GaugeSnapshot(meta("sluice_stick_table_entries", "Entries the stick table holds now."), entries));
        m.add(new GaugeSnapshot(meta("sluice_stick_table_size", "Entries the stick table can hold (its size)."),
                size));
        m.add(new GaugeSnapshot(meta("sluice_stick_table_bytes",
                "Bytes the stick table allocated at start-up, outside the buffer pool.", Unit.BYTES), bytes));
    }

    private static void buffers(ProcessView v, List<MetricSnapshot> m) {
        List<GaugeDataPointSnapshot> size = new ArrayList<>();
        List<GaugeDataPointSnapshot> inUse = new ArrayList<>();
        List<GaugeDataPointSnapshot> peak = new ArrayList<>();
        List<GaugeDataPointSnapshot> free = new ArrayList<>();
        List<GaugeDataPointSnapshot> reserve = new ArrayList<>();
        List<GaugeDataPointSnapshot> arena = new ArrayList<>();
        List<GaugeDataPointSnapshot> waiting = new ArrayList<>();
        List<List<CounterDataPointSnapshot>> perClass = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            perClass.add(new ArrayList<>());
        }
        List<HistogramDataPointSnapshot> histogram = new ArrayList<>();
        List<GaugeDataPointSnapshot> tlsBytes = new ArrayList<>();
        List<GaugeDataPointSnapshot> claimsWaiting = new ArrayList<>();
        List<GaugeDataPointSnapshot> claimsAdmitted = new ArrayList<>();
        List<CounterDataPointSnapshot> claimAdmissions = new ArrayList<>();
        List<CounterDataPointSnapshot> claimWaits = new ArrayList<>();
        List<GaugeDataPointSnapshot> setAside = new ArrayList<>();
        double[] bounds = bounds();
        for (ProcessView.Loop l : v.loops) {
            pool(l.pool(), Labels.of("loop", Integer.toString(l.id()), "pool", "client"), size, inUse, peak, free,
                    reserve, waiting, perClass, histogram, bounds);
            AppletArena a = l.arena();
            if (a != null) {
                pool(a.pool(), Labels.of("loop", Integer.toString(l.id()), "pool", "applet"), size, inUse, peak, free,
                        reserve, waiting, perClass, histogram, bounds);
                arena.add(gp(Labels.of("loop", Integer.toString(l.id())), a.bytes()));
            }
            dev.sluice.net.TlsRecordArena t = l.tls();
            if (t != null) {
                Labels at = Labels.of("loop", Integer.toString(l.id()));
                pool(t.pool(), at.add("pool", "tls"), size, inUse, peak, free, reserve, waiting, perClass, histogram,
                        bounds);
                tlsBytes.add(gp(at, t.bytes()));
                dev.sluice.buffer.ClaimGate g = t.claims();
                claimsWaiting.add(gp(at, g.waiting()));
                claimsAdmitted.add(gp(at, g.admitted()));
                claimAdmissions.add(cp(at, g.admissions()));
                claimWaits.add(cp(at, g.waits()));
                setAside.add(gp(at.add("pool", "client"), l.pool().earmarked()));
                setAside.add(gp(at.add("pool", "tls"), t.pool().earmarked()));
            }
        }
        m.add(new GaugeSnapshot(meta("sluice_buffers", "Buffers the pool holds (carved at start-up)."), size));
        m.add(new GaugeSnapshot(meta("sluice_buffers_in_use", "Buffers held now."), inUse));
        m.add(new GaugeSnapshot(meta("sluice_buffers_peak_in_use", "Most buffers held at once."), peak));
        m.add(new GaugeSnapshot(meta("sluice_buffers_free", "Buffers free now."), free));
        m.add(new GaugeSnapshot(meta("sluice_buffers_reserve", "Buffers only URGENT and CRITICAL may take."),
                reserve));
        m.add(new GaugeSnapshot(meta("sluice_buffer_waiters", "Waiters queued for a buffer now, by class."), waiting));
        String[][] names = {
                {"sluice_buffer_allocations", "Buffers taken, by class."},
                {"sluice_buffer_waits", "Waits for a buffer that began, by class."},
                {"sluice_buffer_handoffs", "Released buffers handed to a waiter, by class."},
                {"sluice_buffer_cancels", "Waits given up (the session closed or changed its need), by class."},
                {"sluice_buffer_failed_wakeups", "Woken waiters that found no buffer (must stay 0), by class."}};
        for (int i = 0; i < 5; i++) {
            m.add(new CounterSnapshot(meta(names[i][0], names[i][1]), perClass.get(i)));
        }
        m.add(new HistogramSnapshot(new io.prometheus.metrics.model.snapshots.MetricMetadata(
                "sluice_buffer_wait_seconds", "How long ended waits for a buffer lasted, by loop, pool and class.",
                Unit.SECONDS), histogram));
        m.add(new GaugeSnapshot(meta("sluice_applet_arena_bytes",
                "Bytes of the loop's applet arena (stats page and exporter), carved at start-up."), arena));
        if (!tlsBytes.isEmpty()) {
            m.add(new GaugeSnapshot(meta("sluice_tls_arena_bytes",
                    "Bytes of the loop's TLS record arena (record buffers and scratch), carved at start-up."),
                    tlsBytes));
            m.add(new GaugeSnapshot(meta("sluice_buffer_claims_waiting",
                    "Exchanges over TLS that hold a slot and wait for their buffers of both pools, now."),
                    claimsWaiting));
            m.add(new GaugeSnapshot(meta("sluice_buffer_claims_admitted",
                    "Exchanges over TLS whose buffers of both pools are set aside, now."), claimsAdmitted));
            m.add(new CounterSnapshot(meta("sluice_buffer_claim_admissions",
                    "Claims on both pools admitted, at once or after a wait."), claimAdmissions));
            m.add(new CounterSnapshot(meta("sluice_buffer_claim_waits", "Claims on both pools that had to wait."),
                    claimWaits));
            m.add(new GaugeSnapshot(meta("sluice_buffers_set_aside",
                    "Free buffers set aside for admitted claims, by pool."), setAside));
        }
    }

    private static void pool(BufferPool p, Labels at, List<GaugeDataPointSnapshot> size,
                             List<GaugeDataPointSnapshot> inUse, List<GaugeDataPointSnapshot> peak,
                             List<GaugeDataPointSnapshot> free, List<GaugeDataPointSnapshot> reserve,
                             List<GaugeDataPointSnapshot> waiting, List<List<CounterDataPointSnapshot>> perClass,
                             List<HistogramDataPointSnapshot> histogram, double[] bounds) {
        size.add(gp(at, p.size()));
        inUse.add(gp(at, p.inUse()));
        peak.add(gp(at, p.peakInUse()));
        free.add(gp(at, p.free()));
        reserve.add(gp(at, p.reserve()));
        PoolCounters k = p.counters();
        for (Criticality c : Criticality.values()) {
            Labels l = at.add("class", CLASS_NAMES[c.ordinal()]);
            waiting.add(gp(l, p.waiting(c)));
            perClass.get(0).add(cp(l, k.allocations(c)));
            perClass.get(1).add(cp(l, k.waits(c)));
            perClass.get(2).add(cp(l, k.handoffs(c)));
            perClass.get(3).add(cp(l, k.cancels(c)));
            perClass.get(4).add(cp(l, k.failedWakeups(c)));
            long[] counts = new long[bounds.length];
            for (int b = 0; b < counts.length; b++) {
                counts[b] = k.waitsInBucket(c, b);
            }
            histogram.add(HistogramDataPointSnapshot.builder().labels(l)
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                    .sum(k.waitNanos(c) / 1e9).build());
        }
    }

    private static void loops(ProcessView v, List<MetricSnapshot> m) {
        List<CounterDataPointSnapshot> runs = new ArrayList<>();
        List<CounterDataPointSnapshot> refills = new ArrayList<>();
        List<CounterDataPointSnapshot> retries = new ArrayList<>();
        List<CounterDataPointSnapshot> inbox = new ArrayList<>();
        List<CounterDataPointSnapshot> handshakes = new ArrayList<>();
        List<CounterDataPointSnapshot> parked = new ArrayList<>();
        List<CounterDataPointSnapshot> unparked = new ArrayList<>();
        for (ProcessView.Loop l : v.loops) {
            Labels at = Labels.of("loop", Integer.toString(l.id()));
            for (dev.sluice.net.TlsHandshakeFailure f : dev.sluice.net.TlsHandshakeFailure.values()) {
                handshakes.add(cp(Labels.of("loop", Integer.toString(l.id()), "reason",
                        f.name().toLowerCase(java.util.Locale.ROOT)), l.counters().tlsHandshakeFailures[f.ordinal()]));
            }
            runs.add(cp(at, l.counters().sessionTaskRuns));
            refills.add(cp(at, l.counters().streamRefills));
            retries.add(cp(at, l.counters().ioRetries));
            inbox.add(cp(at, l.counters().inboxFull));
            parked.add(cp(at, l.counters().sessionsParked));
            unparked.add(cp(at, l.counters().sessionsUnparked));
        }
        m.add(new CounterSnapshot(meta("sluice_session_task_runs", "Session task runs (HAProxy's process_session calls)."),
                runs));
        m.add(new CounterSnapshot(meta("sluice_stream_refills",
                "Reads made right after a write emptied the buffer in the middle of a streamed message."), refills));
        m.add(new CounterSnapshot(meta("sluice_io_retries", "Receives retried after a buffer was handed over."),
                retries));
        m.add(new CounterSnapshot(meta("sluice_loop_inbox_full", "Work refused because the loop's inbox was full."),
                inbox));
        m.add(new CounterSnapshot(meta("sluice_sessions_parked", "HTTP sessions that gave up their exchange's parts"
                + " after sitting idle between requests."), parked));
        m.add(new CounterSnapshot(meta("sluice_sessions_unparked", "Parked HTTP sessions that made their parts"
                + " again for their client's next request."), unparked));
        m.add(new CounterSnapshot(meta("sluice_tls_handshake_failures", "TLS clients whose session ended before"
                + " their handshake did: refused by the engine, closed, broken or timed out."), handshakes));
    }

    // ---- helpers ----

    /** The histogram's upper bounds, in seconds, ending with +Inf. */
    static double[] bounds() {
        long[] nanos = PoolCounters.waitBucketBounds();
        double[] b = new double[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            b[i] = nanos[i] / 1e9;
        }
        b[nanos.length] = Double.POSITIVE_INFINITY;
        return b;
    }

    private static String[] classNames() {
        String[] n = new String[Criticality.values().length];
        for (Criticality c : Criticality.values()) {
            n[c.ordinal()] = c.name().toLowerCase(java.util.Locale.ROOT);
        }
        return n;
    }

    private static GaugeSnapshot backendGauge(ProcessView v, String name, String help, ToDoubleFunction<Backend> f) {
        List<GaugeDataPointSnapshot> points = new ArrayList<>();
        for (Backend b : v.backends) {
            points.add(gp(Labels.of("proxy", b.name()), f.applyAsDouble(b)));
        }
        return new GaugeSnapshot(meta(name, help), points);
    }

    private static CounterSnapshot backendCounter(ProcessView v, String name, String help, ToDoubleFunction<Backend> f) {
        List<CounterDataPointSnapshot> points = new ArrayList<>();
        for (Backend b : v.backends) {
            points.add(cp(Labels.of("proxy", b.name()), f.applyAsDouble(b)));
        }
        return new CounterSnapshot(meta(name, help), points);
    }

    private static GaugeSnapshot serverGauge(ProcessView v, String name, String help, ToDoubleFunction<Server> f) {
        List<GaugeDataPointSnapshot> points = new ArrayList<>();
        for (Backend b : v.backends) {
            for (Server s : b.servers()) {
                points.add(gp(Labels.of("proxy", b.name(), "server", s.name()), f.applyAsDouble(s)));
            }
        }
        return new GaugeSnapshot(meta(name, help), points);
    }

    private static CounterSnapshot serverCounter(ProcessView v, String name, String help, ToDoubleFunction<Server> f) {
        List<CounterDataPointSnapshot> points = new ArrayList<>();
        for (Backend b : v.backends) {
            for (Server s : b.servers()) {
                points.add(cp(Labels.of("proxy", b.name(), "server", s.name()), f.applyAsDouble(s)));
            }
        }
        return new CounterSnapshot(meta(name, help), points);
    }

    private static io.prometheus.metrics.model.snapshots.MetricMetadata meta(String name, String help) {
        return new io.prometheus.metrics.model.snapshots.MetricMetadata(name, help);
    }

    private static io.prometheus.metrics.model.snapshots.MetricMetadata meta(String name, String help, Unit unit) {
        return new io.prometheus.metrics.model.snapshots.MetricMetadata(name, help, unit);
    }

    private static GaugeSnapshot gauge(String name, String help, Unit unit, GaugeDataPointSnapshot p) {
        return new GaugeSnapshot(unit == null ? meta(name, help) : meta(name, help, unit), List.of(p));
    }

    private static CounterSnapshot counter(String name, String help, CounterDataPointSnapshot p) {
        return new CounterSnapshot(meta(name, help), List.of(p));
    }

    private static GaugeDataPointSnapshot level(double value) {
        return GaugeDataPointSnapshot.builder().value(value).build();
    }

    private static CounterDataPointSnapshot point(double value) {
        return CounterDataPointSnapshot.builder().value(value).build();
    }

    private static GaugeDataPointSnapshot gp(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot cp(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
