package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.loop.LoopCounters;
import dev.sluice.session.HttpTimeouts;
import dev.sluice.session.SessionOutcome;
import dev.sluice.session.SessionTimeouts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Faults on both sides of HTTP sessions. Whatever happens, every session ends
 * with a defined outcome, nothing leaks (every pool full, no waiter queued, no
 * failed wakeup, no slot or queued request left), a session that says DONE
 * answered everything, and a client only ever receives correct bytes: each
 * response it got is byte-exact, and a cut reaches it as a reset or as a clean
 * end between two responses, never as an end in the middle of one. Each test
 * also checks, over its seeds, that the fault it is about really happened.
 */
class HttpFaultScenarioTest {
    static final int BUFSIZE = 1024;
    static final int SEEDS = 10;

    private static SimScenario base() {
        return SimScenario.http()
                .bufsize(BUFSIZE)
                .pool(4, 2)
                .clients(150)
                .requests(1, 3)
                .pipelining(2)
                .upload(0, 3 * BUFSIZE)
                .download(0, 4 * BUFSIZE)
                .bodies(0.3, 0.4)
                .arrivalsWithinMillis(100);
    }

    private static Map<SessionOutcome, Integer> runChecked(TestInfo test, SimScenario scenario) {
        return SimChecks.runChecked(test, SEEDS, scenario);
    }

    @Test
    void serverResetMidResponseReachesTheClientAsAResetOrA502(TestInfo test) {
        var outcomes = runChecked(test, base().httpServer(1, 0, 0.2, 0).httpServer(2, 0, 0.2, 0));
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        SimChecks.assertHappened(outcomes, SessionOutcome.BAD_RESPONSE);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void serversClosingTheirKeepAliveConnectionsAreNotReusedBlindly(TestInfo test) {
        var outcomes = runChecked(test, base().requests(2, 5).httpServer(2, 0, 0, 0.3).httpServer(0, 0, 0, 0.3));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    /**
     * Servers that close keep-alive connections idle for about as long as a
     * request takes to come: Sluice parks connections the server is closing
     * and sends requests on connections the server has just closed. An idle
     * connection that closes is dropped from the pool; a request that lost the
     * race ends its client connection without an answer (a client retries),
     * whether the server's end of stream came after the request or while it,
     * or its body, was still being sent; never a 502, a wrong or a cut response.
     */
    @Test
    void serversClosingIdleConnectionsRaceWithTheirReuseAndNoByteGoesWrong(TestInfo test) {
        var outcomes = runChecked(test, base().pool(64, 2).requests(2, 6).arrivalsWithinMillis(20)
                .httpServerClosingIdleAfterMicros(2, 300).httpServerClosingIdleAfterMicros(0, 600));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_ABORT);
        assertEquals(0, outcomes.getOrDefault(SessionOutcome.BAD_RESPONSE, 0),
                "a reuse race answered with 502: " + outcomes);
    }

    @Test
    void serverDyingMidRunEndsItsSessionsAndRefusesLaterOnes(TestInfo test) {
        var outcomes = runChecked(test, base().serverDyingAtMillis(1, 40).server(1));
        SimChecks.assertHappened(outcomes, SessionOutcome.CONNECT_ERROR);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void clientsThatVanishEndAsClientAbort(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).httpBehaviors(2, 1, 2, 0, 0, 0));
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
    }

