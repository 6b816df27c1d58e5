package dev.sluice.backend;

import static dev.sluice.backend.Farms.address;
import static dev.sluice.backend.Farms.backend;
import static dev.sluice.backend.Farms.counts;
import static dev.sluice.backend.Farms.pick;
import static dev.sluice.backend.Farms.picks;
import static dev.sluice.backend.Farms.server;
import static dev.sluice.backend.Farms.target;
import static dev.sluice.backend.Farms.weighted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each algorithm gives the distribution it promises. */
class BalancingTest {
    private final TestLoop loop = new TestLoop(0);
    private final TestWaiter waiter = new TestWaiter(loop);

    @Test
    void roundRobinGivesEachServerExactlyItsWeightInEveryCycle() {
        Backend b = backend(BalanceSpec.ROUNDROBIN, weighted(1, 2, 5));
        for (int cycle = 0; cycle < 10; cycle++) {
            assertArrayEquals(new int[] {1, 2, 5}, counts(b, picks(b, waiter, 8)), "cycle " + cycle);
        }
    }

    @Test
    void roundRobinIsSmoothEveryWindowOfOneCycleGivesEachServerItsWeightWithinOne() {
        int[] weights = {5, 3, 2, 1};
        Backend b = backend(BalanceSpec.ROUNDROBIN, weighted(weights));
        List<Server> p = picks(b, waiter, 200);
        for (int from = 0; from + 11 <= p.size(); from++) {
            int[] n = counts(b, p.subList(from, from + 11));
            for (int i = 0; i < weights.length; i++) {
                assertTrue(Math.abs(n[i] - weights[i]) <= 1, "window at " + from + ": " + java.util.Arrays.toString(n));
            }
        }
    }

    @Test
    void roundRobinFollowsAWeightChangedAtRunTime() {
        Server[] s = weighted(1, 1);
        Backend b = backend(BalanceSpec.ROUNDROBIN, s);
        assertArrayEquals(new int[] {50, 50}, counts(b, picks(b, waiter, 100)));
        s[1].setWeight(3);
        picks(b, waiter, 4);
        assertArrayEquals(new int[] {25, 75}, counts(b, picks(b, waiter, 100)));
        s[0].setWeight(0);
        assertEquals(ServerState.DRAIN, s[0].state());
        assertArrayEquals(new int[] {0, 40}, counts(b, picks(b, waiter, 40)));
    }

