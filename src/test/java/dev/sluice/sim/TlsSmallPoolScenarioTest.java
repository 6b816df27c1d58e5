package dev.sluice.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * TLS on a pool far smaller than its load: five client buffers on the loop
 * (reserve 2), six record buffers, 50 keep-alive clients making 3 to 6
 * requests each, in front of a server with and without {@code maxconn}. Small
 * uploads and downloads, so that records are short and many sessions ask for
 * a record buffer at once.
 *
 * <p>It found a livelock: a record buffer handed to a waiting connection was
 * given back at once by the flush that starts its next write (it held no
 * bytes yet), to the next waiter, whose write did the same: two sessions
 * handed one buffer to each other forever, at full CPU. A write now flushes
 * only what is owed, and keeps a buffer handed over for the wrap that follows.
 *
 * <p>It found a deadlock across the two pools too: with TLS on both sides
 * and servers without {@code maxconn}, every session holds a slot at once,
 * and the client pool ran dry under slot holders holding their requests
 * while they waited for records of their server handshakes, and the arena
 * under slot holders holding their responses' records while they waited for
 * a client buffer to decrypt into (0 to 4 of 50 clients finished). Each
 * pool's own lanes allowed every take. A slot holder whose exchange moves
 * records now claims its whole set in both pools first ({@code
 * BufferClaim}, docs/design.md, "One account across the pools").
 */
class TlsSmallPoolScenarioTest {
    private static SimScenario workload(int maxconn) {
        return SimScenario.http().bufsize(1024).server(maxconn).clients(50).requests(3, 6).upload(64, 512)
                .download(100, 2048).arrivalsWithinMillis(20).pool(5, 2);
    }

    private static final SimScenario.TlsSpec SIX_RECORDS = new SimScenario.TlsSpec(0, 0, 6);

    @Test
    void tlsFromClientsWithAndWithoutMaxconn(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            workload(0).tls(SIX_RECORDS).run(seed).assertCompletedCleanly();
            workload(1).tls(SIX_RECORDS).run(seed).assertCompletedCleanly();
        });
    }

    @Test
    void tlsToServersWithAndWithoutMaxconn(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            workload(0).tlsToServers().run(seed).assertCompletedCleanly();
            workload(1).tlsToServers().run(seed).assertCompletedCleanly();
        });
    }

    /** The cross-pool deadlock's shape, which stalled on its first seed: TLS both ways and no maxconn. */
    @Test
    void tlsOnBothSidesWithoutMaxconn(TestInfo test) {
        SimSeeds.forEach(test, 4, seed -> {
            SimRun run = workload(0).tls(SIX_RECORDS).tlsToServers().run(seed);
            run.assertCompletedCleanly();
            TlsDeadlockScenarioTest.assertServersSpokeTls(run);
            assertClaimsWaited(run);
        });
    }

    /** Several slot holders behind a limit too: two servers of maxconn 2. */
    @Test
    void tlsOnBothSidesBehindTwoServersOfMaxconnTwo(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> workload(2).server(2).tls(SIX_RECORDS).tlsToServers().run(seed)
                .assertCompletedCleanly());
    }

    /** The same in mode tcp: a relay holds both directions' buffers and records for its whole life. */
    @Test
    void tcpWithTlsOnBothSidesWithoutMaxconn(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> SimScenario.tcp().bufsize(1024).server(0).clients(50).upload(64, 2048)
                .download(100, 2048).arrivalsWithinMillis(20).pool(5, 2).tls(SIX_RECORDS).tlsToServers().run(seed)
                .assertCompletedCleanly());
    }

    /** The pressure was real: some claims could not be admitted at once and waited for others to end. */
    private static void assertClaimsWaited(SimRun run) {
        dev.sluice.buffer.ClaimGate gate = run.tlsArenas.get(0).claims();
        if (gate.waits() == 0 || gate.admissions() < 50) {
            throw new SimFailure("expected claims that waited among at least 50 admissions: " + gate);
        }
    }

    @Test
    void tlsOnBothSidesBehindMaxconnOne(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> workload(1).tls(SIX_RECORDS).tlsToServers().run(seed).assertCompletedCleanly());
    }
}
