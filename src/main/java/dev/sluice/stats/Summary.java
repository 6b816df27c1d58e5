package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.HealthChecks;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.buffer.PoolCounters;
import dev.sluice.http.HttpError;
import dev.sluice.http.HttpReplies;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.ConnectionLimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of a running proxy, summed over its loops: what shutdown
 * prints, and what tests and stats pages read. Each line is {@code name value},
 * names in snake case so that they read the same in the Prometheus exposition.
 *
 * <p>Immutable once built. The builder is fed each loop's counters on that
 * loop's own thread.
 */
public final class Summary {
    private final Map<String, Long> values;

    private Summary(Map<String, Long> values) {
        this.values = values;
    }

    /** A counter's value; throws for a name that does not exist, so a typo in a test fails. */
    public long get(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no counter named " + name);
        }
        return v;
    }

    public Map<String, Long> values() {
        return values;
    }

    /** The text form: one {@code name value} per line. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /** Sums loops, then adds backends and frontends. Not thread-safe: feed it from one thread at a time. */
    public static final class Builder {
        private final LoopCounters loopCounters = new LoopCounters();
        private final SessionCounters sessionCounters = new SessionCounters();
        private final int classes = Criticality.values().length;
        private final long[] allocations = new long[classes];
        private final long[] waits = new long[classes];
        private final long[] handoffs = new long[classes];
        private final long[] waitNanos = new long[classes];
        private final long[] failedWakeups = new long[classes];
        private final long[] cancels = new long[classes];
        private long poolSize;
        private long poolFree;
        private long poolPeak;
        private long loops;
        private long loopAllocatedBytes;
        private long idleParked;
        private long idleClosedByServer;
        private long idlePurged;
        private long idleNow;
        private final List<Backend> backends = new ArrayList<>();
        private final List<ConnectionLimit> frontends = new ArrayList<>();
        private HealthChecks checks;
        private long appletArenaBytes;
        private long tlsArenaBytes;
        private long stickTableBytes;
        private long stickTableEntries;
        private long claimAdmissions;
        private long claimWaits;

        public synchronized void addLoop(LoopCounters counters, BufferPool pool, SessionCounters sessions) {
            loops++;
            loopCounters.add(counters);
            sessionCounters.add(sessions);
            poolSize += pool.size();
            poolFree += pool.free();
            poolPeak += pool.peakInUse();
            PoolCounters k = pool.counters();
            for (Criticality c : Criticality.values()) {
                int i = c.ordinal();
                allocations[i] += k.allocations(c);
                waits[i] += k.waits(c);
                handoffs[i] += k.handoffs(c);
                waitNanos[i] += k.waitNanos(c);
                failedWakeups[i] += k.failedWakeups(c);
                cancels[i] += k.cancels(c);
            }
        }

        /**
         * A loop's idle server connections: parked after a clean exchange,
         * closed by their server while idle, purged by {@code pool-purge-delay},
         * and idle now. Read on the loop's thread.
         */
        public synchronized void addIdleServerConnections(long parked, long closedByServer, long purged, long now) {
            idleParked += parked;
            idleClosedByServer += closedByServer;
            idlePurged += purged;
            idleNow += now;
        }

        /** Heap bytes a loop's thread allocated since it started (-1 when unknown is skipped). */
        public synchronized void addLoopAllocation(long bytes) {
            if (bytes > 0) {
                loopAllocatedBytes += bytes;
            }
        }

        public synchronized void addBackend(Backend backend) {
            backends.add(backend);
        }

        public synchronized void addFrontend(ConnectionLimit frontend) {
            frontends.add(frontend);
        }

        /** The process's health checks: their counts, the bytes of their arenas, and each check's own. */
        public synchronized void addHealthChecks(HealthChecks healthChecks) {
            checks = healthChecks;
        }

        /** Bytes of the loops' applet arenas (stats page, exporter), carved at start-up. */
        public synchronized void addAppletArenas(long bytes) {
            appletArenaBytes += bytes;
        }

        /**
         * The loops' TLS record arenas: their bytes, and how many claims on
         * both pools were admitted and how many had to wait (plain counters,
         * read from another thread: a recent value).
         */
        /** The stick tables of the configuration in force: their pre-allocated bytes and their entries now. */
        public synchronized void addStickTables(java.util.Collection<dev.sluice.stick.StickTable> tables) {
            for (dev.sluice.stick.StickTable t : tables) {
                stickTableBytes += t.bytes();
                stickTableEntries += t.entries();
            }
        }

        public synchronized void addTlsArenas(dev.sluice.net.TlsRecordArena[] arenas) {
            for (dev.sluice.net.TlsRecordArena a : arenas) {
                tlsArenaBytes += a.bytes();
                if (a.claims() != null) {
                    claimAdmissions += a.claims().admissions();
                    claimWaits += a.claims().waits();
                }
            }
        }

        public synchronized Summary build() {
            Map<String, Long> v = new LinkedHashMap<>();
            v.put("loops", loops);
            v.put("buffers_size", poolSize);
            v.put("buffers_free", poolFree);
            v.put("buffers_in_use", poolSize - poolFree);
            v.put("buffers_peak_in_use_sum", poolPeak);
            v.put("applet_arena_bytes", appletArenaBytes);
            v.put("tls_arena_bytes", tlsArenaBytes);
            v.put("stick_table_bytes", stickTableBytes);
            v.put("stick_table_entries", stickTableEntries);
            v.put("buffer_claim_admissions", claimAdmissions);
            v.put("buffer_claim_waits", claimWaits);
            long failed = 0;
            for (Criticality c : Criticality.values()) {
                int i = c.ordinal();
                String k = c.name().toLowerCase();
                v.put("buffer_allocations_" + k, allocations[i]);
                v.put("buffer_waits_" + k, waits[i]);
                v.put("buffer_handoffs_" + k, handoffs[i]);
                v.put("buffer_wait_micros_" + k, waitNanos[i] / 1000);
                v.put("buffer_cancels_" + k, cancels[i]);
                v.put("buffer_failed_wakeups_" + k, failedWakeups[i]);
                failed += failedWakeups[i];
            }
            v.put("buffer_failed_wakeups", failed);
            v.put("session_task_runs", loopCounters.sessionTaskRuns);
            v.put("io_retries", loopCounters.ioRetries);
            v.put("io_retries_productive", loopCounters.ioRetriesProductive);
            v.put("bytes_in", loopCounters.bytesIn);
            v.put("bytes_out", loopCounters.bytesOut);
            v.put("accept_errors", loopCounters.acceptErrors);
            v.put("task_failures", loopCounters.taskFailures);
            v.put("lingering_closes", loopCounters.lingeringCloses);
            v.put("stream_refills", loopCounters.streamRefills);
            v.put("sessions_parked", loopCounters.sessionsParked);
            v.put("sessions_unparked", loopCounters.sessionsUnparked);
            v.put("inbox_full", loopCounters.inboxFull);
            for (dev.sluice.net.TlsHandshakeFailure f : dev.sluice.net.TlsHandshakeFailure.values()) {
                v.put("tls_handshake_failures_" + f.name().toLowerCase(java.util.Locale.ROOT),
                        loopCounters.tlsHandshakeFailures[f.ordinal()]);
            }
            v.put("loop_allocated_bytes", loopAllocatedBytes);
            v.put("sessions_opened", sessionCounters.opened());
            v.put("sessions_closed", sessionCounters.closed());
            v.put("sessions_queued", sessionCounters.queued());
            for (SessionOutcome o : SessionOutcome.values()) {
                v.put("sessions_ended_" + o.name().toLowerCase(), sessionCounters.ended(o));
            }
            v.put("http_requests", sessionCounters.httpRequests());
            for (int hundreds = 1; hundreds <= 5; hundreds++) {
                v.put("http_server_responses_" + hundreds + "xx", sessionCounters.serverResponses(hundreds));
            }
            for (int status = 100; status < 600; status++) {
                if (HttpReplies.isProduced(status) || sessionCounters.replies(status) > 0) {
                    v.put("http_replies_" + status, sessionCounters.replies(status));
                }
            }
            for (HttpError e : HttpError.values()) {
                v.put("http_rejected_" + e.name().toLowerCase(), sessionCounters.rejects(e));
            }
            v.put("server_connections_opened", sessionCounters.serverConnectionsOpened());
            v.put("server_connections_reused", sessionCounters.serverConnectionsReused());
            v.put("connect_retries", sessionCounters.retries());
            v.put("connect_redispatches", sessionCounters.redispatches());
            v.put("server_connections_parked", idleParked);
            v.put("server_connections_closed_while_idle", idleClosedByServer);
            v.put("server_connections_purged", idlePurged);
            v.put("server_connections_idle", idleNow);
            v.put("request_bytes", sessionCounters.requestBytes());
            v.put("response_bytes", sessionCounters.responseBytes());
            for (ConnectionLimit f : frontends) {
                v.put("frontend_" + f.name() + "_sessions_current", (long) f.current());
                v.put("frontend_" + f.name() + "_refused_maxconn", f.refused());
            }
            for (Backend b : backends) {
                v.put("backend_" + b.name() + "_queued_current", (long) b.queued());
                v.put("backend_" + b.name() + "_queued_peak", (long) b.peakQueued());
                v.put("backend_" + b.name() + "_queued_total", b.queuedTotal());
                v.put("backend_" + b.name() + "_servers_up", (long) b.serversUp());
                v.put("backend_" + b.name() + "_queue_redispatched", b.redispatched());
                v.put("backend_" + b.name() + "_queue_refused", b.refused());
                for (Server s : b.servers()) {
                    String p = "server_" + b.name() + "_" + s.name() + "_";
                    v.put(p + "slots_in_use", (long) s.slotsInUse());
                    v.put(p + "slots_peak", (long) s.peakSlotsInUse());
                    v.put(p + "sessions", s.sessions());
                    v.put(p + "connect_errors", s.connectErrors());
                    v.put(p + "weight", (long) s.weight());
                    v.put(p + "state_changes", s.stateChanges());
                    v.put(p + "went_down", s.timesEntered(ServerState.DOWN));
                    HealthCheck check = checks == null ? null : checks.of(s);
                    if (check != null) {
                        v.put(p + "checks", check.runs());
                        v.put(p + "checks_failed", check.failed());
                    }
                }
            }
            if (checks != null) {
                v.put("health_checks", checks.runs());
                v.put("health_checks_passed", checks.passed());
                v.put("health_checks_failed", checks.failed());
                v.put("health_check_arena_bytes", checks.arenaBytes());
            }
            return new Summary(v);
        }
    }
}
