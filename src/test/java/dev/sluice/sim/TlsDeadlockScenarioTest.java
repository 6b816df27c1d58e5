package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The deadlock scenario over TLS: ten buffers, one server with {@code maxconn
 * 1}, 200 clients, each speaking TLS to Sluice through its own {@link
 * SimTlsRelay} over links whose send windows (512 to 2048 bytes) are smaller
 * than a handshake flight. Sluice's client ends are real {@link
 * dev.sluice.net.TlsConnection}s made by the listener's {@link
 * dev.sluice.net.TlsServerContext}, with the loop's record arena.
 *
 * <p>What makes it TLS-shaped: the relays wrap up to 16 KB of a client's
 * bytes per record, so records are several times the 1,024-byte buffer and
 * arrive in the link's segments; a third of the clients speak TLS 1.2 (two
 * round trips), and half of the TLS 1.3 clients offer first a key share the
 * listener does not take (P-384, then P-256, where it takes X25519 and P-256), so that it
 * answers with a HelloRetryRequest (two round trips); every flight is cut
 * into partial records by the small windows.
 *
 * <p>Four defects this scenario found, each a deadlock or a dropped session
 * before its fix (docs/design.md, "Why it cannot deadlock", TLS): a flight
 * that did not fit the socket failed the handshake when no record buffer was
 * free; a request that waited NORMAL for its next record kept that class
 * after it took the slot, behind 130 queued handshakes; a TCP session's
 * handshake waited NORMAL while it held the slot; and an end of input read
 * behind the last data was never reported, leaving the session open.
 */
class TlsDeadlockScenarioTest {
    static final int BUFSIZE = 1024;
    static final SimScenario.TlsSpec MIXED = new SimScenario.TlsSpec(1.0 / 3, 0.5, 0);

    /** The HTTP deadlock workload (HttpDeadlockScenarioTest's), with 200 clients on ten buffers, over TLS. */
    static SimScenario httpWorkload() {
        return HttpDeadlockScenarioTest.seedWorkload().pool(10, 2).clients(200).arrivalsWithinMillis(100);
    }

    /** The TCP deadlock workload (TcpDeadlockScenarioTest's), with 200 clients on ten buffers, over TLS. */
    static SimScenario tcpWorkload() {
        return TcpDeadlockScenarioTest.seedWorkload().pool(10, 2).clients(200).arrivalsWithinMillis(100);
    }

    @Test
    void httpMaxconnOneOnTenBuffersCompletesEveryExchangeOverTls(TestInfo test) {
        SimSeeds.forEach(test, 4, seed -> {
            SimRun run = httpWorkload().tls(MIXED).run(seed);
            System.out.println("tls http " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertTlsShaped(run);
        });
    }

    @Test
    void tcpMaxconnOneOnTenBuffersCompletesEverySessionOverTls(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = tcpWorkload().tls(MIXED).run(seed);
            System.out.println("tls tcp " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertTlsShaped(run);
        });
    }

    /** The smallest arena Sluice accepts (its reserve of 2, and two more record buffers) under the same load. */
    @Test
    void httpOverTlsWithTheSmallestRecordArena(TestInfo test) {
        SimSeeds.forEach(test, 2, seed -> {
            SimRun run = httpWorkload().tls(new SimScenario.TlsSpec(1.0 / 3, 0.5, 4)).run(seed);
            System.out.println("tls http, 4 record buffers " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertTlsShaped(run);
        });
    }

    /** Two loops, each with its own arena and relays, one slot between them. */
    @Test
    void httpOverTlsOnTwoLoops(TestInfo test) {
        SimSeeds.forEach(test, 2, seed -> {
            SimRun run = httpWorkload().loops(2).tls(MIXED).run(seed);
            run.assertCompletedCleanly();
            assertEquals(2, run.tlsArenas.size());
        });
    }

    /**
     * TLS on both sides: every client speaks TLS to Sluice, and Sluice speaks
     * TLS to the server (verify required, sni str(localhost)), which sits
     * behind a relay with a server engine of its own. A session may hold four
     * record buffers of the arena, which is a deep one (reserve 4, lanes
     * leaving 3, 2, 1 and 0 free): the seed's deadlock, ten buffers and
     * {@code maxconn 1}, still completes every exchange.
     */
    @Test
    void httpWithTlsOnBothSidesCompletesEveryExchange(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = httpWorkload().tls(MIXED).tlsToServers().run(seed);
            System.out.println("tls both http " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertTlsShaped(run);
            assertServersSpokeTls(run);
        });
    }

