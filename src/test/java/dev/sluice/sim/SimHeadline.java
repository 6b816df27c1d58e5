package dev.sluice.sim;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.buffer.ComparisonPool;
import dev.sluice.loop.LoopCounters;
import dev.sluice.loop.Task;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionSet;
import dev.sluice.session.SessionTimeouts;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.TcpSession;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seed's headline workload, built for very long runs: a closed loop of
 * {@code users} TCP clients on one loop, each starting a new session as soon
 * as its last one ended, until {@code sessions} sessions have run. Nothing is
 * kept per session (a million fit in a small heap): the run counts task runs,
 * buffer waits and failed wakeups, and checks every client completed
 * byte-exact, every session ended DONE and the pool is whole at the end.
 *
 * <p>One server with {@code maxconn users / 4}: a quarter of the sessions hold
 * a slot, the rest queue with their request read, so all three criticality
 * classes allocate. Demand is two buffers per user; the pool decides how much
 * of it is met.
 *
 * <p>Not thread-safe: the test's thread alone.
 */
final class SimHeadline {
    static final int BUFSIZE = 1024;
    static final int RESERVE = 2;

    /** What one run measured. */
    record Result(String policy, int pool, int sessions, long taskRuns, long waits, long failedWakeups, long ioRetries,
                  long virtualNanos, long meanCompletionNanos, long wallNanos) {
        double runsPerSession() {
            return (double) taskRuns / sessions;
        }
    }

    private SimHeadline() {
    }

    static Result run(long seed, String policy, int poolSize, int sessions, int users) {
        long wallStart = System.nanoTime();
        SimWorld world = new SimWorld(seed);
        SplittableRandom random = world.random();
        InetSocketAddress address = InetSocketAddress.createUnresolved("server0", 80);
        Backend backend = new Backend("backend", List.of(new Server("server0", address, Math.max(1, users / 4), 0)));
        SimServer origin = new SimServer(world, address, SimServer.Mode.DOWNLOAD, 2 * BUFSIZE, 4 * BUFSIZE, 0, 0);
        TcpFrontend frontend = new TcpFrontend("frontend", backend, new SessionTimeouts(0, 0, 0, 0),
                new ConnectionLimit("frontend", 0));
        SimLoop loop = world.addLoop(l -> pool(policy, poolSize, world, l));
        SessionSet set = new SessionSet();
        SessionCounters counters = new SessionCounters();
        SimConnector connector = new SimConnector(world, loop, Map.of(address, origin), () -> link(random));
        long[] tally = new long[3]; // started, completed, sum of completion times
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (tally[0] == sessions) {
                return;
            }
            int id = (int) tally[0]++;
            byte[] upload = Payload.upload(id, BUFSIZE + random.nextInt(BUFSIZE + 1));
            byte[] expected = Payload.download(Payload.hash(upload), 2 * BUFSIZE, 4 * BUFSIZE);
            SimClient client = new SimClient(world, id, SimClient.Behavior.FAST, upload, expected, 0);
            client.onFinish(() -> {
                if (client.outcome() != SimClient.Outcome.COMPLETE) {
                    throw new SimFailure(client.describe());
                }
                tally[1]++;
                tally[2] += client.finishedAt() - client.startedAt();
                world.after(random.nextLong(100_000L), next[0]);
            });
            SimConnection[] pair = SimConnection.pair(world, "client" + id, link(random), loop, client);
            client.start(pair[1]);
            loop.execute(() -> {
                if (!frontend.limit().tryEnter()) {
                    throw new SimFailure("frontend refused session " + id);
                }
                TcpSession.start(loop, connector, frontend, set, counters, pair[0]);
            });
        };
        for (int u = 0; u < users; u++) {
            world.at(random.nextLong(10_000_000L), next[0]);
        }
        SimWorld.Ending ending = world.run(() -> tally[1] == sessions, 30_000_000_000L, Long.MAX_VALUE);
        if (ending == SimWorld.Ending.DEADLOCK) {
            throw new SimFailure(policy + " pool " + poolSize + ": deadlock after " + tally[1] + " sessions: " + world.deadlock());
        }
        BufferPool pool = loop.pool();
        pool.checkInvariants();
        if (pool.free() != pool.size() || pool.waitingTotal() != 0 || set.size() != 0
                || counters.ended(SessionOutcome.DONE) != sessions) {
            throw new SimFailure(policy + " pool " + poolSize + " ended with " + pool.free() + "/" + pool.size()
                    + " buffers free, " + pool.waitingTotal() + " waiters, " + set.size() + " sessions open, "
                    + counters.ended(SessionOutcome.DONE) + " DONE of " + sessions);
        }
        long waits = 0;
        long failed = 0;
        for (Criticality c : Criticality.values()) {
            waits += pool.counters().waits(c);
            failed += pool.counters().failedWakeups(c);
        }
        LoopCounters lc = loop.counters();
        return new Result(policy, poolSize, sessions, lc.sessionTaskRuns, waits, failed, lc.ioRetries,
                world.now(), tally[2] / sessions, System.nanoTime() - wallStart);
    }

    /**
     * The production pool for {@code "HANDOFF"}; otherwise a comparison pool whose
     * woken waiters retry in a task of their own on the loop's run queue, later
     * in the pass, as the seed's woken sessions ran: by then another allocation
     * may have taken the buffer.
     */
    private static BufferPool pool(String policy, int poolSize, SimWorld world, SimLoop loop) {
        if (policy.equals("HANDOFF")) {
            return new BufferPool(poolSize, BUFSIZE, RESERVE, world::now);
        }
        return new ComparisonPool(ComparisonPool.policy(policy), poolSize, BUFSIZE, RESERVE, world::now,
                (waiter, retry) -> loop.schedule(new Task() {
                    @Override
                    protected void run() {
                        retry.run();
                    }
                }));
    }

    private static SimLink link(SplittableRandom random) {
        return SimLink.draw(random, 20_000L, 500_000L, 100_000L, 512, 512, 2048);
    }
}
