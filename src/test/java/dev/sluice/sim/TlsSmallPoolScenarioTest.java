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
 * <p>Not here, because it still fails: TLS on both sides with servers
 * without {@code maxconn}, where every session holds a slot at once and the
 * client pool and the record arena can each run dry under slot holders
 * waiting on the other (docs/design.md, "Why it cannot deadlock", TLS, the
 * open counter-example).
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

    @Test
    void tlsOnBothSidesBehindMaxconnOne(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> workload(1).tls(SIX_RECORDS).tlsToServers().run(seed).assertCompletedCleanly());
    }
}
