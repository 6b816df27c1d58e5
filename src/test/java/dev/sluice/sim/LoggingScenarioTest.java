package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.log.LogFacility;
import dev.sluice.log.LogTarget;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Logging changes nothing of what the buffers do: the seed's deadlock workloads
 * (HTTP and TCP, the smallest pool, one slot) run on the same seeds with every
 * exchange logged (httplog, tcplog) through a real writer to a UDP socket, and
 * without; the two runs of a seed are the same run, event for event (the
 * summary holds the outcomes, completion times, task runs, refills, virtual time,
 * iterations and events), and every exchange was logged or counted as dropped.
 */
class LoggingScenarioTest {
    @Test
    void theDeadlockWorkloadsRunTheSameWithEveryExchangeLogged(TestInfo test) throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<LogTarget> targets = List.of(LogTarget.udp((InetSocketAddress) receiver.getLocalSocketAddress(),
                    LogFacility.LOCAL0));
            SimSeeds.forEach(test, 3, seed -> {
                SimRun http = sameRunLogged(HttpDeadlockScenarioTest::seedWorkload, targets, seed);
                long exchanges = http.totalSessionCounters().httpRequests();
                assertTrue(exchanges > 0, http.summary());
                assertEquals(exchanges, http.logging.linesQueued() + http.logging.linesDropped(),
                        "one line per exchange, queued or counted as dropped");
                SimRun tcp = sameRunLogged(TcpDeadlockScenarioTest::seedWorkload, targets, seed);
                assertTrue(tcp.logging.linesQueued() + tcp.logging.linesDropped() > 0, tcp.summary());
            });
        }
    }

    /**
     * Runs {@code workload} on {@code seed} under the smallest pool without logging and with
     * it; asserts the two runs are the same run; returns the logged one, its logging closed.
     */
    private static SimRun sameRunLogged(java.util.function.Supplier<SimScenario> workload, List<LogTarget> targets,
            long seed) {
        SimRun plain = workload.get()
                .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
        SimRun logged = workload.get()
                .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                .logging(targets).run(seed);
        try {
            logged.assertCompletedCleanly();
            assertEquals(plain.summary(), logged.summary(), "logging changed the run");
        } finally {
            logged.logging.close();
        }
        return logged;
    }
}
