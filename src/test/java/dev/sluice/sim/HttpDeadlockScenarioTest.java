package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.loop.LoopCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The seed's deadlock in HTTP mode: one server with {@code maxconn 1}, the
 * smallest pool the configuration accepts (reserve 2, two more buffers), and
 * 1,000 keep-alive connections whose requests and responses are several
 * buffers long. Queued sessions read their request heads into NORMAL buffers
 * and hold them (the head must be parsed to route, and the bytes are owed to a
 * server the session does not have yet); the slot holder streams its request
 * body and its response through URGENT and CRITICAL buffers, and only its
 * progress frees the slot.
 */
class HttpDeadlockScenarioTest {
    static final int BUFSIZE = 1024;

    /** 1,000 connections through one slot: one or two requests each, bodies 3 to 6 buffers both ways, some chunked, some pipelined. */
    static SimScenario seedWorkload() {
        return SimScenario.http()
                .bufsize(BUFSIZE)
                .server(1)
                .clients(1000)
                .requests(1, 2)
                .pipelining(2)
                .upload(3 * BUFSIZE, 6 * BUFSIZE)
                .download(3 * BUFSIZE, 6 * BUFSIZE)
                .bodies(0, 0.3)
                .arrivalsWithinMillis(200)
                .httpBehaviors(4, 1, 0, 0, 0, 0);
    }

    @Test
    void maxconnOneWithSmallestPoolAnswersEveryRequestByteExact(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = seedWorkload().pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            System.out.println("http " + run.summary());
            run.assertCompletedCleanly();
            // Bodies several buffers long are streamed: the write that empties a
            // buffer is followed by a read at once, under a cork the simulated
            // connections model by holding bytes. A cork left on would stall the run.
            assertTrue(run.totalLoopCounters().streamRefills > 0, "no streamed message was refilled: " + run.summary());
        });
    }

    /**
     * The same pressure, with clients that pause up to 3 s after each response:
     * their sessions park between exchanges (they give up their channels,
     * analysers and server link, holding no buffer) and make their parts again
     * at the next request's first byte, which then queues for a NORMAL buffer
     * like any new head. Parking takes nothing from the pool and waits for
     * nothing, so it adds no edge to the wait graph; every request is still
     * answered byte-exact, and the sessions did park and come back.
     */
    @Test
    void sessionsThatParkBetweenTheirRequestsUnderPressureAnswerEveryRequestByteExact(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = seedWorkload().requests(2, 4).thinkMillis(3_000)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE).run(seed);
            System.out.println("http parking " + run.summary());
            run.assertCompletedCleanly();
            LoopCounters lc = run.totalLoopCounters();
            assertTrue(lc.sessionsParked > 100, "sessions parked: " + lc.sessionsParked);
            assertTrue(lc.sessionsUnparked > 100 && lc.sessionsUnparked <= lc.sessionsParked,
                    "parked " + lc.sessionsParked + ", back " + lc.sessionsUnparked);
        });
    }

    /**
     * Reserve 0 must deadlock, or the check above proves nothing. It does: with
     * no reserve a NORMAL allocation may take the last buffer, so sessions
     * queued for the slot each read a request head into one and hold it (a
     * head must be whole before it can be routed, and its bytes wait for a
     * server). Once they hold every buffer, the slot holder cannot get one for
     * its response, its server cannot finish, and the slot never comes back.
     * No timeout is set, so the world goes quiet with sessions pending.
     */
    @Test
    void reserveZeroDeadlocksForSomeSeedAndTheSimulatorDetectsIt(TestInfo test) {
        long[] seeds = SimSeeds.seeds(5);
        int detected = 0;
        String first = null;
        for (long seed : seeds) {
            SimRun run = seedWorkload().pool(3, 0).run(seed);
            if (run.deadlocked()) {
                detected++;
                first = first != null ? first : "seed " + seed + ": " + run.world.deadlock() + "; " + run.progress();
            } else {
                run.assertCompletedCleanly();
            }
        }
        System.out.println("http reserve 0: deadlock detected for " + detected + " of " + seeds.length + " seeds; first " + first);
        assertTrue(detected > 0, "no deadlock with reserve 0 over " + seeds.length + " seeds");
    }
}
