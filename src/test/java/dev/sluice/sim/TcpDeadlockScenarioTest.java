package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The seed's deadlock: one server with {@code maxconn 1}, the smallest pool
 * the rules accept (reserve 1, two more buffers), and 1,000 sessions whose
 * requests and responses are several buffers long. Sessions queued for the
 * slot read their requests into NORMAL buffers and hold them (their bytes are
 * owed to a server they do not have yet); the slot holder needs CRITICAL
 * buffers to move its exchange forward, and only its progress frees the slot.
 */
class TcpDeadlockScenarioTest {
    static final int BUFSIZE = 1024;

    /** The seed's workload: 1,000 sessions through one slot, uploads and downloads 3 to 6 buffers long. */
    static SimScenario seedWorkload() {
        return SimScenario.tcp()
                .bufsize(BUFSIZE)
                .server(1)
                .clients(1000)
                .upload(3 * BUFSIZE, 6 * BUFSIZE)
                .download(3 * BUFSIZE, 6 * BUFSIZE)
                .arrivalsWithinMillis(200)
                .behaviors(4, 1, 0, 0);
    }

    @Test
    void maxconnOneWithSmallestPoolCompletesEverySessionByteExact(TestInfo test) {
        SimSeeds.forEach(test, 6, seed -> {
            SimRun run = seedWorkload().pool(3, 1).run(seed);
            System.out.println(run.summary());
            run.assertCompletedCleanly();
        });
    }

    @Test
    void maxconnOneWithSmallestPoolOnTwoLoopsCompletesEverySessionByteExact(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> seedWorkload().loops(2).pool(3, 1).run(seed).assertCompletedCleanly());
    }

    /**
     * Reserve 0 must deadlock, or the check above proves nothing. It does, on
     * every seed tried, exactly as the seed describes: the slot holder forwards
     * its request buffer to the server, the emptied buffer is released, and
     * with no CRITICAL waiter at that instant the handoff gives it to the oldest
     * NORMAL waiter, a queued session, which fills it with request bytes it
     * cannot forward. Now every buffer holds bytes for a server the holder does
     * not have, and the slot holder's next receive waits forever. No timer is
     * armed (no timeouts), so the simulator sees a quiescent world with
     * sessions pending and reports it.
     */
    @Test
    void reserveZeroDeadlocksForSomeSeedAndTheSimulatorDetectsIt(TestInfo test) {
        int detected = 0;
        long[] seeds = SimSeeds.seeds(6);
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
        System.out.println("reserve 0: deadlock detected for " + detected + " of " + seeds.length + " seeds; first " + first);
        assertTrue(detected > 0, "no deadlock with reserve 0 over " + seeds.length + " seeds");
    }

    /**
     * A server that answers while it reads (here an echo server, which stops
     * reading when its answer cannot go out) with the smallest pool deadlocks
     * on every seed: the two NORMAL buffers are held by queued sessions, the
     * slot holder gets the one reserve buffer for its request, the server stops
     * reading because its response is not read, and the response channel waits
     * for a CRITICAL buffer that nobody will release. DESIGN.md's "every held
     * buffer drains toward a peer" does not hold when the peer reads only while
     * its own output drains: a slot holder needs one buffer per direction.
     * Replay: {@code mvn -q test -Dtest=TcpDeadlockScenarioTest#echoServerThroughMaxconnOneWithSmallestPoolCompletes -Dsim.seed=1
     * -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}
     */
    @Disabled("known deadlock in the buffer rules (seed 1, every seed): reserve 1 gives the slot holder one buffer, a full-duplex exchange needs two")
    @Test
    void echoServerThroughMaxconnOneWithSmallestPoolCompletes(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> echoWorkload().pool(3, 1).run(seed).assertCompletedCleanly());
    }

    /**
     * The same cycle without any {@code maxconn}: every session holds a slot at
     * once, so every allocation is CRITICAL and the reserve does not help. With
     * fewer buffers than sessions, each of several sessions holds one request
     * buffer its echo server will not read (its answer is not read), and waits
     * for a response buffer that none of them will release. Seed 3 (pool 6,
     * reserve 1, 300 sessions): 59 CRITICAL waiters, 0 free, nothing runnable.
     * Replay: {@code mvn -q test -Dtest=TcpDeadlockScenarioTest#echoServersWithoutMaxconnAndFewerBuffersThanSessionsComplete
     * -Dsim.seed=3 -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}
     */
    @Disabled("known deadlock in the buffer rules (seed 3): one buffer per session and every session waiting for its second")
    @Test
    void echoServersWithoutMaxconnAndFewerBuffersThanSessionsComplete(TestInfo test) {
        SimSeeds.forEach(test, 6, seed -> SimScenario.tcp().bufsize(BUFSIZE).server(0).clients(300)
                .mode(SimServer.Mode.ECHO).upload(3 * BUFSIZE, 6 * BUFSIZE).arrivalsWithinMillis(100)
                .pool(6, 1).run(seed).assertCompletedCleanly());
    }

    /** The same echo workload completes once the reserve covers both directions of the one slot holder. */
    @Test
    void echoServerThroughMaxconnOneCompletesWithAReserveOfTwo(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> echoWorkload().pool(4, 2).run(seed).assertCompletedCleanly());
    }

    private static SimScenario echoWorkload() {
        return seedWorkload().mode(SimServer.Mode.ECHO).clients(300).arrivalsWithinMillis(100);
    }
}
