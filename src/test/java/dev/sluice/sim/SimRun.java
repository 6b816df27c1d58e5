package dev.sluice.sim;

import dev.sluice.backend.Backend;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionSet;
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
    final Backend backend;
    TcpFrontend frontend;
    final List<SimServer> servers;
    final List<SimClient> clients = new ArrayList<>();
    final TcpSession[] sessions;
    final List<SessionSet> sessionSets = new ArrayList<>();
    final List<SessionCounters> sessionCounters = new ArrayList<>();
    final List<SimConnector> connectors = new ArrayList<>();
    int finishedClients;
    private SimWorld.Ending ending;

    SimRun(SimWorld world, Backend backend, List<SimServer> servers, int clientCount) {
        this.world = world;
        this.backend = backend;
        this.servers = servers;
        this.sessions = new TcpSession[clientCount];
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
            if (sessions[i].outcome() == null) {
                throw new SimFailure("client " + i + "'s session is still open (client " + clients.get(i).outcome() + ")");
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
                if (pool.failedWakeups(c) != 0) {
                    throw new SimFailure("loop" + loop.id() + ": " + pool.failedWakeups(c) + " failed " + c + " wakeups");
                }
            }
            if (loop.counters().taskFailures != 0) {
                throw new SimFailure("loop" + loop.id() + ": " + loop.counters().taskFailures + " task failures");
            }
        }
        for (SessionSet set : sessionSets) {
            if (set.size() != 0) {
                throw new SimFailure(set.size() + " sessions left in a session set");
            }
        }
        for (var s : backend.servers()) {
            if (s.slotsInUse() != 0) {
                throw new SimFailure("server " + s.name() + " still has " + s.slotsInUse() + " slots in use");
            }
        }
        if (backend.queued() != 0) {
            throw new SimFailure(backend.queued() + " sessions still queued on the backend");
        }
        SessionCounters total = totalSessionCounters();
        if (total.opened() != sessions.length || total.closed() != sessions.length) {
            throw new SimFailure("sessions opened " + total.opened() + ", closed " + total.closed() + ", expected " + sessions.length);
        }
    }

    /** {@link #assertNoLeaks()}, and every exchange completed byte-exact with a clean end. */
    void assertCompletedCleanly() {
        assertNoLeaks();
        for (int i = 0; i < sessions.length; i++) {
            SimClient c = clients.get(i);
            if (c.outcome() != SimClient.Outcome.COMPLETE || sessions[i].outcome() != SessionOutcome.DONE) {
                throw new SimFailure("client " + i + " ended " + c.outcome() + " with " + c.received() + " of "
                        + c.expectedLength() + " bytes; its session ended " + sessions[i].outcome());
            }
        }
    }

    /** A session that says DONE delivered everything: its client completed, unless it vanished on purpose. */
    void assertOutcomesAgree() {
        for (int i = 0; i < sessions.length; i++) {
            SimClient c = clients.get(i);
            if (sessions[i].outcome() == SessionOutcome.DONE && c.outcome() != SimClient.Outcome.COMPLETE
                    && c.outcome() != SimClient.Outcome.VANISHED) {
                throw new SimFailure("client " + i + "'s session ended DONE but the client ended " + c.outcome()
                        + " with " + c.received() + " of " + c.expectedLength() + " bytes");
            }
        }
    }

    Map<SessionOutcome, Integer> sessionOutcomes() {
        Map<SessionOutcome, Integer> m = new EnumMap<>(SessionOutcome.class);
        for (TcpSession s : sessions) {
            if (s != null && s.outcome() != null) {
                m.merge(s.outcome(), 1, Integer::sum);
            }
        }
        return m;
    }

    Map<SimClient.Outcome, Integer> clientOutcomes() {
        Map<SimClient.Outcome, Integer> m = new EnumMap<>(SimClient.Outcome.class);
        for (SimClient c : clients) {
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
        return finishedClients + "/" + clients.size() + " clients finished, " + open + " sessions open, "
                + backend.queued() + " queued for a slot";
    }

    /** Mean and longest time from connect to the last response byte, over clients that completed. */
    String completionTimes() {
        long sum = 0;
        long max = 0;
        int n = 0;
        for (SimClient c : clients) {
            if (c.outcome() == SimClient.Outcome.COMPLETE) {
                long t = c.finishedAt - c.startedAt;
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
                        + "virtual %s ms; %d iterations, %d events",
                world.seed(), progress(), sessionOutcomes(), clientOutcomes(), completionTimes(), taskRunsPerSession(),
                lc.ioRetries, lc.ioRetriesProductive, SimWorld.millis(world.now()), world.iterations(), world.eventsRun());
    }
}
