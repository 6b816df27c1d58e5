package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up room for captured headers: bounded slots, values cut at their length, reuse without leftovers. */
class CaptureSlabTest {
    private static final Captures CAPTURES = new Captures(List.of("Host", "X-A"), new int[] {4, 2},
            List.of("Server"), new int[] {3});

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String line(LogRecord r) throws LogConfigException {
        LineBuilder out = new LineBuilder(256, LocalOffset.system(), 1, "h");
        out.start(256);
        LogFormat.compile("%hr %hs %hrl %hsl", LogMode.HTTP).format(r, out, 0);
        return new String(out.bytes, 0, out.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void slotsAreBoundedCountedAndComeBackEmpty() throws Exception {
        CaptureSlab slab = new CaptureSlab(CAPTURES, 2);
        assertEquals(2 * 9 + 4 * 2 * 3 + 4 * 2, slab.bytes(), "2 slots of 4+2+3 bytes, 3 lengths and 1 free entry each");
        int a = slab.acquire();
        int b = slab.acquire();
        assertEquals(-1, slab.acquire(), "no third slot");
        assertEquals(1, slab.exhausted());
        assertEquals(2, slab.inUse());
        slab.capture(a, 0, bytes("example.com"), 0, 11);
        slab.capture(a, 2, bytes("xx{nginx"), 2, 6);
        LogRecord r = new LogRecord();
        r.captures(slab, a);
        assertEquals("{exam|} {#7Bng} exam - #7Bng", line(r), "cut at len, absent empty or -, { encoded");
        r.captures(slab, -1);
        assertEquals("{|} {} - - -", line(r), "no slot: every capture empty");
        slab.release(a);
        slab.release(b);
        int again = slab.acquire();
        r.captures(slab, again);
        assertEquals("{|} {} - - -", line(r), "a slot given back keeps nothing of its last exchange");
    }

    @Test
    void aFrontendWithoutCapturesWritesNothing() throws Exception {
        assertEquals("", line(new LogRecord()), "nothing, and no doubled separators, as HAProxy writes it");
    }
}
