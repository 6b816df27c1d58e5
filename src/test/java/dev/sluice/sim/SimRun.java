package dev.sluice.sim;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthChecks;
import dev.sluice.backend.ServerStateChange;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.HttpFrontend;
import dev.sluice.backend.IdleServerConnections;
import dev.sluice.session.Session;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionSet;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.TcpSession;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link SimScenario} run left behind, and the checks made on it.
 * Every check throws {@link SimFailure} naming what broke.
 */
final class SimRun {
    final SimWorld world;
    final List<Backend> backends;
    TcpFrontend frontend;
    HttpFrontend httpFrontend;
    final List<SimServer> servers;
    final List<SimClientEnd> clients = new ArrayList<>();
    final Session[] sessions;
    /** An HTTP session's own counters, which tell how it ended; null for a TCP session. */
    final SessionCounters[] httpCounters;
    final List<SessionSet> sessionSets = new ArrayList<>();
    final List<SessionCounters> sessionCounters = new ArrayList<>();
    final List<SimConnector> connectors = new ArrayList<>();
    final List<IdleServerConnections> idle = new ArrayList<>();
    /** The connectors of the health checks: their connections are background traffic. */
    final List<SimConnector> checkConnectors = new ArrayList<>();
    /** The health checks, or null when the scenario has none. */
    HealthChecks checks;
    /** The access logs, when the scenario asked for them ({@link SimScenario#logging}); null otherwise. */
    dev.sluice.log.Logging logging;
    /** Checks run at least until this virtual time. */
    long checksUntil;
    /** When the checks stopped (every client done and {@link #checksUntil} passed), or -1. */
    long checksStoppedAt = -1;
    /** Every server state change, with its virtual time. */
    List<StateChange> stateChanges = new ArrayList<>();
    int finishedClients;
    /** The operators who looked during the run ({@link SimScenario#watch}), and the loops' applet arenas. */
    final List<SimWatcher> watchers = new ArrayList<>();
    dev.sluice.session.AppletArena[] arenas;
    /** TLS ({@link SimScenario#tls}): the listener's context, each loop's record arena and each client's relay. */
    dev.sluice.net.TlsServerContext tlsContext;
    final List<dev.sluice.net.TlsRecordArena> tlsArenas = new ArrayList<>();
    final List<SimTlsRelay> relays = new ArrayList<>();
    /** The relays in front of TLS servers ({@link SimScenario#tlsToServers}), one per connection Sluice opened. */
    final List<SimTlsRelay> serverRelays = new ArrayList<>();

    /** A server state change and when it happened. */
    record StateChange(long at, ServerStateChange change) {
        @Override
        public String toString() {
            return SimWorld.millis(at) + " ms " + change.server() + " " + change.from() + "->" + change.to()
                    + " (" + change.reason() + ")";
        }
    }

    /** A client finished; once all have, and the checks' time is up, the checks stop so that the world can end. */
    void clientFinished() {
        finishedClients++;
        stopChecksIfDone();
    }

    void stopChecksIfDone() {
        if (checks != null && checksStoppedAt < 0 && finishedClients == sessions.length && world.now() >= checksUntil) {
            checksStoppedAt = world.now();
            for (SimLoop loop : world.loops()) {
                checks.stop(loop);
            }
        }
    }
    private SimWorld.Ending ending;

    SimRun(SimWorld world, List<Backend> backends, List<SimServer> servers, int clientCount) {
        this.world = world;
        this.backends = backends;
        this.servers = servers;
        this.sessions = new Session[clientCount];
        this.httpCounters = new SessionCounters[clientCount];
    }

    /** How session {@code i} ended, or null while it is open (or never started). */
    SessionOutcome outcome(int i) {
        if (sessions[i] instanceof TcpSession t) {
            return t.outcome();
        }
        SessionCounters c = httpCounters[i];
        if (c != null) {
            for (SessionOutcome o : SessionOutcome.values()) {
                if (c.ended(o) > 0) {
                    return o;
                }
            }
        }
        return null;
    }

    void ending(SimWorld.Ending e) {
        this.ending = e;
    }

    boolean deadlocked() {
        return ending == SimWorld.Ending.DEADLOCK;
    }

    void assertNoDeadlock() {
        if (deadlocked()) {
            throw new SimFailure("deadlock: " + world.deadlock() + "; " + progress());
        }
    }

