package dev.sluice.stick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stick table: rates over an injected clock, expiry, eviction, keys, and two threads at once. */
class StickTableTest {
    private static final byte[] A = {10, 0, 0, 1};
    private static final byte[] B = {10, 0, 0, 2};
    private static final byte[] C = {10, 0, 0, 3};

    private final AtomicLong now = new AtomicLong(1_000_000);

    private StickTable table(int size, long expire, boolean nopurge) {
        Map<StickData, Long> stored = new EnumMap<>(StickData.class);
        stored.put(StickData.HTTP_REQ_RATE, 10_000L);
        stored.put(StickData.HTTP_REQ_CNT, 0L);
        stored.put(StickData.CONN_CUR, 0L);
        stored.put(StickData.CONN_CNT, 0L);
        stored.put(StickData.CONN_RATE, 10_000L);
        stored.put(StickData.HTTP_ERR_CNT, 0L);
        stored.put(StickData.HTTP_ERR_RATE, 10_000L);
        return new StickTable("web", StickTable.Type.IP, 0, size, expire, nopurge, stored, now::get);
    }

    private void at(long millisAfterStart) {
        now.set(1_000_000 + millisAfterStart);
    }

    @Test
    void theRateIsTheCurrentPeriodPlusTheWeightedPreviousOne() {
        StickTable t = table(10, 0, false);
        at(0);
        int e = t.trackAddress(A);
        for (int i = 0; i < 5; i++) {
            t.countRequest(e);
        }
        assertEquals(5, t.value(e, StickData.HTTP_REQ_RATE));
        at(9_999);
        assertEquals(5, t.value(e, StickData.HTTP_REQ_RATE));
        // Half of the previous period is still in the window: 5 * 0.5.
        at(15_000);
        assertEquals(2, t.value(e, StickData.HTTP_REQ_RATE), "5 * 5000 / 10000, rounded down");
        t.countRequest(e);
        assertEquals(3, t.value(e, StickData.HTTP_REQ_RATE), "(5 * 5000 + 1 * 10000) / 10000");
        at(20_000);
        assertEquals(1, t.value(e, StickData.HTTP_REQ_RATE), "the 5 are out of the window, the 1 is in it whole");
        // Two periods without an event empty the window.
        at(40_001);
        assertEquals(0, t.value(e, StickData.HTTP_REQ_RATE));
        assertEquals(6, t.value(e, StickData.HTTP_REQ_CNT), "the count never decays");
        assertEquals(1, t.value(e, StickData.CONN_CNT));
    }

    @Test
    void aSingleEventDoesNotFlapWhileItIsInTheWindow() {
        StickTable t = table(10, 0, false);
        at(0);
        int e = t.trackAddress(A);
        t.countRequest(e);
        at(12_000);
        assertEquals(1, t.value(e, StickData.HTTP_REQ_RATE), "one past event is read whole, not weighted to 0");
        at(20_001);
        assertEquals(0, t.value(e, StickData.HTTP_REQ_RATE));
    }

    @Test
    void connCurCountsTheHoldersAndRelease() {
        StickTable t = table(10, 0, false);
        int e1 = t.trackAddress(A);
        int e2 = t.trackAddress(A);
        assertEquals(e1, e2, "one key, one entry");
        assertEquals(2, t.value(e1, StickData.CONN_CUR));
        assertEquals(2, t.value(e1, StickData.CONN_RATE));
        t.release(e1);
        assertEquals(1, t.peekAddress(A, StickData.CONN_CUR));
        t.release(e2);
        assertEquals(0, t.peekAddress(A, StickData.CONN_CUR));
        assertEquals(2, t.peekAddress(A, StickData.CONN_CNT));
        assertThrows(IllegalStateException.class, () -> t.release(e1), "released more than held");
        t.checkInvariants();
    }

    @Test
    void errorsCount() {
        StickTable t = table(10, 0, false);
        int e = t.trackAddress(A);
        t.countError(e);
        t.countError(e);
        assertEquals(2, t.value(e, StickData.HTTP_ERR_CNT));
        assertEquals(2, t.value(e, StickData.HTTP_ERR_RATE));
        assertEquals(0, t.value(e, StickData.HTTP_REQ_CNT));
    }

    @Test
    void dataNotStoredHasNoValueAndAnUnknownAddressIsZero() {
        StickTable t = new StickTable("t", StickTable.Type.IP, 0, 4, 0, false,
                Map.of(StickData.HTTP_REQ_RATE, 1000L), now::get);
        int e = t.trackAddress(A);
        assertEquals(-1, t.value(e, StickData.CONN_CUR));
        assertEquals(-1, t.peekAddress(A, StickData.CONN_CUR));
        assertEquals(0, t.peekAddress(B, StickData.HTTP_REQ_RATE));
        assertFalse(t.stores(StickData.CONN_CUR));
    }

