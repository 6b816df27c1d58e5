package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.session.HttpDeadlines.Expiry;
import dev.sluice.session.HttpSession.Req;
import dev.sluice.session.HttpSession.Resp;
import org.junit.jupiter.api.Test;

/** Which timeout applies in which state, driven without a session, a loop or a clock. */
class HttpDeadlinesTest {
    private static final long MS = 1_000_000L;

    /** A first request whose head began at 1 s, with timeout http-request 100 ms and timeout client 5 s. */
    private static HttpDeadlines.State firstHead() {
        HttpDeadlines.State s = new HttpDeadlines.State();
        s.req = Req.HEAD;
        s.resp = Resp.IDLE;
        s.headStartedAt = 1_000 * MS;
        s.clientActiveAt = 1_000 * MS;
        s.idleSince = 1_000 * MS;
        s.httpTimeouts = HttpTimeouts.ofMillis(100, 2_000);
        s.clientTimeout = 5_000 * MS;
        s.serverTimeout = 3_000 * MS;
        return s;
    }

    @Test
    void aHeadThatBeganMustBeCompleteWithinTimeoutHttpRequest() {
        HttpDeadlines.State s = firstHead();
        s.headBytesHeld = true;
        assertEquals(1_100 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.NONE, HttpDeadlines.expired(s, 1_099 * MS));
        assertEquals(Expiry.HEAD_INCOMPLETE, HttpDeadlines.expired(s, 1_100 * MS));
    }

    @Test
    void aFirstRequestWithoutAnyByteIsClosedQuietly() {
        HttpDeadlines.State s = firstHead();
        assertEquals(Expiry.HEAD_SILENT, HttpDeadlines.expired(s, 1_100 * MS));
    }

    @Test
    void timeWaitingForABufferIsAddedToTheHeadDeadline() {
        HttpDeadlines.State s = firstHead();
        s.headBytesHeld = true;
        s.headBufferWait = 400 * MS;
        assertEquals(1_500 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.NONE, HttpDeadlines.expired(s, 1_499 * MS));
        assertEquals(Expiry.HEAD_INCOMPLETE, HttpDeadlines.expired(s, 1_500 * MS));
    }

    /** Between requests (keep-alive 2 s), a session that may park does so a second after it became idle. */
    @Test
    void anIdleSessionThatMayParkParksBeforeItsKeepAliveTimeout() {
        HttpDeadlines.State s = firstHead();
        s.requestsOnConnection = 1;
        s.parkable = true;
        assertEquals(1_000 * MS + HttpSession.PARK_NANOS, HttpDeadlines.next(s));
        assertEquals(Expiry.NONE, HttpDeadlines.expired(s, 1_999 * MS));
        assertEquals(Expiry.PARK, HttpDeadlines.expired(s, 2_000 * MS));
        // Parked (no longer parkable), only the keep-alive timeout is left.
        s.parkable = false;
        assertEquals(3_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.NONE, HttpDeadlines.expired(s, 2_999 * MS));
        assertEquals(Expiry.IDLE, HttpDeadlines.expired(s, 3_000 * MS));
    }

    /** A timeout shorter than the park delay closes the connection: it never parks. */
    @Test
    void aTimeoutThatRunsOutFirstWinsOverParking() {
        HttpDeadlines.State s = firstHead();
        s.parkable = true;
        assertEquals(1_100 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.HEAD_SILENT, HttpDeadlines.expired(s, 2_000 * MS));
    }

    @Test
    void whileTheHeadWaitsForABufferNoHeadDeadlineRuns() {
        HttpDeadlines.State s = firstHead();
        s.headWaitsForBuffer = true;
        assertEquals(0, HttpDeadlines.next(s));
        assertEquals(Expiry.NONE, HttpDeadlines.expired(s, 60_000 * MS));
    }

    @Test
    void withoutTimeoutHttpRequestTheClientTimeoutBoundsTheHeadFromItsLastByte() {
        HttpDeadlines.State s = firstHead();
        s.httpTimeouts = HttpTimeouts.NONE;
        s.headBytesHeld = true;
        s.clientActiveAt = 2_000 * MS;
        s.headBufferWait = 10 * MS;
        assertEquals(7_010 * MS, HttpDeadlines.next(s));
    }

    @Test
    void anIdleKeepAliveConnectionClosesAfterTimeoutHttpKeepAlive() {
        HttpDeadlines.State s = firstHead();
        s.requestsOnConnection = 3;
        s.idleSince = 4_000 * MS;
        assertEquals(6_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.IDLE, HttpDeadlines.expired(s, 6_000 * MS));
        s.httpTimeouts = HttpTimeouts.ofMillis(100, 0);
        assertEquals(4_100 * MS, HttpDeadlines.next(s), "http-request stands in for http-keep-alive");
    }

    @Test
    void queueAndConnectDeadlinesAnswer503() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.WAITING_FOR_SLOT;
        s.phaseDeadline = 3_000 * MS;
        assertEquals(3_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.QUEUE, HttpDeadlines.expired(s, 3_000 * MS));
        s.req = Req.CONNECTING;
        s.serverAttached = true;
        assertEquals(Expiry.CONNECT, HttpDeadlines.expired(s, 3_000 * MS));
    }

    /** The slow-origin defect: bytes that trickle in do not extend the time the response head may take. */
    @Test
    void theResponseHeadIsDueWithinTimeoutServerOfTheRequestBeingSent() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.SENT;
        s.resp = Resp.HEAD;
        s.serverAttached = true;
        s.requestSentAt = 10_000 * MS;
        s.serverActiveAt = 12_900 * MS;
        assertEquals(13_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.RESPONSE_HEAD, HttpDeadlines.expired(s, 13_000 * MS));
    }

    @Test
    void onceTheBodyFlowsTimeoutServerCountsFromTheServersLastActivity() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.SENT;
        s.resp = Resp.BODY;
        s.serverAttached = true;
        s.responseStarted = true;
        s.requestSentAt = 10_000 * MS;
        s.serverActiveAt = 12_900 * MS;
        assertEquals(15_900 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.SERVER, HttpDeadlines.expired(s, 15_900 * MS));
    }

    @Test
    void whileTheRequestBodyStillGoesOutTheServerTimeoutIsInactivity() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.SENDING;
        s.resp = Resp.HEAD;
        s.serverAttached = true;
        s.requestForwardable = true;
        s.serverActiveAt = 20_000 * MS;
        s.clientActiveAt = 19_000 * MS;
        assertEquals(23_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.RESPONSE_HEAD, HttpDeadlines.expired(s, 23_000 * MS));
    }

    @Test
    void aClientThatStopsTakingTheResponseIsCut() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.SENT;
        s.resp = Resp.RECEIVED;
        s.responseForwardable = true;
        s.clientActiveAt = 30_000 * MS;
        assertEquals(35_000 * MS, HttpDeadlines.next(s));
        assertEquals(Expiry.CLIENT, HttpDeadlines.expired(s, 35_000 * MS));
    }

    @Test
    void noDeadlineWhileNothingIsAwaitedFromAnyone() {
        HttpDeadlines.State s = firstHead();
        s.req = Req.SENT;
        s.resp = Resp.RECEIVED;
        assertEquals(0, HttpDeadlines.next(s));
    }
}
