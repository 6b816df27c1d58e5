package dev.sluice.sim;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.session.SessionCounters;
import dev.sluice.session.SessionSet;
import dev.sluice.session.SessionTimeouts;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.TcpFrontend;
import dev.sluice.session.TcpSession;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A TCP-mode workload, described fluently and run from a seed: the loops and
 * their pools, one backend and its servers, the clients and how they behave,
 * the network's shape and the session timeouts. {@link #run(long)} builds a
 * fresh {@link SimWorld}, drives the real {@link TcpSession} code through it
 * and returns a {@link SimRun} to check.
 *
 * <pre>{@code
 * SimRun run = SimScenario.tcp().pool(3, 1).bufsize(1024)
 *         .server(1).clients(1000).upload(3000, 5000).download(3000, 5000)
 *         .run(seed);
 * run.assertCompletedCleanly();
 * }</pre>
 */
final class SimScenario {
    private enum Health { ALIVE, DEAD, SILENT }

    private record ServerSpec(int maxconn, int maxqueue, Health health, double stallChance, double resetChance) {
    }

    private int loops = 1;
    private int poolSize = 3;
    private int reserve = 1;
    private int bufsize = 1024;
    private final List<ServerSpec> servers = new ArrayList<>();
    private SimServer.Mode mode = SimServer.Mode.DOWNLOAD;
    private int clients = 100;
    private int uploadMin = 2048;
    private int uploadMax = 4096;
    private int downloadMin = 2048;
    private int downloadMax = 4096;
    private long arrivalWindowNanos = 50_000_000L;
    private final double[] behaviorWeights = {1, 0, 0, 0};
    private long slowPauseNanos = 2_000_000L;
    private SessionTimeouts timeouts = new SessionTimeouts(0, 0, 0, 0);
    private long minLatencyNanos = 20_000L;
    private long maxLatencyNanos = 500_000L;
    private long bytesPerMilli = 100_000L;
    private int segmentMax = 512;
    private int minWindow = 512;
    private int maxWindow = 2048;
    private long stallNanos = 30_000_000_000L;
    private long limitNanos = 3_600_000_000_000L;

    private SimScenario() {
    }

    static SimScenario tcp() {
        return new SimScenario();
    }

    SimScenario loops(int n) {
        this.loops = n;
        return this;
    }

    /** Buffers per loop, and how many of them only critical allocations may take. */
    SimScenario pool(int size, int reserveBuffers) {
        this.poolSize = size;
        this.reserve = reserveBuffers;
        return this;
    }

    SimScenario bufsize(int bytes) {
        this.bufsize = bytes;
        return this;
    }

    /** Adds a live, well-behaved server with this {@code maxconn} (0: none) and no queue bound. */
    SimScenario server(int maxconn) {
        return server(maxconn, 0, 0, 0);
    }

    /** Adds a live server whose connections stall, or reset mid-response, with these chances. */
    SimScenario server(int maxconn, int maxqueue, double stallChance, double resetChance) {
        servers.add(new ServerSpec(maxconn, maxqueue, Health.ALIVE, stallChance, resetChance));
        return this;
    }

    /** Adds a server in the backend that refuses every connection. */
    SimScenario deadServer(int maxconn) {
        servers.add(new ServerSpec(maxconn, 0, Health.DEAD, 0, 0));
        return this;
    }

    /** Adds a server in the backend that never answers a connect. */
    SimScenario silentServer(int maxconn) {
        servers.add(new ServerSpec(maxconn, 0, Health.SILENT, 0, 0));
        return this;
    }

    SimScenario mode(SimServer.Mode m) {
        this.mode = m;
        return this;
    }

    SimScenario clients(int n) {
        this.clients = n;
        return this;
    }

    /** Upload sizes, drawn uniformly per client. */
    SimScenario upload(int min, int max) {
        this.uploadMin = Math.max(min, Payload.HEADER);
        this.uploadMax = Math.max(max, uploadMin);
        return this;
    }

    /** Response sizes (DOWNLOAD mode), drawn from each upload's hash. */
    SimScenario download(int min, int max) {
        this.downloadMin = min;
        this.downloadMax = Math.max(max, min);
        return this;
    }

    /** Clients arrive uniformly within this many milliseconds from the start. */
    SimScenario arrivalsWithinMillis(long ms) {
        this.arrivalWindowNanos = Math.max(1, ms * 1_000_000L);
        return this;
    }

    /** Relative weights of client behaviours: fast, slow, vanish, idle. */
    SimScenario behaviors(double fast, double slow, double vanish, double idle) {
        behaviorWeights[0] = fast;
        behaviorWeights[1] = slow;
        behaviorWeights[2] = vanish;
        behaviorWeights[3] = idle;
        return this;
    }