    @Test
    void anEntryExpiresAfterItsLastUpdateUnlessHeld() {
        StickTable t = table(10, 30_000, false);
        at(0);
        int e = t.trackAddress(A);
        t.countRequest(e);
        t.release(e);
        int held = t.trackAddress(B);
        at(29_999);
        assertEquals(1, t.peekAddress(A, StickData.HTTP_REQ_CNT));
        assertEquals(2, t.entries());
        at(30_000);
        assertEquals(0, t.peekAddress(A, StickData.HTTP_REQ_CNT), "expired: as if never seen");
        assertEquals(1, t.entries(), "the held entry stays");
        assertEquals(1, t.peekAddress(B, StickData.CONN_CUR));
        t.release(held);
        at(59_999);
        assertEquals(1, t.entries(), "the release was an update: 30s from it");
        at(60_000);
        assertEquals(0, t.entries());
        t.checkInvariants();
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyUpdatedEntryNoOneHolds() {
        StickTable t = table(2, 0, false);
        at(0);
        t.release(t.trackAddress(A));
        at(1);
        t.release(t.trackAddress(B));
        at(2);
        t.countRequest(t.trackAddress(A)); // A is the most recent now, and held
        at(3);
        int c = t.trackAddress(C);
        assertTrue(c >= 0);
        assertEquals(0, t.peekAddress(B, StickData.CONN_CNT), "B was the oldest: evicted");
        assertEquals(2, t.peekAddress(A, StickData.CONN_CNT));
        assertEquals(1, t.peekAddress(C, StickData.CONN_CNT));
        // Both entries held: nothing can make room.
        assertEquals(-1, t.trackAddress(B));
        assertEquals(2, t.entries());
        t.checkInvariants();
    }

    @Test
    void nopurgeStopsTrackingNewKeysWhenFull() {
        StickTable t = table(2, 10_000, true);
        at(0);
        t.release(t.trackAddress(A));
        t.release(t.trackAddress(B));
        assertEquals(-1, t.trackAddress(C), "full under nopurge: the new key is not tracked");
        assertEquals(1, t.peekAddress(A, StickData.CONN_CNT), "nothing was evicted");
        at(10_000);
        assertTrue(t.trackAddress(C) >= 0, "expired entries still go under nopurge");
        t.checkInvariants();
    }

    @Test
    void addressesOfTheOtherFamilyMapAsHaproxyMapsThem() {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(A, 0, mapped, 12, 4);
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[15] = 1;
        StickTable ip = table(10, 0, false);
        assertEquals(ip.trackAddress(A), ip.trackAddress(mapped), "an IPv4-mapped client is its IPv4 address");
        assertEquals(-1, ip.trackAddress(v6), "an IPv6 client has no key in an ip table");
        assertEquals(-1, ip.trackAddress(new byte[0]));
        StickTable ipv6 = new StickTable("v6", StickTable.Type.IPV6, 0, 10, 0, false, Map.of(StickData.CONN_CUR, 0L),
                now::get);
        assertEquals(ipv6.trackAddress(mapped), ipv6.trackAddress(A));
        assertTrue(ipv6.trackAddress(v6) >= 0);
        assertEquals(2, ipv6.peekAddress(A, StickData.CONN_CUR));
        assertEquals(1, ipv6.peekAddress(v6, StickData.CONN_CUR));
    }

    @Test
    void stringKeysAreReadInPlaceAndCutToTheirLength() {
        Buffer buffer = new BufferPool(1, 1024, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
        byte[] text = "xx-alice-bob-alice-longer-than-eight".getBytes(StandardCharsets.ISO_8859_1);
        buffer.append(text, 0, text.length);
        StickTable t = new StickTable("s", StickTable.Type.STRING, 8, 10, 0, false, Map.of(StickData.CONN_CNT, 0L),
                now::get);
        int alice = t.trackBytes(buffer, 3, 8);
        int bob = t.trackBytes(buffer, 9, 12);
        assertTrue(alice != bob);
        assertEquals(alice, t.trackBytes(buffer, 13, 18), "the same bytes elsewhere are the same key");
        int cut = t.trackBytes(buffer, 13, text.length);
        assertEquals(cut, t.trackBytes(buffer, 13, 21), "cut to its first 8 bytes: 'alice-lo'");
        assertTrue(cut != alice);
        assertEquals(2, t.value(alice, StickData.CONN_CNT));
        t.checkInvariants();
    }

    @Test
    void anotherTableIsReadByTheTrackedKey() {
        StickTable first = table(10, 0, false);
        StickTable second = table(10, 0, false);
        int e = first.trackAddress(A);
        int other = second.trackAddress(A);
        second.countRequest(other);
        second.countRequest(other);
        byte[] key = new byte[16];
        assertEquals(2, second.peekKeyOf(first, e, StickData.HTTP_REQ_CNT, key));
        assertEquals(0, first.peekKeyOf(first, e, StickData.HTTP_REQ_CNT, key));
        assertEquals(0, second.peekKeyOf(first, first.trackAddress(B), StickData.HTTP_REQ_CNT, key));
    }

    @Test
    void theIndexSurvivesManyKeysComingAndGoing() {
        StickTable t = table(64, 0, false);
        byte[] key = new byte[4];
        for (int i = 0; i < 10_000; i++) {
            key[2] = (byte) (i >> 8);
            key[3] = (byte) i;
            int e = t.trackAddress(key);
            t.countRequest(e);
            t.release(e);
        }
        t.checkInvariants();
        assertEquals(64, t.entries());
        for (int i = 10_000 - 64; i < 10_000; i++) {
            key[2] = (byte) (i >> 8);
            key[3] = (byte) i;
            assertEquals(1, t.peekAddress(key, StickData.HTTP_REQ_CNT), "the 64 most recent keys stay");
        }
    }

    /** What one of two threads does, with its own seed. */
    @FunctionalInterface
    private interface Worker {
        void run(java.util.Random random) throws Exception;
    }

    /** Runs {@code worker} on two threads at once; the first failure of either fails the test. */
    private static void onTwoThreads(Worker worker) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int n = 0; n < threads.length; n++) {
            int seed = n;
            threads[n] = new Thread(() -> {
                try {
                    start.await();
                    worker.run(new java.util.Random(seed));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[n].start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void twoThreadsKeepTheCountsAndTheStructure() throws Exception {
        // As many entries as keys: nothing is evicted, so every count must add up exactly.
        StickTable t = table(64, 0, false);
        int perThread = 50_000;
        onTwoThreads(random -> {
            byte[] key = {10, 0, 0, 0};
            for (int i = 0; i < perThread; i++) {
                key[3] = (byte) random.nextInt(50);
                int e = t.trackAddress(key);
                t.countRequest(e);
                if (t.value(e, StickData.CONN_CUR) < 1) {
                    throw new AssertionError("a held entry shows no holder");
                }
                t.release(e);
            }
        });
        t.checkInvariants();
        long requests = 0;
        byte[] key = {10, 0, 0, 0};
        for (int k = 0; k < 50; k++) {
            key[3] = (byte) k;
            assertEquals(0, t.peekAddress(key, StickData.CONN_CUR), "every hold was released");
            requests += t.peekAddress(key, StickData.HTTP_REQ_CNT);
            assertEquals(t.peekAddress(key, StickData.CONN_CNT), t.peekAddress(key, StickData.HTTP_REQ_CNT));
        }
        assertEquals(2L * perThread, requests, "no count lost");
    }

    @Test
    void twoThreadsEvictingNeverTakeAHeldEntry() throws Exception {
        // Fewer entries than keys: eviction runs all the time, and a held entry must never be reused.
        StickTable t = table(8, 0, false);
        onTwoThreads(random -> {
            byte[] key = {10, 0, 0, 0};
            for (int i = 0; i < 50_000; i++) {
                key[3] = (byte) random.nextInt(40);
                int e = t.trackAddress(key);
                if (e < 0) {
                    continue; // every entry held by the two threads at once: not tracked
                }
                long before = t.value(e, StickData.HTTP_REQ_CNT);
                t.countRequest(e);
                if (t.value(e, StickData.HTTP_REQ_CNT) <= before) {
                    throw new AssertionError("the held entry's count did not grow: it was evicted and reused");
                }
                if (t.peekAddress(key, StickData.CONN_CUR) < 1) {
                    throw new AssertionError("the held key is not in the table");
                }
                t.release(e);
            }
        });
        t.checkInvariants();
        assertEquals(8, t.entries());
    }

    @Test
    void itsBytesAreKnownBeforeItIsMade() {
        Map<StickData, Long> stored = new EnumMap<>(StickData.class);
        stored.put(StickData.HTTP_REQ_RATE, 10_000L);
        stored.put(StickData.CONN_CUR, 0L);
        stored.put(StickData.CONN_RATE, 10_000L);
        StickTable t = new StickTable("web", StickTable.Type.IP, 0, 100_000, 30_000, false, stored, now::get);
        assertEquals(StickTable.bytesFor(StickTable.Type.IP, 0, 100_000, stored.keySet()), t.bytes());
        // 4 (key) + 24 (hash, links, holders, last update) + 4 (conn_cur) + 2 * 16 (rates) per entry,
        // and an index of 2^18 slots.
        assertEquals(100_000L * 64 + 4L * (1 << 18) + 16, t.bytes());
    }
}
