package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code send-proxy}: every new server connection writes its PROXY header
 * first, from its session's own small area, outside the pool. Under the
 * seed's deadlock pressure (one slot, the smallest pool, 1,000 keep-alive
 * connections with bodies several buffers long) it neither deadlocks nor
 * leaks, every byte is delivered, and each opened connection sent exactly one
 * header (the simulated connection refuses one after other bytes, or twice);
 * reused connections send none. The same in mode tcp.
 */
class SendProxyScenarioTest {
    @Test
    void httpUnderTheDeadlockPressureWithAHeaderOnEveryServerConnection(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = HttpDeadlockScenarioTest.seedWorkload().sendProxy(2)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            System.out.println("http send-proxy " + run.summary());
            run.assertCompletedCleanly();
            long opened = run.totalSessionCounters().serverConnectionsOpened();
            assertTrue(opened > 0, "no server connection opened");
            assertEquals(opened, run.world.preamblesSent, "one PROXY header per opened server connection");
        });
    }

    @Test
    void tcpUnderTheDeadlockPressureWithAHeaderOnEveryServerConnection(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = SimScenario.tcp()
                    .bufsize(1024)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .server(1)
                    .sendProxy(1)
                    .clients(300)
                    .upload(512, 3 * 1024)
                    .download(512, 3 * 1024)
                    .arrivalsWithinMillis(100)
                    .run(seed);
            System.out.println("tcp send-proxy " + run.summary());
            run.assertCompletedCleanly();
            assertEquals(300, run.world.preamblesSent, "one PROXY header per relayed connection");
        });
    }
}
