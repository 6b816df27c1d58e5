package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * SNI routing in mode tcp, TLS passed through, under the deadlock scenario's
 * pressure: two servers of {@code maxconn 1}, each the one server of a backend
 * that {@code use_backend ... if { req.ssl_sni NAME }} picks, behind {@code
 * tcp-request inspect-delay} and {@code tcp-request content accept if {
 * req.ssl_hello_type 1 }}. Every client sends a real ClientHello (the JDK's,
 * longer than two segments of the links, so it comes in pieces and the rules
 * run several times) ahead of its upload.
 *
 * <p>What it shows (docs/design.md, "Why it cannot deadlock", content
 * inspection): a session that inspects holds its request buffer, taken
 * {@code NORMAL}, and nothing else; it holds no slot and is in no queue, so
 * the slot holders' buffers stay within reach, and every session reaches the
 * server its name picks, byte-exact.
 */
class SniRoutingScenarioTest {
    /** The links' largest segment: smaller than a JDK ClientHello, so that every hello comes in pieces. */
    static final int SEGMENT = 200;

    private static SimScenario workload() {
        return TcpDeadlockScenarioTest.seedWorkload().server(1).clients(200).arrivalsWithinMillis(100)
                .sniRouting(600_000, "a.test", "b.test").segmentMax(SEGMENT);
    }

    @Test
    void tenBuffersAndTwoSlotsRouteEveryClientHelloToItsServer(TestInfo test) {
        SimSeeds.forEach(test, 4, seed -> {
            SimScenario scenario = workload().pool(10, 2);
            SimRun run = scenario.run(seed);
            System.out.println("sni " + run.summary());
            run.assertCompletedCleanly();
            assertRouted(run, scenario);
        });
    }

    @Test
    void theSmallestPoolRoutesEveryClientHelloToItsServer(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimScenario scenario = workload().pool(TcpDeadlockScenarioTest.SMALLEST_POOL,
                    TcpDeadlockScenarioTest.SMALLEST_RESERVE);
            SimRun run = scenario.run(seed);
            System.out.println("sni smallest " + run.summary());
            run.assertCompletedCleanly();
            assertRouted(run, scenario);
        });
    }

    /** Each server saw exactly the clients that named it, and each hello needed more than one segment. */
    private static void assertRouted(SimRun run, SimScenario scenario) {
        int[] named = new int[2];
        for (int id = 0; id < run.sessions.length; id++) {
            named[scenario.sniOf(id).equals("a.test") ? 0 : 1]++;
        }
        assertEquals(named[0], run.servers.get(0).accepted, "connections to the a.test server");
        assertEquals(named[1], run.servers.get(1).accepted, "connections to the b.test server");
        int hello = SimTls.shared().clientHello("a.test").length;
        assertTrue(hello > 2 * SEGMENT && hello < TcpDeadlockScenarioTest.BUFSIZE,
                "a hello of " + hello + " B: more than a segment, less than a buffer");
    }
}
