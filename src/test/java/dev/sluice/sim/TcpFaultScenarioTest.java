package dev.sluice.sim;

import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionTimeouts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Faults on both sides of TCP sessions. Whatever happens, every session ends
 * with a defined outcome, nothing leaks (buffers, waiters, slots, sessions),
 * and a client only ever receives a correct prefix of its response (the
 * clients check each byte as it arrives). Each test also checks, over its
 * seeds, that the fault it is about really happened.
 */
class TcpFaultScenarioTest {
    static final int BUFSIZE = 1024;
    static final int SEEDS = 8;

    private static SimScenario base() {
        return SimScenario.tcp()
                .bufsize(BUFSIZE)
                .pool(4, 2)
                .clients(150)
                .upload(BUFSIZE, 4 * BUFSIZE)
                .download(BUFSIZE, 4 * BUFSIZE)
                .arrivalsWithinMillis(100);
    }

    private static Map<SessionOutcome, Integer> runChecked(TestInfo test, SimScenario scenario) {
        return SimChecks.runChecked(test, SEEDS, scenario);
    }

    @Test
    void serverResetMidResponseEndsAsServerAbortAndTheClientSeesAReset(TestInfo test) {
        var outcomes = runChecked(test, base().server(1, 0, 0, 0.3).server(2, 0, 0, 0.3));
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void clientsThatVanishEndAsClientAbortAndLeakNothing(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).behaviors(2, 1, 2, 0));
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
    }

    @Test
    void deadServerEndsItsSessionsWithConnectError(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).deadServer(2));
        SimChecks.assertHappened(outcomes, SessionOutcome.CONNECT_ERROR);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void silentServerEndsItsSessionsWithConnectTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).silentServer(1)
                .timeouts(SessionTimeouts.ofMillis(0, 0, 50, 2_000)));
        SimChecks.assertHappened(outcomes, SessionOutcome.CONNECT_TIMEOUT);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void sessionsQueuedPastTheQueueTimeoutEndWithQueueTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).arrivalsWithinMillis(5)
                .timeouts(SessionTimeouts.ofMillis(0, 0, 1_000, 40)));
        SimChecks.assertHappened(outcomes, SessionOutcome.QUEUE_TIMEOUT);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    /**
     * Clients that send as fast as they are let, queued behind one slot: the
     * queue timeout (60 s) is never reached, so every session should complete.
     * About a third used to end CLIENT_TIMEOUT (seed 1: 72 of 200) 300 ms after
     * their client's last byte: the request buffer was full, Sluice had stopped
     * reading, and the client timeout still counted that as waiting on the client.
     */
    @Test
    void fastClientsQueuedForTheSlotAreNotCutByTheClientTimeout(TestInfo test) {
        SimSeeds.forEach(test, SEEDS, seed -> TcpDeadlockScenarioTest.seedWorkload().clients(200).behaviors(1, 0, 0, 0)
                .pool(4, 2).timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 60_000))
                .run(seed).assertCompletedCleanly());
    }

    @Test
    void idleClientIsCutByTheClientTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(0).behaviors(3, 0, 0, 1)
                .timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 0)));
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_TIMEOUT);
    }

    @Test
    void stalledServerIsCutByTheServerTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(0, 0, 0.3, 0)
                .timeouts(SessionTimeouts.ofMillis(0, 300, 1_000, 0)));
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_TIMEOUT);
    }

    @Test
    void everyFaultAtOnceUnderTheSmallestPoolLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().pool(4, 2).clients(300)
                .server(1, 0, 0.1, 0.2).server(1, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 1_500)));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
    }

    @Test
    void everyFaultAtOnceOnTwoLoopsSharingTheSlotsLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().loops(2).pool(4, 2).clients(300).arrivalsWithinMillis(30)
                .server(1, 0, 0.1, 0.2).server(1, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 60)));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
        SimChecks.assertHappened(outcomes, SessionOutcome.QUEUE_TIMEOUT);
    }

    @Test
    void everyFaultAtOnceWithAnEchoServerLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().mode(SimServer.Mode.ECHO).pool(4, 2).clients(300).arrivalsWithinMillis(1_000)
                .server(1, 0, 0.1, 0.2).server(2, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 1_500)));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }
}