    @Test
    void tcpWithTlsOnBothSidesCompletesEverySession(TestInfo test) {
        SimSeeds.forEach(test, 3, seed -> {
            SimRun run = tcpWorkload().tls(MIXED).tlsToServers().run(seed);
            System.out.println("tls both tcp " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertTlsShaped(run);
            assertServersSpokeTls(run);
        });
    }

    /** The smallest deep arena Sluice accepts: its reserve of 4, and two more. */
    @Test
    void bothSidesWithTheSmallestDeepArena(TestInfo test) {
        SimSeeds.forEach(test, 2, seed -> {
            SimRun run = httpWorkload().tls(new SimScenario.TlsSpec(1.0 / 3, 0.5, 6)).tlsToServers().run(seed);
            System.out.println("tls both http, 6 record buffers " + run.summary() + "; " + tlsSummary(run));
            run.assertCompletedCleanly();
            assertServersSpokeTls(run);
        });
    }

    /**
     * Sluice's server connections were TLS, each handshaken without a failure;
     * one it let go idle may end with a reset (a kept or parked connection
     * discarded), never one the server's engine saw fail.
     */
    static void assertServersSpokeTls(SimRun run) {
        assertTrue(!run.serverRelays.isEmpty(), "no server connection spoke TLS");
        for (SimTlsRelay r : run.serverRelays) {
            assertTrue(r.handshakeDone() && r.failure == null && !"client".equals(r.resetBy), r.state());
        }
        assertEquals(3, run.tlsArenas.get(0).pool().depth(), "a deep arena: lanes for four record buffers");
        assertEquals(4, run.tlsArenas.get(0).pool().reserve(), "a deep arena's reserve");
    }

    /**
     * The run was what the scenario claims: every client's handshake done,
     * TLS 1.2 and HelloRetryRequest handshakes of two round trips among them,
     * records larger than a buffer, and the arena full enough that handshakes
     * and records waited in its queue.
     */
    static void assertTlsShaped(SimRun run) {
        int twelve = 0;
        int retried = 0;
        int large = 0;
        for (SimTlsRelay r : run.relays) {
            assertTrue(r.handshakeDone() && r.failure == null && r.resetBy == null, r.state());
            if (r.protocol.equals("TLSv1.2")) {
                assertEquals(2, r.roundTrips(), r.state());
                twelve++;
            } else if (r.roundTrips() == 2) {
                retried++;
            } else {
                assertEquals(1, r.roundTrips(), r.state());
            }
            if (r.largestRecord > BUFSIZE) {
                large++;
            }
        }
        assertEquals(run.sessions.length, run.relays.size());
        assertTrue(twelve > run.relays.size() / 5, "TLS 1.2 handshakes: " + twelve);
        assertTrue(retried > run.relays.size() / 5, "HelloRetryRequest handshakes: " + retried);
        assertTrue(large > run.relays.size() / 2, "relays that sent a record larger than a buffer: " + large);
        long waits = 0;
        for (var arena : run.tlsArenas) {
            for (Criticality c : Criticality.values()) {
                waits += arena.pool().counters().waits(c);
            }
        }
        assertTrue(waits > 0, "no record buffer was ever waited for: the arena was not under pressure");
    }

    static String tlsSummary(SimRun run) {
        int truncated = 0;
        int twelve = 0;
        int retried = 0;
        int largest = 0;
        for (SimTlsRelay r : run.relays) {
            truncated += r.truncated ? 1 : 0;
            twelve += "TLSv1.2".equals(r.protocol) ? 1 : 0;
            retried += "TLSv1.3".equals(r.protocol) && r.roundTrips() == 2 ? 1 : 0;
            largest = Math.max(largest, r.largestRecord);
        }
        StringBuilder s = new StringBuilder("tls: " + twelve + " TLS 1.2, " + retried + " retried TLS 1.3, largest record "
                + largest + " B, " + truncated + " closes without close_notify");
        for (int l = 0; l < run.tlsArenas.size(); l++) {
            BufferPool p = run.tlsArenas.get(l).pool();
            s.append("; arena").append(l).append(" peak ").append(p.peakInUse()).append('/').append(p.size());
            for (Criticality c : Criticality.values()) {
                s.append(' ').append(c).append(" waits ").append(p.counters().waits(c));
            }
        }
        return s.toString();
    }
}
