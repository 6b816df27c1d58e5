package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionTimeouts;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
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
                .pool(4, 1)
                .clients(150)
                .upload(BUFSIZE, 4 * BUFSIZE)
                .download(BUFSIZE, 4 * BUFSIZE)
                .arrivalsWithinMillis(100);
    }

    /** Runs the scenario over the seeds with the common checks, and counts session outcomes over all of them. */
    private static Map<SessionOutcome, Integer> runChecked(TestInfo test, SimScenario scenario) {
        Map<SessionOutcome, Integer> total = new EnumMap<>(SessionOutcome.class);
        SimSeeds.forEach(test, SEEDS, seed -> {
            SimRun run = scenario.run(seed);
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            Integer truncated = run.clientOutcomes().get(SimClient.Outcome.TRUNCATED);
            if (truncated != null) {
                throw new SimFailure(truncated + " clients saw a clean end of stream before their whole response: "
                        + "a failed exchange must reach the client as a reset; " + run.summary());
            }
            run.sessionOutcomes().forEach((k, v) -> total.merge(k, v, Integer::sum));
        });
        System.out.println(test.getDisplayName() + ": " + total);
        return total;
    }

    private static void assertHappened(Map<SessionOutcome, Integer> outcomes, SessionOutcome expected) {
        assertTrue(outcomes.getOrDefault(expected, 0) > 0, "no session ended " + expected + ": " + outcomes);
    }

    @Test
    void serverResetMidResponseEndsAsServerAbortAndTheClientSeesAReset(TestInfo test) {
        var outcomes = runChecked(test, base().server(1, 0, 0, 0.3).server(2, 0, 0, 0.3));
        assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void clientsThatVanishEndAsClientAbortAndLeakNothing(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).behaviors(2, 1, 2, 0));
        assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
    }

    @Test
    void deadServerEndsItsSessionsWithConnectError(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).deadServer(2));
        assertHappened(outcomes, SessionOutcome.CONNECT_ERROR);
        assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void silentServerEndsItsSessionsWithConnectTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).silentServer(1)
                .timeouts(SessionTimeouts.ofMillis(0, 0, 50, 2_000)));
        assertHappened(outcomes, SessionOutcome.CONNECT_TIMEOUT);
        assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void sessionsQueuedPastTheQueueTimeoutEndWithQueueTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).arrivalsWithinMillis(5)
                .timeouts(SessionTimeouts.ofMillis(0, 0, 1_000, 40)));
        assertHappened(outcomes, SessionOutcome.QUEUE_TIMEOUT);
        assertHappened(outcomes, SessionOutcome.DONE);
    }

    /**
     * Clients that send as fast as they are let, queued behind one slot: the
     * queue timeout (60 s) is never reached, so every session should complete.
     * Today about a third end CLIENT_TIMEOUT (seed 1: 72 of 200) 300 ms after
     * their client's last byte: the request buffer is full, Sluice has stopped
     * reading, and {@code TcpSession.clientDeadline()} still counts that as
     * waiting on the client ({@code !request.sourceEnded}), against
     * {@link SessionTimeouts}' own "while Sluice waits on the client".
     * Replay: {@code mvn -q test -Dtest=TcpFaultScenarioTest#fastClientsQueuedForTheSlotAreNotCutByTheClientTimeout
     * -Dsim.seed=1 -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}
     */
    @Disabled("known bug (seed 1): the client timeout runs while Sluice itself has stopped reading the client")
    @Test
    void fastClientsQueuedForTheSlotAreNotCutByTheClientTimeout(TestInfo test) {
        SimSeeds.forEach(test, SEEDS, seed -> TcpDeadlockScenarioTest.seedWorkload().clients(200).behaviors(1, 0, 0, 0)
                .pool(3, 1).timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 60_000))
                .run(seed).assertCompletedCleanly());
    }

    @Test
    void idleClientIsCutByTheClientTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(0).behaviors(3, 0, 0, 1)
                .timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 0)));
        assertHappened(outcomes, SessionOutcome.CLIENT_TIMEOUT);
    }

    @Test
    void stalledServerIsCutByTheServerTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(0, 0, 0.3, 0)
                .timeouts(SessionTimeouts.ofMillis(0, 300, 1_000, 0)));
        assertHappened(outcomes, SessionOutcome.SERVER_TIMEOUT);
    }

    @Test
    void everyFaultAtOnceUnderTheSmallestPoolLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().pool(3, 1).clients(300)
                .server(1, 0, 0.1, 0.2).server(1, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 1_500)));
        assertHappened(outcomes, SessionOutcome.DONE);
        assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
    }

    @Test
    void everyFaultAtOnceOnTwoLoopsSharingTheSlotsLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().loops(2).pool(3, 1).clients(300).arrivalsWithinMillis(30)
                .server(1, 0, 0.1, 0.2).server(1, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 60)));
        assertHappened(outcomes, SessionOutcome.DONE);
        assertHappened(outcomes, SessionOutcome.QUEUE_TIMEOUT);
    }

    @Test
    void everyFaultAtOnceWithAnEchoServerLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().mode(SimServer.Mode.ECHO).pool(4, 2).clients(300).arrivalsWithinMillis(1_000)
                .server(1, 0, 0.1, 0.2).server(2, 0, 0, 0)
                .behaviors(4, 2, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 200, 1_500)));
        assertHappened(outcomes, SessionOutcome.DONE);
    }
}
