package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Started loops with their own pools; {@link #stop()} ends them and checks that every buffer came back. */
final class TestLoops {
    final List<EventLoop> loops = new ArrayList<>();
    final List<BufferPool> pools = new ArrayList<>();

    TestLoops(int count, int buffersPerLoop, int bufferSize) throws IOException {
        for (int i = 0; i < count; i++) {
            BufferPool pool = new BufferPool(buffersPerLoop, bufferSize, 0, System::nanoTime);
            EventLoop loop = new EventLoop(i, pool);
            pools.add(pool);
            loops.add(loop);
            loop.start();
        }
    }

    EventLoop get(int i) {
        return loops.get(i);
    }

    /** Stops every loop (closing what is still registered) and asserts that each pool is whole again. */
    void stop() {
        for (EventLoop loop : loops) {
            loop.stop();
        }
        for (BufferPool pool : pools) {
            pool.checkInvariants();
            assertEquals(pool.size(), pool.free(), "buffers not returned to the pool");
        }
    }
}