    @Test
    void staticRoundRobinGivesEachServerItsConfiguredWeightPerMapTurn() {
        Server[] s = weighted(2, 4, 6);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.STATIC_RR), s);
        // The map holds the weights divided by their gcd: 1, 2, 3.
        for (int turn = 0; turn < 5; turn++) {
            assertArrayEquals(new int[] {1, 2, 3}, counts(b, picks(b, waiter, 6)), "turn " + turn);
        }
        s[2].setWeight(1);
        assertArrayEquals(new int[] {10, 20, 30}, counts(b, picks(b, waiter, 60)),
                "static-rr keeps the configured weights");
    }

    @Test
    void leastconnSendsANewRequestToTheLeastLoadedServerForItsWeight() throws Exception {
        Server a = server("a", 1);
        Server bb = server("b", 1);
        Server c = server("c", 2);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.LEASTCONN), a, bb, c);
        List<Server> held = new ArrayList<>();
        // Every new request goes where (in flight + 1) / weight is lowest.
        for (int i = 0; i < 40; i++) {
            Server chosen = b.acquire(waiter, BalanceKey.NONE, null);
            held.add(chosen);
            long best = Long.MAX_VALUE;
            for (Server s : List.of(a, bb, c)) {
                int inFlight = s == chosen ? s.slotsInUse() - 1 : s.slotsInUse();
                best = Math.min(best, (inFlight + 1) * 1000L / s.weight());
            }
            int inFlight = chosen.slotsInUse() - 1;
            assertEquals(best, (inFlight + 1) * 1000L / chosen.weight(), "request " + i + " went to " + chosen);
        }
        assertEquals(10, a.slotsInUse());
        assertEquals(10, bb.slotsInUse());
        assertEquals(20, c.slotsInUse());
        // Free two of a's: the next two go to a.
        b.releaseSlot(a);
        b.releaseSlot(a);
        assertSame(a, b.acquire(waiter, BalanceKey.NONE, null));
        assertSame(a, b.acquire(waiter, BalanceKey.NONE, null));
    }

    @Test
    void leastconnRotatesAmongEquallyLoadedServers() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.LEASTCONN), weighted(1, 1, 1));
        assertArrayEquals(new int[] {10, 10, 10}, counts(b, picks(b, waiter, 30)));
    }

    @Test
    void firstFillsTheServersInDeclarationOrder() throws Exception {
        Server a = server("a", 1, 2, ServerRole.ACTIVE);
        Server bb = server("b", 5, 2, ServerRole.ACTIVE);
        Server c = server("c", 1, 2, ServerRole.ACTIVE);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.FIRST), a, bb, c);
        List<Server> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(b.acquire(waiter, BalanceKey.NONE, null));
        }
        assertEquals(List.of(a, a, bb, bb, c, c), order);
        assertEquals(null, b.acquire(new TestWaiter(loop), BalanceKey.NONE, null), "all full: queued");
        b.cancel(waiter);
        b.releaseSlot(bb);
    }

    @Test
    void sourceSendsAnAddressAlwaysToTheSameServerAndHonoursWeights() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.SOURCE), weighted(1, 3));
        SplittableRandom r = new SplittableRandom(1);
        int[] n = new int[2];
        for (int i = 0; i < 20_000; i++) {
            int a = r.nextInt(256);
            int c = r.nextInt(256);
            int d = r.nextInt(256);
            Server s = pick(b, waiter, address(10, a, c, d));
            assertSame(s, pick(b, waiter, address(10, a, c, d)), "the same address moved");
            n[s.position()]++;
        }
        assertEquals(0.25, n[0] / 20_000.0, 0.02, "weights 1:3 gave " + n[0] + ":" + n[1]);
    }

    @Test
    void sourceMapBasedIsTheAddressModuloTheTotalWeight() {
        Server[] s = weighted(1, 1, 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.SOURCE), s);
        // 10.0.0.7 as a 32-bit number, modulo 3; the map of three equal weights is s1, s2, s3.
        long ip = (10L << 24) | 7;
        assertSame(s[(int) (ip % 3)], pick(b, waiter, address(10, 0, 0, 7)));
    }

    @Test
    void uriHashesThePathWithoutItsQueryUnlessWhole() {
        Backend path = backend(BalanceSpec.of(BalanceAlgorithm.URI), weighted(1, 1, 1, 1, 1));
        int moved = 0;
        for (int i = 0; i < 200; i++) {
            if (pick(path, waiter, target("/p/" + i + "?a=1")) != pick(path, waiter, target("/p/" + i + "?b=2"))) {
                moved++;
            }
        }
        assertEquals(0, moved, "the query string changed the server without 'whole'");
        Backend whole = backend(BalanceSpec.of(BalanceAlgorithm.URI).withUri(new BalanceSpec.UriKey(true, false, 0, 0)),
                weighted(1, 1, 1, 1, 1));
        for (int i = 0; i < 200; i++) {
            if (pick(whole, waiter, target("/p/" + i + "?a=1")) != pick(whole, waiter, target("/p/" + i + "?b=2"))) {
                moved++;
            }
        }
        assertTrue(moved > 100, "with 'whole' the query string must count: only " + moved + " of 200 moved");
    }

    @Test
    void uriDepthAndLenCutTheKey() {
        Backend depth = backend(BalanceSpec.of(BalanceAlgorithm.URI).withUri(new BalanceSpec.UriKey(false, false, 0, 2)),
                weighted(1, 1, 1, 1, 1, 1, 1));
        Backend len = backend(BalanceSpec.of(BalanceAlgorithm.URI).withUri(new BalanceSpec.UriKey(false, false, 6, 0)),
                weighted(1, 1, 1, 1, 1, 1, 1));
        int differ = 0;
        for (int i = 0; i < 300; i++) {
            // Two levels: /a<i>/b/ is hashed, what follows is not.
            assertSame(pick(depth, waiter, target("/a" + i + "/b/c.html")), pick(depth, waiter, target("/a" + i + "/b/d/e")));
            // Six bytes: "/x" + four digits.
            String six = String.format("/x%04d", i);
            assertSame(pick(len, waiter, target(six + "/one")), pick(len, waiter, target(six + "two")));
            if (pick(depth, waiter, target("/a" + i + "/b/")) != pick(depth, waiter, target("/a" + i + "/c/"))) {
                differ++;
            }
        }
        assertTrue(differ > 150, "the second level must count under depth 2: " + differ + " of 300 differ");
    }

    @Test
    void uriPathOnlyIgnoresTheAuthorityOfAnAbsoluteTarget() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI).withUri(new BalanceSpec.UriKey(false, true, 0, 0)),
                weighted(1, 1, 1, 1, 1, 1, 1));
        for (int i = 0; i < 100; i++) {
            assertSame(pick(b, waiter, target("/k" + i)), pick(b, waiter, target("http://h" + i + ".example/k" + i)));
        }
    }

    @Test
    void urlParamHashesTheNamedParameterAndFallsBackToRoundRobinWithoutIt() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URL_PARAM, "user"), weighted(1, 1, 1));
        for (int i = 0; i < 100; i++) {
            assertSame(pick(b, waiter, target("/a?user=" + i)), pick(b, waiter, target("/b/c?x=1&user=" + i + "&y=2")));
            assertSame(pick(b, waiter, target("/a?user=" + i)), pick(b, waiter, target("/a?nouser=9&user=" + i)));
        }
        // No parameter: round robin, every server in turn.
        assertArrayEquals(new int[] {10, 10, 10}, counts(b, picks(b, waiter, 30)));
        List<Server> noParam = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            noParam.add(pick(b, waiter, target("/a?username=1")));
        }
        assertArrayEquals(new int[] {10, 10, 10}, counts(b, noParam));
    }

    @Test
    void hdrHashesTheFirstValueOfTheField() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.HDR, "X-User"), weighted(1, 1, 1, 1, 1));
        assertEquals("x-user", b.keyHeader());
        for (int i = 0; i < 100; i++) {
            assertSame(pick(b, waiter, target("u" + i)), pick(b, waiter, target("  u" + i + " , other")));
        }
        List<Server> empty = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            empty.add(pick(b, waiter, target("  ")));
        }
        assertArrayEquals(new int[] {5, 5, 5, 5, 5}, counts(b, empty), "an empty value falls back to round robin");
    }

    @Test
    void hdrUseDomainOnlyHashesTheDomainLabel() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.HDR, "host").withDomainOnly(),
                weighted(1, 1, 1, 1, 1, 1, 1));
        Backend plain = backend(BalanceSpec.of(BalanceAlgorithm.HDR, "host"), weighted(1, 1, 1, 1, 1, 1, 1));
        for (int i = 0; i < 100; i++) {
            assertSame(pick(b, waiter, target("www.site" + i + ".com")), pick(b, waiter, target("api.site" + i + ".org")));
            assertEquals(pick(b, waiter, target("site" + i + ".com")).position(), pick(plain, waiter, target("site" + i)).position(),
                    "the domain label hashes as that label alone");
        }
    }

    @Test
    void randomHonoursWeightsWithinTenPercent() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.RANDOM), weighted(20, 60));
        int[] n = counts(b, picks(b, waiter, 40_000));
        assertEquals(0.25, n[0] / 40_000.0, 0.025, "weights 1:3 gave " + n[0] + ":" + n[1]);
    }

    @Test
    void randomWithTwoDrawsPrefersTheLessLoadedServer() throws Exception {
        Server a = server("a", 1);
        Server bb = server("b", 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.RANDOM), a, bb);
        for (int i = 0; i < 100; i++) {
            b.acquire(waiter, BalanceKey.NONE, null);
        }
        // Two draws: only when both land on the busier server does it get one; so the loads stay close.
        assertTrue(Math.abs(a.slotsInUse() - bb.slotsInUse()) <= 6, a.slotsInUse() + " vs " + bb.slotsInUse());
    }

    @Test
    void consistentHashingMovesOnlyTheKeysOfTheServerThatLeft() {
        int n = 5;
        Server[] s = weighted(1, 1, 1, 1, 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI).withHashType(HashType.CONSISTENT), s);
        int keys = 20_000;
        Map<Integer, Server> before = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            before.put(i, pick(b, waiter, target("/object/" + i)));
        }
        b.checkVerdict(s[2], Backend.Verdict.DOWN, "test");
        int moved = 0;
        for (int i = 0; i < keys; i++) {
            Server now = pick(b, waiter, target("/object/" + i));
            if (now != before.get(i)) {
                moved++;
                assertSame(s[2], before.get(i), "key " + i + " moved between two servers that stayed");
            }
            assertNotSame(s[2], now);
        }
        assertEquals(1.0 / n, moved / (double) keys, 0.08, moved + " of " + keys + " keys moved");
        b.checkVerdict(s[2], Backend.Verdict.UP, "test");
        for (int i = 0; i < keys; i++) {
            assertSame(before.get(i), pick(b, waiter, target("/object/" + i)), "key " + i + " did not come back");
        }
    }

    @Test
    void mapBasedHashingMovesMostKeysWhenAServerLeaves() {
        Server[] s = weighted(1, 1, 1, 1, 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI), s);
        int keys = 5_000;
        List<Server> before = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            before.add(pick(b, waiter, target("/object/" + i)));
        }
        b.checkVerdict(s[4], Backend.Verdict.DOWN, "test");
        int moved = 0;
        for (int i = 0; i < keys; i++) {
            if (pick(b, waiter, target("/object/" + i)) != before.get(i)) {
                moved++;
            }
        }
        assertTrue(moved > keys / 2, "map-based hashing redistributes: " + moved);
    }

    @Test
    void consistentHashingHonoursWeightsWithinTenPercent() {
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI).withHashType(HashType.CONSISTENT), weighted(10, 30));
        int[] n = new int[2];
        for (int i = 0; i < 40_000; i++) {
            n[pick(b, waiter, target("/k/" + i)).position()]++;
        }
        assertEquals(0.25, n[0] / 40_000.0, 0.025, n[0] + ":" + n[1]);
    }

    @Test
    void backupsTakeRequestsOnlyWhenNoActiveServerIsUpAndThenOnlyTheFirstOne() {
        Server a = server("a", 1);
        Server bk1 = server("bk1", 1, 0, ServerRole.BACKUP);
        Server bk2 = server("bk2", 1, 0, ServerRole.BACKUP);
        Backend b = backend(BalanceSpec.ROUNDROBIN, a, bk1, bk2);
        assertArrayEquals(new int[] {20, 0, 0}, counts(b, picks(b, waiter, 20)));
        a.setMaintenance(true);
        assertArrayEquals(new int[] {0, 20, 0}, counts(b, picks(b, waiter, 20)));
        b.checkVerdict(bk1, Backend.Verdict.DOWN, "test");
        assertArrayEquals(new int[] {0, 0, 20}, counts(b, picks(b, waiter, 20)));
        a.setMaintenance(false);
        assertArrayEquals(new int[] {20, 0, 0}, counts(b, picks(b, waiter, 20)));
    }

    @Test
    void allBackupsShareTheLoadByWeightWithOptionAllbackups() {
        Server a = server("a", 1);
        Server bk1 = server("bk1", 1, 0, ServerRole.BACKUP);
        Server bk2 = server("bk2", 3, 0, ServerRole.BACKUP);
        Backend b = backend(BalanceSpec.ROUNDROBIN.withBackups(BalanceSpec.BackupUse.ALL), a, bk1, bk2);
        a.setDrain(true);
        assertArrayEquals(new int[] {0, 10, 30}, counts(b, picks(b, waiter, 40)));
    }

    @Test
    void downMaintenanceDrainedAndWeightZeroServersGetNoNewRequest() {
        Server[] s = weighted(1, 1, 1, 1, 1);
        Backend b = backend(BalanceSpec.ROUNDROBIN, s);
        b.checkVerdict(s[0], Backend.Verdict.DOWN, "test");
        s[1].setMaintenance(true);
        s[2].setDrain(true);
        s[3].setWeight(0);
        assertEquals(List.of(ServerState.DOWN, ServerState.MAINT, ServerState.DRAIN, ServerState.DRAIN, ServerState.UP),
                List.of(s[0].state(), s[1].state(), s[2].state(), s[3].state(), s[4].state()));
        assertArrayEquals(new int[] {0, 0, 0, 0, 50}, counts(b, picks(b, waiter, 50)));
        for (int i = 0; i < 50; i++) {
            assertSame(s[4], pick(b, waiter, target("/" + i)));
        }
    }

    @Test
    void noServerLeftRefusesAtOnce() {
        Server[] s = weighted(1, 1);
        Backend b = backend(BalanceSpec.ROUNDROBIN, s);
        s[0].setMaintenance(true);
        b.checkVerdict(s[1], Backend.Verdict.DOWN, "test");
        assertThrows(Backend.NoServerException.class, () -> b.acquire(waiter, BalanceKey.NONE, null));
        assertEquals(0, b.serversUp());
    }

    @Test
    void hashKeysAreReadFromABufferInPlace() {
        dev.sluice.buffer.BufferPool pool = new dev.sluice.buffer.BufferPool(1, 256, 0, () -> 0);
        dev.sluice.buffer.Buffer buf = pool.tryAllocate(dev.sluice.buffer.Criticality.CRITICAL);
        byte[] line = "GET /some/path?x=1 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        buf.append(line, 0, line.length);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI), weighted(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        Server fromBuffer = pick(b, waiter, new BalanceKey().bytes(buf, 4, 18));
        assertSame(pick(b, waiter, target("/some/path?x=1")), fromBuffer);
        assertNotEquals(-1L, b.keyHash(new BalanceKey().bytes(buf, 4, 18)));
        pool.release(buf);
    }
}
