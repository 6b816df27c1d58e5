package dev.sluice.bench;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;
import dev.sluice.buffer.Criticality;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The pool's hot paths, one loop thread, no contention (the pool is owned by
 * one loop, so this is the only case production sees). Run through
 * {@code bench/jmh.sh}; add {@code -prof gc} to see bytes allocated per operation,
 * which must read 0.
 *
 * <p>Each JMH thread gets its own pool ({@link Scope#Thread}), as each event loop does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BufferPoolBench {
    /** Production-like shape: 16 KiB buffers, a reserve, most of the pool free. */
    private BufferPool pool;

    /** A one-buffer pool whose buffer is held, so that a NORMAL request must wait. */
    private BufferPool tightPool;
    private Buffer held;
    private final Catcher waiter = new Catcher();

    /** The same, on a clock that never moves: the difference is what reading the wait time costs. */
    private BufferPool frozenClockPool;
    private Buffer frozenHeld;

    /** Records the handed buffer, as a connection's receive would, and nothing else. */
    static final class Catcher extends BufferWaiter {
        Buffer buffer;

        @Override
        protected void onBuffer(Buffer handed) {
            buffer = handed;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = new BufferPool(256, 16384, 16, System::nanoTime);
        tightPool = new BufferPool(1, 16384, 0, System::nanoTime);
        held = tightPool.tryAllocate(Criticality.NORMAL);
        frozenClockPool = new BufferPool(1, 16384, 0, () -> 0L);
        frozenHeld = frozenClockPool.tryAllocate(Criticality.NORMAL);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.checkInvariants();
        tightPool.checkInvariants();
        frozenClockPool.checkInvariants();
        if (pool.inUse() != 0 || tightPool.inUse() != 1 || frozenClockPool.inUse() != 1
                || tightPool.counters().failedWakeups(Criticality.NORMAL) != 0) {
            throw new IllegalStateException("benchmark left the pools in a wrong state");
        }
    }

    @Benchmark
    public Buffer allocateReleaseNormal() {
        Buffer b = pool.tryAllocate(Criticality.NORMAL);
        pool.release(b);
        return b;
    }

    @Benchmark
    public Buffer allocateReleaseCritical() {
        Buffer b = pool.tryAllocate(Criticality.CRITICAL);
        pool.release(b);
        return b;
    }

    /**
     * One full wait cycle: the request waits (the pool's only buffer is held),
     * the holder releases and the buffer is handed to the waiter, the waiter
     * releases it to the free list, and the holder takes it again.
     */
    @Benchmark
    public Buffer handoffCycle() {
        held = waitForHandoff(tightPool, held);
        return held;
    }

    /** {@link #handoffCycle()} without the two {@code System.nanoTime()} reads of the wait time. */
    @Benchmark
    public Buffer handoffCycleFrozenClock() {
        frozenHeld = waitForHandoff(frozenClockPool, frozenHeld);
        return frozenHeld;
    }

    /** A request queues and is cancelled (its session closed while it waited); nothing is released. */
    @Benchmark
    public BufferWaiter waitCancelCycle() {
        if (frozenClockPool.allocateOrWait(Criticality.NORMAL, waiter) != null) {
            throw new IllegalStateException("the waiter should have had to wait");
        }
        frozenClockPool.cancel(waiter);
        return waiter;
    }

    /** Runs one wait-handoff-release cycle on a one-buffer pool and returns the buffer held again. */
    private Buffer waitForHandoff(BufferPool onePool, Buffer holder) {
        if (onePool.allocateOrWait(Criticality.NORMAL, waiter) != null) {
            throw new IllegalStateException("the waiter should have had to wait");
        }
        onePool.release(holder);
        Buffer handed = waiter.buffer;
        waiter.buffer = null;
        onePool.release(handed);
        return onePool.tryAllocate(Criticality.NORMAL);
    }
}
