package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The in-place rewrite helpers of {@link Buffer}: shifts overlap their source, as a head rewrite needs. */
class BufferShiftTest {
    private final BufferPool pool = new BufferPool(2, 64, 0, () -> 0L);

    private Buffer holding(String s) {
        Buffer b = pool.tryAllocate(Criticality.CRITICAL);
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.append(bytes, 0, bytes.length);
        return b;
    }

    private static String held(Buffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = b.readIndex(); i < b.writeIndex(); i++) {
            sb.append((char) b.get(i));
        }
        return sb.toString();
    }

    @Test
    void shiftingLeftDeletesARangeEvenWhenSourceAndTargetOverlap() {
        Buffer b = holding("A: 1\r\nBB: 22\r\nC: 3\r\n\r\nbody");
        b.shiftTail(6, 0);
        assertEquals("BB: 22\r\nC: 3\r\n\r\nbody", held(b));
    }

    @Test
    void shiftingRightOpensRoomThatPutAtFillsEvenWhenSourceAndTargetOverlap() {
        Buffer b = holding("A: 1\r\n\r\nbody");
        byte[] line = "X-Y: zz\r\n".getBytes(StandardCharsets.US_ASCII);
        b.shiftTail(6, 6 + line.length);
        b.putAt(6, line, 0, line.length);
        assertEquals("A: 1\r\nX-Y: zz\r\n\r\nbody", held(b));
    }

    @Test
    void absoluteAccessIgnoresTheLastChannelView() {
        Buffer b = holding("0123456789");
        b.readView(2);
        assertEquals('9', (char) b.get(9));
        b.writeView(1);
        assertEquals(3, b.append(new byte[] {'a', 'b', 'c'}, 0, 3));
        assertEquals("0123456789abc", held(b));
    }

    @Test
    void shiftingPastTheCapacityIsRefused() {
        Buffer b = holding("x".repeat(60));
        assertThrows(IllegalArgumentException.class, () -> b.shiftTail(0, 10));
    }
}
