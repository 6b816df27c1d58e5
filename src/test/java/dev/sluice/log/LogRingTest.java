package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LogRingTest {
    private static byte[] line(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String take(LogRing ring) {
        assertTrue(ring.next(), "an entry is waiting");
        String text = new String(ring.data, ring.entryOffset(), ring.entryLength(), StandardCharsets.US_ASCII);
        ring.release();
        return text;
    }

    @Test
    void linesComeOutInOrderWithTheirListLevelAndDate() {
        LogRing ring = new LogRing(4096, 1024, 3);
        assertTrue(ring.offer(2, LogLevel.ERR, 1234567890123L, line("first"), 5));
        assertTrue(ring.offer(0, LogLevel.INFO, 5L, line("second"), 6));
        assertTrue(ring.next());
        assertEquals(2, ring.entryList());
        assertEquals(LogLevel.ERR, ring.entryLevel());
        assertEquals(1234567890123L, ring.entryMillis());
        ring.release();
        assertEquals("second", take(ring));
        assertFalse(ring.next());
        assertTrue(ring.isEmpty());
        assertEquals(2, ring.offered());
    }

    @Test
    void aFullRingDropsTheLineAndCountsItForItsList() {
        LogRing ring = new LogRing(4096, 1000, 2);
        byte[] body = new byte[1000];
        int accepted = 0;
        while (ring.offer(1, LogLevel.INFO, 0, body, body.length)) {
            accepted++;
        }
        assertEquals(4, accepted, "4 entries of 1016 bytes fit in 4096");
        assertFalse(ring.offer(1, LogLevel.INFO, 0, body, body.length));
        assertFalse(ring.offer(0, LogLevel.INFO, 0, body, body.length));
        assertEquals(2, ring.dropped(1));
        assertEquals(1, ring.dropped(0));
        assertEquals(3, ring.dropped());
        take(ring);
        assertTrue(ring.offer(1, LogLevel.INFO, 0, body, body.length), "room again once the writer took one");
    }

    @Test
    void anEntryNeverSplitsAcrossTheEnd() {
        LogRing ring = new LogRing(4096, 2000, 1);
        byte[] a = new byte[1500];
        Arrays.fill(a, (byte) 'a');
        byte[] b = new byte[1500];
        Arrays.fill(b, (byte) 'b');
        assertTrue(ring.offer(0, LogLevel.INFO, 0, a, a.length));
        assertTrue(ring.offer(0, LogLevel.INFO, 0, a, a.length));
        take(ring);
        // 1064 bytes remain before the end: the next entry goes to the start, after a wrap mark.
        assertTrue(ring.offer(0, LogLevel.INFO, 0, b, b.length));
        assertEquals("a".repeat(1500), take(ring));
        assertTrue(ring.next());
        assertEquals(LogRing.ENTRY_HEAD, ring.entryOffset(), "the entry starts at the beginning of the array");
        assertEquals("b".repeat(1500), new String(ring.data, ring.entryOffset(), ring.entryLength(),
                StandardCharsets.US_ASCII));
        ring.release();
        assertTrue(ring.isEmpty());
    }

    @Test
    void aLineLongerThanTheRingsLimitIsCut() {
        LogRing ring = new LogRing(4096, 100, 1);
        assertTrue(ring.offer(0, LogLevel.INFO, 0, new byte[300], 300));
        assertTrue(ring.next());
        assertEquals(100, ring.entryLength());
    }

    /** Whatever the sizes and the interleaving, lines come out whole and in order, and every line is either out or counted. */
    @Property(tries = 200)
    void everyLineComesOutWholeInOrderOrIsCounted(@ForAll @Size(max = 300) List<@IntRange(max = 700) Integer> sizes,
            @ForAll @Size(max = 300) List<Boolean> drainAfter) {
        LogRing ring = new LogRing(4096, 700, 1);
        ArrayDeque<byte[]> expected = new ArrayDeque<>();
        long offered = 0;
        for (int i = 0; i < sizes.size(); i++) {
            byte[] body = new byte[sizes.get(i)];
            Arrays.fill(body, (byte) i);
            offered++;
            if (ring.offer(0, LogLevel.INFO, i, body, body.length)) {
                expected.add(body);
            }
            if (i < drainAfter.size() && drainAfter.get(i)) {
                drainOne(ring, expected);
            }
        }
        while (!expected.isEmpty()) {
            drainOne(ring, expected);
        }
        assertFalse(ring.next());
        assertEquals(offered, ring.offered() + ring.dropped());
    }

    private static void drainOne(LogRing ring, ArrayDeque<byte[]> expected) {
        if (expected.isEmpty()) {
            assertFalse(ring.next());
            return;
        }
        byte[] want = expected.poll();
        assertTrue(ring.next());
        assertEquals(want.length, ring.entryLength());
        assertTrue(Arrays.equals(want, 0, want.length, ring.data, ring.entryOffset(), ring.entryOffset() + want.length));
        ring.release();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aProducerAndAConsumerOnTwoThreadsLoseNothingUncounted() throws Exception {
        LogRing ring = new LogRing(8192, 64, 1);
        int lines = 200_000;
        List<Long> received = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            long last = -1;
            while (last < lines - 1) {
                if (ring.next()) {
                    long n = ring.entryMillis();
                    String text = new String(ring.data, ring.entryOffset(), ring.entryLength(),
                            StandardCharsets.US_ASCII);
                    if (!text.equals("line " + n) || n <= last) {
                        received.add(-1L);
                        return;
                    }
                    received.add(n);
                    last = n;
                    ring.release();
                } else if (ring.dropped() + received.size() == lines) {
                    return;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        consumer.start();
        for (int i = 0; i < lines; i++) {
            byte[] body = line("line " + i);
            ring.offer(0, LogLevel.INFO, i, body, body.length);
        }
        consumer.join();
        assertFalse(received.contains(-1L), "a line came out damaged or out of order");
        assertEquals(lines, received.size() + ring.dropped());
        assertTrue(received.size() > 0);
    }
}
