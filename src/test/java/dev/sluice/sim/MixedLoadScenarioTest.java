package dev.sluice.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * HTTP and TCP frontends together on the same loops and the same pools: HTTP
 * clients with keep-alive and pipelining to a backend of servers with
 * different {@code maxconn}, and TCP clients to a second backend. Neither kind
 * may starve the other of buffers for good, and every exchange completes
 * byte-exact.
 */
class MixedLoadScenarioTest {
    static final int BUFSIZE = 1024;

    private static SimScenario mixed() {
        return SimScenario.http()
                .loops(2)
                .bufsize(BUFSIZE)
                .server(1).server(3).server(0)
                .tcpServer(2).tcpServer(0)
                .tcpShare(0.4)
                .clients(300)
                .requests(1, 4)
                .pipelining(3)
                .upload(0, 4 * BUFSIZE)
                .download(0, 4 * BUFSIZE)
                .bodies(0.3, 0.4)
                .arrivalsWithinMillis(100)
                .behaviors(3, 1, 0, 0)
                .httpBehaviors(3, 1, 0, 0, 0, 0);
    }

    @Test
    void httpAndTcpSessionsSharingLoopsAndPoolsAllCompleteByteExact(TestInfo test) {
        SimSeeds.forEach(test, 6, seed -> mixed().pool(16, 2).run(seed).assertCompletedCleanly());
    }

    @Test
    void httpAndTcpSessionsSharingTheSmallestPoolsAllCompleteByteExact(TestInfo test) {
        SimSeeds.forEach(test, 6, seed -> {
            SimRun run = mixed().pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            System.out.println("mixed " + run.summary());
            run.assertCompletedCleanly();
        });
    }

    @Test
    void httpSessionsBesideTcpEchoSessionsOnTheSmallestPoolsAllComplete(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> mixed().mode(SimServer.Mode.ECHO)
                .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed).assertCompletedCleanly());
    }
}