    SimScenario timeouts(SessionTimeouts t) {
        this.timeouts = t;
        return this;
    }

    /** One-way latency range per connection, in microseconds. */
    SimScenario latencyMicros(long min, long max) {
        this.minLatencyNanos = min * 1_000L;
        this.maxLatencyNanos = Math.max(max, min) * 1_000L;
        return this;
    }

    /** Send window range per connection, in bytes. */
    SimScenario window(int min, int max) {
        this.minWindow = min;
        this.maxWindow = Math.max(max, min);
        return this;
    }

    SimScenario segmentMax(int bytes) {
        this.segmentMax = bytes;
        return this;
    }

    /** Virtual time without progress, while work is pending, after which the run is declared deadlocked. */
    SimScenario stallAfterMillis(long ms) {
        this.stallNanos = ms * 1_000_000L;
        return this;
    }

    SimRun run(long seed) {
        SimWorld world = new SimWorld(seed);
        SplittableRandom random = world.random();
        List<Server> backendServers = new ArrayList<>();
        Map<InetSocketAddress, SimServer> simServers = new HashMap<>();
        List<SimServer> serverList = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            ServerSpec spec = servers.get(i);
            InetSocketAddress address = InetSocketAddress.createUnresolved("server" + i, 80);
            backendServers.add(new Server("server" + i, address, spec.maxconn(), spec.maxqueue()));
            SimServer s = new SimServer(world, address, mode, downloadMin, downloadMax, spec.stallChance(), spec.resetChance());
            if (spec.health() == Health.DEAD) {
                s.kill();
            } else if (spec.health() == Health.SILENT) {
                s.silence();
            }
            simServers.put(address, s);
            serverList.add(s);
        }
        Backend backend = new Backend("backend", backendServers);
        TcpFrontend frontend = new TcpFrontend("frontend", backend, timeouts, new ConnectionLimit("frontend", 0));
        SimRun run = new SimRun(world, backend, serverList, clients);
        run.frontend = frontend;
        for (int l = 0; l < loops; l++) {
            SimLoop loop = world.addLoop(poolSize, bufsize, reserve);
            run.sessionSets.add(new SessionSet());
            run.sessionCounters.add(new SessionCounters());
            run.connectors.add(new SimConnector(world, loop, simServers, () -> drawLink(random)));
        }
        for (int i = 0; i < clients; i++) {
            startClient(run, i, random);
        }
        SimWorld.Ending ending = world.run(() -> run.finishedClients == clients, stallNanos, limitNanos);
        run.ending(ending);
        return run;
    }

    private SimLink drawLink(SplittableRandom random) {
        return SimLink.draw(random, minLatencyNanos, maxLatencyNanos, bytesPerMilli, segmentMax, minWindow, maxWindow);
    }

    private void startClient(SimRun run, int id, SplittableRandom random) {
        SimWorld world = run.world;
        int loopIndex = id % loops;
        SimLoop loop = world.loops().get(loopIndex);
        int length = uploadMin + random.nextInt(uploadMax - uploadMin + 1);
        byte[] upload = Payload.upload(id, length);
        byte[] expected = mode == SimServer.Mode.ECHO ? upload : Payload.download(Payload.hash(upload), downloadMin, downloadMax);
        SimClient client = new SimClient(world, id, drawBehavior(random), upload, expected, slowPauseNanos);
        client.onFinish(() -> run.finishedClients++);
        run.clients.add(client);
        long arrival = random.nextLong(arrivalWindowNanos);
        SimLink link = drawLink(random);
        world.at(arrival, () -> {
            SimConnection[] pair = SimConnection.pair(world, "client" + id, link, loop, client);
            client.start(pair[1]);
            // Accepted by the loop in its next turn, as a listener's accept would be.
            loop.execute(() -> run.sessions[id] = run.frontend.tryEnter() ? TcpSession.start(loop, run.connectors.get(loopIndex), run.frontend,
                    run.sessionSets.get(loopIndex), run.sessionCounters.get(loopIndex), pair[0]) : null);
        });
    }

    private SimClient.Behavior drawBehavior(SplittableRandom random) {
        double total = 0;
        for (double w : behaviorWeights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        SimClient.Behavior[] all = SimClient.Behavior.values();
        for (int i = 0; i < all.length; i++) {
            x -= behaviorWeights[i];
            if (x < 0) {
                return all[i];
            }
        }
        return SimClient.Behavior.FAST;
    }
}
