package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.http.PersistCookie;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Cookie persistence under the deadlock scenario's pressure: 10 buffers with a
 * reserve of 2, two servers of {@code maxconn 1}, 200 keep-alive clients whose
 * cookies name one server each, bodies several buffers long. A persistent
 * request waits in its own server's queue while the other server may be free,
 * exactly as a request a hash chose does, and its cookie's edits take no buffer
 * (they use the head's rewrite room). So the argument of the hashed queue
 * holds: only a slot holder moves bytes of a server exchange, and its buffers
 * are critical. Every request completes byte-exact, and each went to the
 * server its cookie named. Stick-table persistence ({@code stick on
 * req.cook(SRV)}, the table's entries naming each client's server) takes the
 * same path, under the same pressure: its lookup and its store take no
 * buffer and wait for nothing but the table's lock.
 */
class PersistenceScenarioTest {
    private static SimScenario workload(PersistCookie.Options cookie) {
        SimScenario w = pressure();
        return cookie == null ? w.stickPersistence() : w.persistence(cookie);
    }

    private static SimScenario pressure() {
        return SimScenario.http()
                .bufsize(HttpDeadlockScenarioTest.BUFSIZE)
                .server(1)
                .server(1)
                .clients(200)
                .requests(1, 3)
                .pipelining(2)
                .upload(HttpDeadlockScenarioTest.BUFSIZE, 4 * HttpDeadlockScenarioTest.BUFSIZE)
                .download(HttpDeadlockScenarioTest.BUFSIZE, 4 * HttpDeadlockScenarioTest.BUFSIZE)
                .bodies(0.5, 0.3)
                .arrivalsWithinMillis(100)
                .httpBehaviors(4, 1, 0, 0, 0, 0)
                .pool(10, 2);
    }

    private static PersistCookie.Options options(PersistCookie.Mode mode, boolean indirect) {
        return new PersistCookie.Options(mode, indirect, true, false, false, true, false, List.of(), List.of());
    }

    @Test
    void everyRequestReachesTheServerItsCookieNamesAndNoneStalls(TestInfo test) {
        for (PersistCookie.Options cookie : List.of(options(PersistCookie.Mode.INSERT, true),
                options(PersistCookie.Mode.INSERT, false), options(PersistCookie.Mode.PREFIX, false))) {
            SimSeeds.forEach(test, 3, seed -> {
                SimRun run = workload(cookie).run(seed);
                System.out.println("persistence " + cookie.mode() + (cookie.indirect() ? " indirect " : " ")
                        + run.summary());
                assertPersisted(run, "cookie");
            });
        }
    }

    @Test
    void everyRequestReachesTheServerItsStickEntryNamesAndNoneStalls(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = workload(null).run(seed);
            System.out.println("stick persistence " + run.summary());
            assertPersisted(run, "stick entry");
            List<Server> servers = run.backends.get(0).servers();
            for (int i = 0; i < servers.size(); i++) {
                byte[] key = servers.get(i).name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals(i + 1, dev.sluice.stick.StickTable.serverId(run.stickTable.matchServer(key, key.length,
                        false)), "each answer stored the key again, naming the same server");
            }
            assertEquals(2, run.stickTable.entries(), "no other key was stored");
        });
    }

    /** Every request completed, each server served exactly the requests whose {@code what} named it, under pressure. */
    private static void assertPersisted(SimRun run, String what) {
        run.assertCompletedCleanly();
        Backend backend = run.backends.get(0);
        for (int i = 0; i < backend.servers().size(); i++) {
            Server s = backend.servers().get(i);
            assertEquals(run.persistentRequests[i], s.sessions(), s.name() + " served other requests than those"
                    + " whose " + what + " named it");
        }
        assertTrue(run.persistentRequests[0] > 0 && run.persistentRequests[1] > 0);
        assertTrue(backend.peakQueued() > 1, "nobody waited: the scenario put no pressure on the slots");
    }
}
