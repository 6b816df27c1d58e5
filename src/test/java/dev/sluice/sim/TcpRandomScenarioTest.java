package dev.sluice.sim;

import dev.sluice.session.SessionTimeouts;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Workloads drawn from the seed itself: loops, pool, bufsize, servers and their
 * maxconn and faults, client behaviours, timeouts. Servers read the whole
 * request before they answer (DOWNLOAD), the case DESIGN.md's argument covers,
 * so no draw may deadlock, leak, or deliver a wrong byte. Timeouts are always
 * set when a draw includes stalls or idle clients, which only a timeout ends.
 */
class TcpRandomScenarioTest {
    @Test
    void drawnDownloadWorkloadsNeverDeadlockLeakOrCorrupt(TestInfo test) {
        SimChecks.drawnWorkloadsHold(test, 40, 0x5EEDL, TcpRandomScenarioTest::draw);
    }

    static SimScenario draw(SplittableRandom r) {
        // Reserves the configuration accepts with a server maxconn: 2 and up.
        int reserve = 2 + r.nextInt(2);
        int bufsize = 256 << r.nextInt(4);
        SimScenario s = SimScenario.tcp()
                .loops(1 + r.nextInt(2))
                .pool(reserve + 2 + r.nextInt(5), reserve)
                .bufsize(bufsize)
                .clients(50 + r.nextInt(150))
                .upload(Payload.HEADER, bufsize * (1 + r.nextInt(6)))
                .download(0, bufsize * (1 + r.nextInt(6)))
                .arrivalsWithinMillis(1 + r.nextInt(300))
                .latencyMicros(r.nextInt(100), 100 + r.nextInt(2_000))
                .window(64 + r.nextInt(512), 512 + r.nextInt(4096))
                .segmentMax(16 + r.nextInt(1_500));
        boolean faults = r.nextBoolean();
        int servers = 1 + r.nextInt(3);
        for (int i = 0; i < servers; i++) {
            int maxconn = r.nextInt(4);
            if (faults && r.nextInt(8) == 0) {
                s.deadServer(maxconn);
            } else if (faults && r.nextInt(8) == 0) {
                s.silentServer(maxconn);
            } else if (faults) {
                s.server(maxconn, 0, r.nextDouble() * 0.2, r.nextDouble() * 0.3);
            } else {
                s.server(maxconn);
            }
        }
        if (faults) {
            s.behaviors(4, 1 + r.nextInt(2), r.nextInt(2), r.nextInt(2))
                    .timeouts(SessionTimeouts.ofMillis(200 + r.nextInt(800), 200 + r.nextInt(800), 50 + r.nextInt(500), r.nextInt(2_000)));
        } else {
            s.behaviors(3, r.nextInt(2), 0, 0);
        }
        return s;
    }
}
