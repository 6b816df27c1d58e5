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
                SimRun plain = HttpDeadlockScenarioTest.seedWorkload()
                        .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
                SimRun logged = HttpDeadlockScenarioTest.seedWorkload()
                        .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                        .logging(targets).run(seed);
                try {
                    logged.assertCompletedCleanly();
                    assertEquals(plain.summary(), logged.summary(), "logging changed the run");
                    long exchanges = logged.totalSessionCounters().httpRequests();
                    assertTrue(exchanges > 0, logged.summary());
                    assertEquals(exchanges, logged.logging.linesQueued() + logged.logging.linesDropped(),
                            "one line per exchange, queued or counted as dropped");
                } finally {
                    logged.logging.close();
                }
                SimRun tcpPlain = TcpDeadlockScenarioTest.seedWorkload()
                        .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
                SimRun tcpLogged = TcpDeadlockScenarioTest.seedWorkload()
                        .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                        .logging(targets).run(seed);
                try {
                    tcpLogged.assertCompletedCleanly();
                    assertEquals(tcpPlain.summary(), tcpLogged.summary(), "logging changed the TCP run");
                    assertTrue(tcpLogged.logging.linesQueued() + tcpLogged.logging.linesDropped() > 0,
                            tcpLogged.summary());
                } finally {
                    tcpLogged.logging.close();
                }
            });
        }
    }
}
