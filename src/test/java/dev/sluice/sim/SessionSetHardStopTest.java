package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferPool;
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
import org.junit.jupiter.api.Test;

/**
 * A hard stop through the loop's session set: every session still open, the
 * ones holding a slot on a server that never answers and the ones queued
 * behind them, is aborted; the set empties, every buffer and slot comes back.
 */
class SessionSetHardStopTest {
    @Test
    void abortAllEndsEveryOpenSessionAndGivesEverythingBack() {
        int clients = 20;
        SimWorld world = new SimWorld(7);
        InetSocketAddress address = InetSocketAddress.createUnresolved("server0", 80);
        Server server = new Server("server0", address, 2, 0);
        Backend backend = new Backend("backend", List.of(server));
        // Reads every request and never answers.
        SimServer origin = new SimServer(world, address, SimServer.Mode.DOWNLOAD, 1024, 2048, 1.0, 0);
        TcpFrontend frontend = new TcpFrontend("frontend", backend, new SessionTimeouts(0, 0, 0, 0),
                new ConnectionLimit("frontend", 0));
        SimLoop loop = world.addLoop(8, 1024, 2);
        SessionSet set = new SessionSet();
        SessionCounters counters = new SessionCounters();
        SimLink link = new SimLink(50_000L, 1_000_000L, 1024, 4096);
        SimConnector connector = new SimConnector(world, loop, Map.of(address, origin), () -> link);
        for (int id = 0; id < clients; id++) {
            byte[] upload = Payload.upload(id, 1500);
            SimClient client = new SimClient(world, id, SimClient.Behavior.FAST, upload, new byte[0], 0);
            SimConnection[] pair = SimConnection.pair(world, "client" + id, link, loop, client);
            client.start(pair[1]);
            loop.execute(() -> {
                assertTrue(frontend.limit().tryEnter());
                TcpSession.start(loop, connector, frontend, set, counters, pair[0]);
            });
        }
        world.run(() -> true, Long.MAX_VALUE, 10_000_000_000L);
        assertEquals(clients, set.size(), "nobody can finish: the server never answers");
        assertEquals(2, server.slotsInUse());
        assertEquals(clients - 2, backend.queued());

        loop.execute(set::abortAll);
        world.run(() -> true, Long.MAX_VALUE, 20_000_000_000L);

        assertEquals(0, set.size());
        assertEquals(clients, counters.ended(SessionOutcome.HARD_STOP));
        assertEquals(0, server.slotsInUse());
        assertEquals(0, backend.queued());
        BufferPool pool = loop.pool();
        pool.checkInvariants();
        assertEquals(pool.size(), pool.free(), "every buffer is back");
        assertEquals(0, pool.waitingTotal());
    }
}
