package dev.sluice.sim;

import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.Clock;
import dev.sluice.loop.Loop;
import dev.sluice.loop.LoopCore;
import dev.sluice.loop.RunQueue;
import dev.sluice.loop.TimerQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@link Loop} whose thread is the simulator: the real {@link RunQueue},
 * {@link TimerQueue} and {@link BufferPool}, on the world's virtual clock.
 * {@link #iterate()} is one turn of an event loop: drain the inbox, deliver the
 * posted messages (slot grants), run the run queue (a bounded pass), expire
 * timers, then dispatch ready connections, level-triggered as a selector would.
 * Its inbox is unbounded: the simulation starts its sessions through it.
 *
 * <p>Not thread-safe: {@link #execute(Runnable)} too is called only by the
 * simulation's one thread, which stands for every loop thread at once.
 */
final class SimLoop extends LoopCore {
    /** Task runs per pass, as a real loop bounds its run queue so that I/O is not starved. */
    static final int RUN_PASS_LIMIT = 256;

    private final SimWorld world;
    private final int id;
    private final Clock clock;
    private final BufferPool pool;
    private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
    private ArrayList<SimConnection> ready = new ArrayList<>();
    private ArrayList<SimConnection> dispatching = new ArrayList<>();
    /** The Sluice-side connections this loop owns (closed ones pruned now and then), for the census of a stuck world. */
    private final ArrayList<SimConnection> owned = new ArrayList<>();
    private int pruneAt = 1024;

    SimLoop(SimWorld world, int id, int poolSize, int bufferSize, int reserve) {
        this(world, id, loop -> new BufferPool(poolSize, bufferSize, reserve, world::now));
    }

    /** A loop whose pool {@code pools} makes, given the loop (a comparison pool schedules its retries on it). */
    SimLoop(SimWorld world, int id, Function<SimLoop, BufferPool> pools) {
        this.world = world;
        this.id = id;
        this.clock = world::now;
        this.pool = pools.apply(this);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public BufferPool pool() {
        return pool;
    }

    @Override
    public void execute(Runnable work) {
        inbox.add(work);
    }

    @Override
    protected void messagePosted() {
        // The simulation's one thread delivers them in the next iteration.
    }

    /** The connection's state changed: look at it in the next dispatch. */
    void markReady(SimConnection c) {
        if (!c.inReadySet) {
            c.inReadySet = true;
            ready.add(c);
        }
    }

    void opened(SimConnection c) {
        // Long runs open millions of connections: forget the closed ones, amortised.
        if (owned.size() >= pruneAt) {
            owned.removeIf(o -> !o.isOpen());
            pruneAt = Math.max(1024, 2 * owned.size());
        }
        owned.add(c);
    }


    long nextDeadline() {
        return timers.nextDeadline();
    }

    /** One loop iteration. Returns whether it did anything. */
    boolean iterate() {
        boolean did = false;
        for (int n = inbox.size(); n > 0; n--) {
            inbox.poll().run();
            did = true;
        }
        did |= deliverMessages(SimLoop::rethrow) > 0;
        did |= runQueue.runAll(RUN_PASS_LIMIT) > 0;
        did |= timers.expire(world.now(), runQueue) > 0;
        did |= dispatch();
        return did;
    }

    /** The simulated select: readiness is marked as it arrives, so the ready set is the poll. */
    private boolean dispatch() {
        pollStarted();
        try {
            return dispatchReady();
        } finally {
            pollEnded();
        }
    }

    private boolean dispatchReady() {
        if (ready.isEmpty()) {
            return false;
        }
        ArrayList<SimConnection> batch = ready;
        ready = dispatching;
        dispatching = batch;
        boolean did = false;
        for (int i = 0; i < batch.size(); i++) {
            SimConnection c = batch.get(i);
            c.inReadySet = false;
            did |= c.dispatch();
            // Level-triggered: a connection still ready is reported again next turn.
            if (c.isReady()) {
                markReady(c);
            }
        }
        batch.clear();
        return did;
    }

    /** A message that throws fails the run, as an inbox item does. */
    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    String describe() {
        StringBuilder sb = new StringBuilder("loop").append(id).append("[pool free ").append(pool.free())
                .append('/').append(pool.size()).append(" reserve ").append(pool.reserve());
        for (Criticality c : Criticality.values()) {
            sb.append(", ").append(c).append(" waiting ").append(pool.waiting(c));
        }
        sb.append(", runQueue ").append(runQueue.size()).append(", timers ").append(timers.size())
                .append(", task runs ").append(counters.sessionTaskRuns);
        Map<String, Integer> census = new TreeMap<>();
        for (SimConnection c : owned) {
            String why = c.stuckAs();
            if (why != null) {
                census.merge(why, 1, Integer::sum);
            }
        }
        return sb.append(", open connections ").append(census).append(']').toString();
    }
}
