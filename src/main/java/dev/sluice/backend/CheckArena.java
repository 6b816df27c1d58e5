package dev.sluice.backend;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.util.function.LongSupplier;

/**
 * One loop's memory for health checks: a few buffers carved at start-up from
 * an arena of their own, apart from the loop's client pool, each given for
 * good to one check (at most one to send from and one to read into, and none
 * for a check that only connects). A check therefore never asks the client
 * pool for anything, never waits for a buffer, and cannot fail, or make a
 * session wait, because the client pool is dry.
 *
 * <p>Its size is fixed by the configuration (the checks of this loop) and
 * reported in the counters: {@link #buffers()} of {@link #bufferSize()} bytes.
 *
 * <p>Not thread-safe: owned by one loop, filled before it runs.
 */
public final class CheckArena {
    private final BufferPool pool;
    private final int buffers;
    private final int bufferSize;

    /**
     * @param buffers    how many buffers the checks of this loop take (see {@link #buffersFor})
     * @param bufferSize their size: {@code tune.bufsize}, or a check's largest request if that is larger
     */
    public CheckArena(int buffers, int bufferSize, LongSupplier clock) {
        if (buffers < 0 || bufferSize < 1) {
            throw new IllegalArgumentException("check arena of " + buffers + " buffers of " + bufferSize + " bytes");
        }
        this.buffers = buffers;
        this.bufferSize = bufferSize;
        this.pool = buffers == 0 ? null : new BufferPool(buffers, bufferSize, 0, clock);
    }

    /** The buffers one server's check takes: one to send from if its script sends, one to read into if it expects. */
    public static int buffersFor(HealthCheckSpec spec, ServerCheckSpec server) {
        int n = spec.largestSend() > 0 || server.sendProxy() ? 1 : 0;
        return n + (spec.expects() ? 1 : 0);
    }

    /** The size a check's buffers must have: {@code bufsize}, or its largest request with a PROXY header. */
    public static int bufferSizeFor(HealthCheckSpec spec, int bufsize) {
        return Math.max(bufsize, spec.largestSend() + ProxyHeader.MAX_V1_LENGTH);
    }

    /** A buffer for one check, for good. Running out is a sizing bug, not a state to wait in. */
    Buffer take() {
        Buffer b = pool == null ? null : pool.tryAllocate(Criticality.CRITICAL);
        if (b == null) {
            throw new IllegalStateException("the check arena of " + buffers + " buffers is exhausted: sized wrong");
        }
        return b;
    }

    public int buffers() {
        return buffers;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Bytes carved for checks on this loop. */
    public long bytes() {
        return (long) buffers * bufferSize;
    }

    /** Buffers given to checks so far. */
    public int inUse() {
        return pool == null ? 0 : pool.inUse();
    }
}
