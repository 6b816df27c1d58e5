package dev.sluice.stick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The server a stick rule stores per key: store, match, expiry, eviction, the key types and the bytes counted. */
class StickTableServerTest {
    private static final byte[] A = {10, 0, 0, 1};
    private static final byte[] B = {10, 0, 0, 2};
    private static final byte[] C = {10, 0, 0, 3};

    private final AtomicLong now = new AtomicLong(5_000);

    private StickTable table(StickTable.Type type, int len, int size, long expire, boolean nopurge) {
        return new StickTable("b", type, len, size, expire, nopurge, Map.of(), true, now::get);
    }

    private static int id(long match) {
        return StickTable.serverId(match);
    }

    private static int name(long match) {
        return StickTable.serverName(match);
    }

    @Test
    void aStoredKeyNamesItsServerByIdAndName() {
        StickTable t = table(StickTable.Type.IP, 0, 10, 0, false);
        assertTrue(t.storesServers());
        assertEquals(0, t.matchServer(A, 4, true), "nothing stored yet");
        assertTrue(t.storeServer(A, 4, true, 2, 77));
        long m = t.matchServer(A, 4, true);
        assertEquals(2, id(m));
        assertEquals(77, name(m));
        assertEquals(0, t.matchServer(B, 4, true), "another key names nothing");
        assertTrue(t.storeServer(A, 4, true, 1, 78), "a later store overwrites, as the server that served last");
        assertEquals(1, id(t.matchServer(A, 4, true)));
        assertEquals(78, name(t.matchServer(A, 4, true)));
        assertEquals(1, t.entries());
        t.checkInvariants();
    }

    @Test
    void anEntryExpiresAfterItsLastStoreOrMatch() {
        StickTable t = table(StickTable.Type.IP, 0, 10, 1_000, false);
        t.storeServer(A, 4, true, 3, 1);
        now.addAndGet(900);
        assertEquals(3, id(t.matchServer(A, 4, true)), "a match within expire finds it, and touches it");
        now.addAndGet(900);
        assertEquals(3, id(t.matchServer(A, 4, true)), "1800 ms after the store, but 900 after the match");
        now.addAndGet(1_000);
        assertEquals(0, t.matchServer(A, 4, true), "expire after the last touch: gone");
        assertEquals(0, t.entries());
        t.checkInvariants();
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyUsedUnlessNopurge() {
        StickTable t = table(StickTable.Type.IP, 0, 2, 0, false);
        t.storeServer(A, 4, true, 1, 1);
        now.incrementAndGet();
        t.storeServer(B, 4, true, 2, 2);
        now.incrementAndGet();
        t.matchServer(A, 4, true);
        now.incrementAndGet();
        assertTrue(t.storeServer(C, 4, true, 1, 1));
        assertEquals(0, t.matchServer(B, 4, true), "B was used least recently: evicted");
        assertEquals(1, id(t.matchServer(A, 4, true)));
        assertEquals(1, id(t.matchServer(C, 4, true)));

        StickTable kept = table(StickTable.Type.IP, 0, 2, 0, true);
        kept.storeServer(A, 4, true, 1, 1);
        kept.storeServer(B, 4, true, 2, 2);
        assertFalse(kept.storeServer(C, 4, true, 1, 1), "nopurge: a full table takes no new key");
        assertEquals(0, kept.matchServer(C, 4, true));
        assertTrue(kept.storeServer(A, 4, true, 2, 2), "an existing key is still updated");
        assertEquals(2, id(kept.matchServer(A, 4, true)));
        t.checkInvariants();
        kept.checkInvariants();
    }

    @Test
    void addressesAndStringsKeyAsTheTableSays() {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(A, 0, mapped, 12, 4);
        StickTable ip = table(StickTable.Type.IP, 0, 10, 0, false);
        ip.storeServer(mapped, 16, true, 4, 1);
        assertEquals(4, id(ip.matchServer(A, 4, true)), "an IPv4-mapped client is its IPv4 address");
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        assertFalse(ip.storeServer(v6, 16, true, 1, 1), "an IPv6 client makes no key of an ip table");

        StickTable v6table = table(StickTable.Type.IPV6, 0, 10, 0, false);
        v6table.storeServer(A, 4, true, 5, 1);
        assertEquals(5, id(v6table.matchServer(mapped, 16, true)));

        StickTable s = table(StickTable.Type.STRING, 4, 10, 0, false);
        byte[] key = "abcdef".getBytes(StandardCharsets.US_ASCII);
        s.storeServer(key, 6, false, 6, 1);
        assertEquals(6, id(s.matchServer("abcdXY".getBytes(StandardCharsets.US_ASCII), 6, false)),
                "a string key is cut to len, for the store and the match");
        assertEquals(0, s.matchServer("abc".getBytes(StandardCharsets.US_ASCII), 3, false));
        assertFalse(s.storeServer(A, 4, true, 1, 1), "an address makes no key of a string table");
        assertEquals(0, s.matchServer(key, 0, false), "the empty key was never stored");
    }

    @Test
    void aTableWithoutServerIdsStoresNone() {
        StickTable t = new StickTable("b", StickTable.Type.IP, 0, 10, 0, false, Map.of(), now::get);
        assertFalse(t.storesServers());
        assertFalse(t.storeServer(A, 4, true, 1, 1));
        assertEquals(0, t.matchServer(A, 4, true));
        assertEquals(0, t.entries());
    }

    @Test
    void countersAndServersShareAnEntry() {
        StickTable t = new StickTable("b", StickTable.Type.IP, 0, 10, 0, false, Map.of(StickData.CONN_CNT, 0L), true,
                now::get);
        int e = t.trackAddress(A);
        t.storeServer(A, 4, true, 2, 9);
        assertEquals(1, t.value(e, StickData.CONN_CNT));
        assertEquals(2, id(t.matchServer(A, 4, true)));
        t.release(e);
        assertEquals(1, t.entries());
    }

    @Test
    void theServerColumnsAreCountedAndAllocatedUpFront() {
        long without = StickTable.bytesFor(StickTable.Type.IP, 0, 1_000, Set.of());
        long with = StickTable.bytesFor(StickTable.Type.IP, 0, 1_000, Set.of(), true);
        assertEquals(8_000, with - without, "a server id and a name number, 4 bytes each, per entry");
        assertEquals(with, table(StickTable.Type.IP, 0, 1_000, 0, false).bytes());
    }

    @Test
    void serverNamesHaveOneNumberEach() {
        int a = ServerNames.number("stick-test-a");
        assertEquals(a, ServerNames.number("stick-test-a"));
        assertTrue(a > 0);
        assertTrue(ServerNames.number("stick-test-b") != a);
    }
}
