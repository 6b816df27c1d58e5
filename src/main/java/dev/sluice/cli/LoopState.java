package dev.sluice.cli;

import dev.sluice.backend.IdleServerConnections;
import dev.sluice.buffer.BufferPool;
import dev.sluice.config.Global;
import dev.sluice.loop.Clock;
import dev.sluice.loop.EventLoop;
import dev.sluice.session.SessionCounters;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * One loop and what its sessions need there, whatever their generation: made
 * once at start-up, with its buffer pool carved from its own arena, and kept
 * for the process's life.
 */
record LoopState(EventLoop loop, SessionCounters counters, IdleServerConnections idle) {
    /**
     * The most idle server connections kept per server and loop when
     * {@code pool-max-conn} sets no limit, so that their memory stays bounded.
     */
    private static final int IDLE_CONNECTIONS_PER_SERVER = 256;

    /**
     * Loop {@code id}, not started, with {@code fixed}'s buffers. When it
     * closes, the checks of every generation {@code generations} gives stop
     * on it, their sessions there are aborted and its idle connections closed.
     */
    static LoopState create(int id, Global fixed, Supplier<List<Generation>> generations) throws IOException {
        Clock clock = Clock.SYSTEM;
        BufferPool pool = new BufferPool(Arenas.loopArena((long) fixed.buffersPerLoop() * fixed.bufsize()),
                fixed.buffersPerLoop(), fixed.bufsize(), fixed.buffersReserve(), clock::nanoTime);
        EventLoop loop = new EventLoop(id, pool);
        IdleServerConnections idle = new IdleServerConnections(loop, IDLE_CONNECTIONS_PER_SERVER);
        loop.onClose(() -> {
            for (Generation g : generations.get()) {
                g.checks.stop(loop);
                g.sessions.get(id).abortAll();
            }
            idle.closeAll();
        });
        return new LoopState(loop, new SessionCounters(), idle);
    }
}
