package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which timeout applies to a TCP session in which state, driven without a session, a loop or a clock. */
class TcpDeadlinesTest {
    private static final long MS = 1_000_000L;

    /** Relaying, client last active at 1 s and server at 2 s; client 5 s, server 3 s, queue/connect 1 s. */
    private static TcpDeadlines.State relaying(long tunnel, long clientFin, long serverFin) {
        TcpDeadlines.State s = new TcpDeadlines.State();
        s.relaying = true;
        s.timeouts = new SessionTimeouts(5_000 * MS, 3_000 * MS, 1_000 * MS, 1_000 * MS, tunnel, clientFin, serverFin);
        s.clientActiveAt = 1_000 * MS;
        s.serverActiveAt = 2_000 * MS;
        return s;
    }

    @Test
    void beforeRelayingOnlyThePhaseDeadlineAndTheClientCount() {
        TcpDeadlines.State s = relaying(0, 0, 0);
        s.relaying = false;
        s.phaseDeadline = 1_500 * MS;
        s.waitsOnServer = true;
        assertEquals(0, TcpDeadlines.server(s), "no server deadline before the connection is up");
        assertEquals(0, TcpDeadlines.tunnel(s));
        assertEquals(1_500 * MS, TcpDeadlines.next(s));
        s.waitsOnClient = true;
        s.phaseDeadline = 9_000 * MS;
        assertEquals(6_000 * MS, TcpDeadlines.next(s), "timeout client from the client's last byte");
    }

    @Test
    void whileRelayingTheClientAndServerTimeoutsCountOnlyWhileWaitingOnThatSide() {
        TcpDeadlines.State s = relaying(0, 0, 0);
        s.phaseDeadline = 1_100 * MS;
        assertEquals(0, TcpDeadlines.next(s), "waiting on nobody, and the phase deadline no longer counts");
        s.waitsOnServer = true;
        assertEquals(5_000 * MS, TcpDeadlines.server(s));
        assertEquals(0, TcpDeadlines.client(s));
        s.waitsOnClient = true;
        assertEquals(5_000 * MS, TcpDeadlines.next(s));
        s.serverActiveAt = 4_000 * MS;
        assertEquals(6_000 * MS, TcpDeadlines.next(s));
    }

    @Test
    void timeoutTunnelStandsInForBothAndCountsFromTheLastByteEitherWay() {
        TcpDeadlines.State s = relaying(10_000 * MS, 0, 0);
        s.waitsOnClient = true;
        s.waitsOnServer = true;
        assertEquals(0, TcpDeadlines.client(s));
        assertEquals(0, TcpDeadlines.server(s));
        assertEquals(12_000 * MS, TcpDeadlines.tunnel(s));
        assertEquals(12_000 * MS, TcpDeadlines.next(s));
    }

    @Test
    void aHalfClosedSideHasItsFinTimeoutEvenUnderATunnel() {
        TcpDeadlines.State s = relaying(10_000 * MS, 500 * MS, 700 * MS);
        assertEquals(12_000 * MS, TcpDeadlines.next(s));
        s.clientHalfClosed = true;
        assertEquals(1_500 * MS, TcpDeadlines.client(s));
        s.serverHalfClosed = true;
        assertEquals(2_700 * MS, TcpDeadlines.server(s));
        assertEquals(1_500 * MS, TcpDeadlines.next(s));
    }
}