    /** No deadlock, every session ended with an outcome, and nothing leaked (buffers, waiters, slots, sessions). */
    void assertNoLeaks() {
        assertNoDeadlock();
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] == null) {
                throw new SimFailure("client " + i + "'s session never started");
            }
            if (outcome(i) == null) {
                throw new SimFailure("client " + i + "'s session is still open (" + clients.get(i).describe() + ")");
            }
        }
        for (SimLoop loop : world.loops()) {
            BufferPool pool = loop.pool();
            pool.checkInvariants();
            if (pool.free() != pool.size()) {
                throw new SimFailure("loop" + loop.id() + " leaked buffers: " + pool.free() + " of " + pool.size() + " free");
            }
            if (pool.waitingTotal() != 0) {
                throw new SimFailure("loop" + loop.id() + " still has " + pool.waitingTotal() + " buffer waiters");
            }
            for (Criticality c : Criticality.values()) {
                if (pool.counters().failedWakeups(c) != 0) {
                    throw new SimFailure("loop" + loop.id() + ": " + pool.counters().failedWakeups(c) + " failed " + c + " wakeups");
                }
            }
            if (loop.counters().taskFailures != 0) {
                throw new SimFailure("loop" + loop.id() + ": " + loop.counters().taskFailures + " task failures");
            }
        }
        for (int l = 0; l < tlsArenas.size(); l++) {
            BufferPool pool = tlsArenas.get(l).pool();
            pool.checkInvariants();
            if (pool.free() != pool.size()) {
                throw new SimFailure("loop" + l + "'s TLS arena leaked record buffers: " + pool.free() + " of "
                        + pool.size() + " free");
            }
            if (pool.waitingTotal() != 0) {
                throw new SimFailure("loop" + l + "'s TLS arena still has " + pool.waitingTotal() + " waiters");
            }
            dev.sluice.buffer.ClaimGate gate = tlsArenas.get(l).claims();
            gate.checkInvariants();
            if (gate.admitted() != 0 || gate.waiting() != 0 || pool.earmarked() != 0
                    || world.loops().get(l).pool().earmarked() != 0) {
                throw new SimFailure("loop" + l + "'s claims were not all given back: " + gate + ", "
                        + pool.earmarked() + " records and " + world.loops().get(l).pool().earmarked()
                        + " client buffers still set aside");
            }
            for (Criticality c : Criticality.values()) {
                if (pool.counters().failedWakeups(c) != 0) {
                    throw new SimFailure("loop" + l + "'s TLS arena: " + pool.counters().failedWakeups(c) + " failed " + c
                            + " wakeups");
                }
            }
        }
        for (SessionSet set : sessionSets) {
            if (set.size() != 0) {
                throw new SimFailure(set.size() + " sessions left in a session set");
            }
        }
        for (Backend backend : backends) {
            for (var s : backend.servers()) {
                if (s.slotsInUse() != 0) {
                    throw new SimFailure("server " + s.name() + " still has " + s.slotsInUse() + " slots in use");
                }
            }
            if (backend.queued() != 0) {
                throw new SimFailure(backend.queued() + " sessions still queued on backend " + backend.name());
            }
        }
        SessionCounters total = totalSessionCounters();
        if (total.opened() != sessions.length || total.closed() != sessions.length) {
            throw new SimFailure("sessions opened " + total.opened() + ", closed " + total.closed() + ", expected " + sessions.length);
        }
    }

    /** {@link #assertNoLeaks()}, and every exchange completed byte-exact with a clean end. */
    /** Under {@code persistence}: the requests whose cookie names each server, by server index. */
    long[] persistentRequests;
    /** Under {@code stickPersistence}: the backend's stick table. */
    dev.sluice.stick.StickTable stickTable;

    void assertCompletedCleanly() {
        assertNoLeaks();
        for (int i = 0; i < sessions.length; i++) {
            SimClientEnd c = clients.get(i);
            if (c.outcome() != SimClient.Outcome.COMPLETE || outcome(i) != SessionOutcome.DONE) {
                throw new SimFailure(c.describe() + " with " + c.received() + " of " + c.expectedLength()
                        + " response bytes; its session ended " + outcome(i));
            }
        }
    }

    /**
     * A session that says DONE delivered everything: its client completed, unless
     * it vanished on purpose or went idle between two requests; and no client saw a clean end of stream in the
     * middle of a response (a cut must reach it as a reset).
     */
    void assertOutcomesAgree() {
        for (int i = 0; i < sessions.length; i++) {
            SimClientEnd c = clients.get(i);
            if (outcome(i) == SessionOutcome.DONE && c.outcome() != SimClient.Outcome.COMPLETE
                    && c.outcome() != SimClient.Outcome.VANISHED && c.outcome() != SimClient.Outcome.IDLE_CLOSED) {
                throw new SimFailure("session " + i + " ended DONE but " + c.describe() + " with " + c.received()
                        + " of " + c.expectedLength() + " response bytes");
            }
            if (c instanceof SimHttpClient && c.outcome() == SimClient.Outcome.TRUNCATED) {
                throw new SimFailure("a clean end of stream in the middle of a response: " + c.describe()
                        + "; its session ended " + outcome(i));
            }
        }
    }

    Map<SessionOutcome, Integer> sessionOutcomes() {
        Map<SessionOutcome, Integer> m = new EnumMap<>(SessionOutcome.class);
        for (int i = 0; i < sessions.length; i++) {
            SessionOutcome o = outcome(i);
            if (o != null) {
                m.merge(o, 1, Integer::sum);
            }
        }
        return m;
    }

    Map<SimClient.Outcome, Integer> clientOutcomes() {
        Map<SimClient.Outcome, Integer> m = new EnumMap<>(SimClient.Outcome.class);
        for (SimClientEnd c : clients) {
            if (c.outcome() != null) {
                m.merge(c.outcome(), 1, Integer::sum);
            }
        }
        return m;
    }

    LoopCounters totalLoopCounters() {
        LoopCounters t = new LoopCounters();
        for (SimLoop loop : world.loops()) {
            t.add(loop.counters());
        }
        return t;
    }

    SessionCounters totalSessionCounters() {
        SessionCounters t = new SessionCounters();
        for (SessionCounters c : sessionCounters) {
            t.add(c);
        }
        for (SessionCounters c : httpCounters) {
            if (c != null) {
                t.add(c);
            }
        }
        return t;
    }

    /** Session task runs per session opened: the seed's {@code process_session()} figure. */
    double taskRunsPerSession() {
        long opened = totalSessionCounters().opened();
        return opened == 0 ? 0 : (double) totalLoopCounters().sessionTaskRuns / opened;
    }

    String progress() {
        int open = 0;
        for (SessionSet s : sessionSets) {
            open += s.size();
        }
        int queued = 0;
        for (Backend b : backends) {
            queued += b.queued();
        }
        StringBuilder stuck = new StringBuilder();
        for (int i = 0, shown = 0; i < sessions.length && shown < 5; i++) {
            if (sessions[i] != null && !sessions[i].isClosed()) {
                stuck.append(shown++ == 0 ? " (" : "; ").append(i).append(": ").append(sessions[i]);
            }
        }
        if (!stuck.isEmpty()) {
            stuck.append(')');
        }
        for (Backend b : backends) {
            for (var server : b.servers()) {
                for (int i = 0; i < sessions.length; i++) {
                    if (sessions[i] != null && !sessions[i].isClosed() && SimChecks.uses(sessions[i], server)) {
                        stuck.append("; ").append(server.name()).append("'s slot held by ").append(i).append(": ")
                                .append(sessions[i]);
                    }
                }
            }
        }
        StringBuilder tls = new StringBuilder();
        for (int l = 0; l < tlsArenas.size(); l++) {
            BufferPool p = tlsArenas.get(l).pool();
            tls.append("; loop").append(l).append(" TLS arena free ").append(p.free()).append('/').append(p.size())
                    .append(" set aside ").append(p.earmarked()).append(", ").append(tlsArenas.get(l).claims());
            for (Criticality c : Criticality.values()) {
                tls.append(' ').append(c).append(" waiting ").append(p.waiting(c));
            }
        }
        for (int i = 0, shown = 0; i < relays.size() && shown < 5; i++) {
            SimTlsRelay r = relays.get(i);
            if (!r.over()) {
                tls.append(shown++ == 0 ? "; relays open: " : ", ").append(r.state());
            }
        }
        return finishedClients + "/" + clients.size() + " clients finished, " + open + " sessions open"
                + stuck + ", " + queued + " queued for a slot" + tls;
    }

    /** Mean and longest time from connect to the last response byte, over clients that completed. */
    String completionTimes() {
        long sum = 0;
        long max = 0;
        int n = 0;
        for (SimClientEnd c : clients) {
            if (c.outcome() == SimClient.Outcome.COMPLETE) {
                long t = c.finishedAt() - c.startedAt();
                sum += t;
                max = Math.max(max, t);
                n++;
            }
        }
        return n == 0 ? "none completed" : "completion mean " + SimWorld.millis(sum / n) + " ms, max " + SimWorld.millis(max) + " ms";
    }

    String summary() {
        LoopCounters lc = totalLoopCounters();
        return String.format("seed %d: %s; sessions %s; clients %s; %s; task runs/session %.2f; io retries %d (%d productive); "
                        + "stream refills %d; virtual %s ms; %d iterations, %d events",
                world.seed(), progress(), sessionOutcomes(), clientOutcomes(), completionTimes(), taskRunsPerSession(),
                lc.ioRetries, lc.ioRetriesProductive, lc.streamRefills, SimWorld.millis(world.now()), world.iterations(),
                world.eventsRun());
    }
}
