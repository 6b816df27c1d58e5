package dev.sluice.sim;

import dev.sluice.session.HttpTimeouts;
import dev.sluice.session.SessionTimeouts;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * HTTP workloads drawn from the seed itself: loops, pool, bufsize, servers and
 * their maxconn and faults, requests per connection, pipelining, bodies,
 * client behaviours, timeouts. No draw may deadlock, leak, or deliver a wrong
 * byte. Draws stay clear of the disabled finding: the keep-alive timeout is
 * longer than any wait for a buffer (and shorter than the stall the world
 * reports, since an idle client may stop between two requests and only that
 * timeout ends it).
 */
class HttpRandomScenarioTest {
    @Test
    void drawnHttpWorkloadsNeverDeadlockLeakOrCorrupt(TestInfo test) {
        SimChecks.drawnWorkloadsHold(test, 50, 0x177BL, HttpRandomScenarioTest::draw);
    }

    static SimScenario draw(SplittableRandom r) {
        int reserve = 2 + r.nextInt(2);
        int bufsize = 1024 << r.nextInt(3);
        SimScenario s = SimScenario.http()
                .loops(1 + r.nextInt(2))
                .pool(reserve + 2 + r.nextInt(6), reserve)
                .bufsize(bufsize)
                .clients(40 + r.nextInt(120))
                .requests(1, 1 + r.nextInt(4))
                .pipelining(1 + r.nextInt(4))
                .upload(0, bufsize * r.nextInt(5))
                .download(0, bufsize * (1 + r.nextInt(5)))
                .bodies(r.nextDouble() * 0.5, r.nextDouble())
                .endings(1, r.nextDouble(), r.nextDouble())
                .reuse(r.nextBoolean())
                .arrivalsWithinMillis(1 + r.nextInt(200))
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
            } else if (faults && r.nextInt(8) == 0) {
                s.serverDyingAtMillis(maxconn, r.nextInt(200));
            } else if (r.nextInt(6) == 0) {
                s.httpServerClosingIdleAfterMicros(maxconn, 50 + r.nextInt(2_000));
            } else if (faults) {
                s.httpServer(maxconn, r.nextDouble() * 0.1, r.nextDouble() * 0.2, r.nextDouble() * 0.3);
            } else {
                s.httpServer(maxconn, 0, 0, r.nextDouble() * 0.3);
            }
        }
        if (faults) {
            s.httpBehaviors(4, 1 + r.nextInt(2), r.nextInt(2), r.nextInt(2), r.nextInt(2), 0)
                    .timeouts(SessionTimeouts.ofMillis(200 + r.nextInt(800), 200 + r.nextInt(800), 50 + r.nextInt(500), r.nextInt(2_000)))
                    // No http-request timeout half the time: the client timeout bounds a head then.
                    // Keep-alive: longer than any wait for a buffer, shorter than the stall the world reports.
                    .httpTimeouts(HttpTimeouts.ofMillis(r.nextBoolean() ? 0 : 200 + r.nextInt(800), 20_000));
        } else {
            s.httpBehaviors(3, r.nextInt(2), 0, 0, 0, 0);
        }
        return s;
    }
}