    @Test
    void deadServerEndsItsSessionsWithConnectErrorAnd503(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).deadServer(2));
        SimChecks.assertHappened(outcomes, SessionOutcome.CONNECT_ERROR);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void silentServerEndsItsSessionsWithConnectTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().server(2).silentServer(1).timeouts(SessionTimeouts.ofMillis(0, 0, 50, 2_000)));
        SimChecks.assertHappened(outcomes, SessionOutcome.CONNECT_TIMEOUT);
    }

    @Test
    void requestsQueuedPastTheQueueTimeoutGet503(TestInfo test) {
        var outcomes = runChecked(test, base().pool(64, 2).server(1).arrivalsWithinMillis(5).timeouts(SessionTimeouts.ofMillis(0, 0, 1_000, 40)));
        SimChecks.assertHappened(outcomes, SessionOutcome.QUEUE_TIMEOUT);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void stalledServerIsCutByTheServerTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().httpServer(0, 0.3, 0, 0).timeouts(SessionTimeouts.ofMillis(0, 300, 1_000, 0)));
        SimChecks.assertHappened(outcomes, SessionOutcome.SERVER_TIMEOUT);
    }

    @Test
    void clientIdleInItsBodyIsCutByTheClientTimeoutAndIdleInItsHeadByTheRequestTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().pool(64, 2).server(0).httpBehaviors(3, 0, 0, 1, 0, 0)
                .timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 0)).httpTimeouts(HttpTimeouts.ofMillis(200, 0)));
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_TIMEOUT);
        SimChecks.assertHappened(outcomes, SessionOutcome.REQUEST_TIMEOUT);
    }

    /**
     * Without {@code timeout http-request}, the client timeout still bounds a
     * head that stopped arriving, as in HAProxy ("the client timeout still
     * applies between each chunk of the incoming request"), and as the
     * configuration guide says of {@code timeout client} ("when it is expected
     * to send"). It used not to: in the head state the session armed the request
     * timeout alone, so with it unset a client that stopped in the middle of its
     * head held its session and its buffer for ever (seed 1: 11 sessions open,
     * 11 buffers held, nothing armed).
     */
    @Test
    void clientIdleInItsHeadWithoutARequestTimeoutIsCutByTheClientTimeout(TestInfo test) {
        var outcomes = runChecked(test, base().pool(64, 2).server(0).requests(1, 1).httpBehaviors(3, 0, 0, 1, 0, 0)
                .timeouts(SessionTimeouts.ofMillis(300, 0, 1_000, 0)));
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_TIMEOUT);
    }

    /** A pool large enough that no request waits for a buffer: see the finding below for a small one. */
    @Test
    void lingeringKeepAliveConnectionsAreClosedByTheKeepAliveTimeout(TestInfo test) {
        SimSeeds.forEach(test, SEEDS, seed -> lingering().pool(400, 2).run(seed).assertCompletedCleanly());
    }

    /**
     * The keep-alive timeout must not end a connection whose next request is
     * already in its socket, unread because every buffer is taken: that wait is
     * Sluice's, not the client's silence. It used to (seed 1: client 5 sent its
     * second request and got a reset after one answer); now the head timeouts
     * do not run while the request channel waits for a buffer.
     */
    @Test
    void aNextRequestWaitingForABufferIsNotCutByTheKeepAliveTimeout(TestInfo test) {
        SimSeeds.forEach(test, SEEDS, seed -> lingering().pool(4, 2).run(seed).assertCompletedCleanly());
    }

    /**
     * Clients that pause up to 1.5 s between requests, and linger after the
     * last: their sessions park once idle for a second, come back at the next
     * request, and are closed by the keep-alive timeout (3 s) while parked.
     */
    @Test
    void parkedSessionsComeBackForTheNextRequestAndAreClosedByTheKeepAliveTimeout(TestInfo test) {
        SimSeeds.forEach(test, SEEDS, seed -> {
            SimRun run = base().server(1).endings(1, 0, 0).httpBehaviors(1, 0, 0, 0, 0, 2).thinkMillis(1_500)
                    .httpTimeouts(HttpTimeouts.ofMillis(1_000, 3_000)).pool(8, 2).run(seed);
            run.assertCompletedCleanly();
            LoopCounters lc = run.totalLoopCounters();
            assertTrue(lc.sessionsParked > 0 && lc.sessionsUnparked > 0,
                    "parked " + lc.sessionsParked + ", back " + lc.sessionsUnparked);
        });
    }

    /** Every fault at once, with pauses between requests long enough for sessions to park. */
    @Test
    void everyFaultAtOnceWithParkingSessionsLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().loops(2).clients(300).thinkMillis(2_000)
                .httpServer(1, 0.05, 0.1, 0.1).httpServer(2, 0, 0.1, 0.2).silentServer(1)
                .httpBehaviors(4, 2, 1, 1, 1, 1)
                .timeouts(SessionTimeouts.ofMillis(400, 400, 100, 1_500)).httpTimeouts(HttpTimeouts.ofMillis(300, 20_000)));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
        SimChecks.assertHappened(outcomes, SessionOutcome.BAD_REQUEST);
    }

    private static SimScenario lingering() {
        return base().server(1).endings(1, 0, 0).httpBehaviors(1, 0, 0, 0, 0, 2).httpTimeouts(HttpTimeouts.ofMillis(1_000, 100));
    }

    @Test
    void malformedRequestsAreRefusedAfterTheAnswersBeforeThem(TestInfo test) {
        var outcomes = runChecked(test, base().server(1).httpBehaviors(2, 0, 0, 0, 1, 0));
        SimChecks.assertHappened(outcomes, SessionOutcome.BAD_REQUEST);
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
    }

    @Test
    void everyFaultAtOnceUnderTheSmallestPoolOnTwoLoopsLeaksNothing(TestInfo test) {
        var outcomes = runChecked(test, base().loops(2).clients(300)
                .httpServer(1, 0.05, 0.1, 0.1).httpServer(2, 0, 0.1, 0.2).serverDyingAtMillis(1, 60).silentServer(1)
                .httpBehaviors(4, 2, 1, 1, 1, 1)
                // A keep-alive timeout longer than any wait for a buffer here (see the finding above).
                .timeouts(SessionTimeouts.ofMillis(400, 400, 100, 1_500)).httpTimeouts(HttpTimeouts.ofMillis(300, 20_000)));
        SimChecks.assertHappened(outcomes, SessionOutcome.DONE);
        SimChecks.assertHappened(outcomes, SessionOutcome.CLIENT_ABORT);
        SimChecks.assertHappened(outcomes, SessionOutcome.BAD_REQUEST);
    }
}
