package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BufferTest {
    private static final int CAPACITY = 16;

    private final BufferPool pool = new BufferPool(2, CAPACITY, 0, new FakeClock());
    private final Buffer buffer = pool.tryAllocate(Criticality.NORMAL);

    private static byte[] bytes(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private byte[] held() {
        byte[] out = new byte[buffer.readable()];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.get(buffer.readIndex() + i);
        }
        return out;
    }

    @Test
    void freshBufferIsEmptyAndWholyWritable() {
        assertTrue(buffer.isEmpty());
        assertEquals(0, buffer.readable());
        assertEquals(CAPACITY, buffer.writable());
        assertEquals(CAPACITY, buffer.capacity());
        assertEquals(0, buffer.readIndex());
        assertEquals(0, buffer.writeIndex());
    }

    @Test
    void producedAdvancesTheWriteIndex() {
        buffer.produced(5);
        buffer.produced(3);
        assertEquals(8, buffer.writeIndex());
        assertEquals(8, buffer.readable());
        assertEquals(CAPACITY - 8, buffer.writable());
        assertFalse(buffer.isEmpty());
    }

    @Test
    void producedRefusesNegativeCountsAndMoreThanTheRoomLeft() {
        buffer.produced(10);
        assertThrows(IllegalArgumentException.class, () -> buffer.produced(-1));
        assertThrows(IllegalArgumentException.class, () -> buffer.produced(CAPACITY - 10 + 1));
        assertEquals(10, buffer.writeIndex());
        buffer.produced(CAPACITY - 10);
        assertEquals(0, buffer.writable());
    }

    @Test
    void consumedAdvancesTheReadIndex() {
        buffer.produced(10);
        buffer.consumed(4);
        assertEquals(4, buffer.readIndex());
        assertEquals(6, buffer.readable());
        assertEquals(CAPACITY - 10, buffer.writable(), "consuming does not make room until compact");
    }

    @Test
    void consumingEverythingRewindsBothIndexesToZero() {
        buffer.produced(10);
        buffer.consumed(4);
        buffer.consumed(6);
        assertEquals(0, buffer.readIndex());
        assertEquals(0, buffer.writeIndex());
        assertEquals(CAPACITY, buffer.writable());
    }

    @Test
    void consumedRefusesNegativeCountsAndMoreThanIsHeld() {
        buffer.produced(5);
        assertThrows(IllegalArgumentException.class, () -> buffer.consumed(-1));
        assertThrows(IllegalArgumentException.class, () -> buffer.consumed(6));
        assertEquals(0, buffer.readIndex());
        assertEquals(5, buffer.readable());
    }

    @Test
    void compactMovesHeldBytesToTheStartAndKeepsThem() {
        buffer.append(bytes(1, 12), 0, 12);
        buffer.consumed(5);
        buffer.compact();
        assertEquals(0, buffer.readIndex());
        assertEquals(7, buffer.writeIndex());
        assertEquals(CAPACITY - 7, buffer.writable());
        assertArrayEquals(bytes(6, 7), held());
    }

    @Test
    void compactAtReadIndexZeroChangesNothing() {
        buffer.append(bytes(1, 4), 0, 4);
        buffer.compact();
        assertEquals(0, buffer.readIndex());
        assertEquals(4, buffer.writeIndex());
        assertArrayEquals(bytes(1, 4), held());
    }

    @Test
    void writeViewExposesTheFreeRoom() {
        buffer.produced(6);
        ByteBuffer view = buffer.writeView();
        assertSame(buffer.bytes(), view);
        assertEquals(6, view.position());
        assertEquals(CAPACITY, view.limit());
        view.put((byte) 42);
        buffer.produced(1);
        assertEquals(42, buffer.get(6));
    }

    @Test
    void readViewExposesTheHeldBytes() {
        buffer.append(bytes(1, 9), 0, 9);
        buffer.consumed(2);
        ByteBuffer view = buffer.readView();
        assertEquals(2, view.position());
        assertEquals(9, view.limit());
        assertEquals(3, view.get());
    }

    @Test
    void boundedWriteViewOffersAtMostTheAskedRoom() {
        buffer.produced(6);
        ByteBuffer view = buffer.writeView(4);
        assertEquals(6, view.position());
        assertEquals(10, view.limit());
        view = buffer.writeView(100);
        assertEquals(CAPACITY, view.limit(), "never past the capacity");
    }

    @Test
    void boundedReadViewOffersAtMostTheAskedBytes() {
        buffer.append(bytes(1, 9), 0, 9);
        buffer.consumed(2);
        ByteBuffer view = buffer.readView(3);
        assertEquals(2, view.position());
        assertEquals(5, view.limit());
        view = buffer.readView(100);
        assertEquals(9, view.limit(), "never past the held bytes");
    }

    @Test
    void shiftTailBackwardsDeletesBytesInPlace() {
        buffer.append(bytes(0, 10), 0, 10);
        buffer.shiftTail(6, 2);
        assertEquals(6, buffer.writeIndex());
        assertArrayEquals(new byte[] {0, 1, 6, 7, 8, 9}, held());
    }

    @Test
    void shiftTailForwardsOpensRoomAndKeepsOverlappingBytes() {
        buffer.append(bytes(0, 10), 0, 10);
        buffer.shiftTail(2, 5);
        assertEquals(13, buffer.writeIndex());
        byte[] h = held();
        assertArrayEquals(bytes(2, 8), java.util.Arrays.copyOfRange(h, 5, 13), "the moved tail survives the overlap");
        buffer.putAt(2, new byte[] {42, 43, 44}, 0, 3);
        assertArrayEquals(new byte[] {0, 1, 42, 43, 44, 2, 3, 4, 5, 6, 7, 8, 9}, held());
    }

    @Test
    void shiftTailFromTheEndExtendsTheHeldRange() {
        buffer.append(bytes(0, 4), 0, 4);
        buffer.shiftTail(4, 7);
        assertEquals(7, buffer.writeIndex());
        buffer.putAt(4, new byte[] {9, 9, 9}, 0, 3);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 9, 9, 9}, held());
    }

    @Test
    void shiftTailRefusesMovesOutsideTheBuffer() {
        buffer.append(bytes(0, 10), 0, 10);
        buffer.consumed(3);
        assertThrows(IllegalArgumentException.class, () -> buffer.shiftTail(2, 4), "from before readIndex");
        assertThrows(IllegalArgumentException.class, () -> buffer.shiftTail(5, 2), "to before readIndex");
        assertThrows(IllegalArgumentException.class, () -> buffer.shiftTail(5, 12), "past the capacity");
        assertThrows(IllegalArgumentException.class, () -> buffer.shiftTail(11, 4), "from past writeIndex");
        assertEquals(3, buffer.readIndex());
        assertEquals(10, buffer.writeIndex());
    }

    @Test
    void putAtRefusesWritesOutsideTheHeldBytes() {
        buffer.append(bytes(0, 6), 0, 6);
        buffer.consumed(2);
        assertThrows(IllegalArgumentException.class, () -> buffer.putAt(1, new byte[] {7}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> buffer.putAt(5, new byte[] {7, 7}, 0, 2));
        buffer.putAt(5, new byte[] {7}, 0, 1);
        assertEquals(7, buffer.get(5));
    }

    @Test
    void appendCopiesWhatFitsAndSaysHowMuch() {
        assertEquals(10, buffer.append(bytes(0, 20), 5, 10));
        assertArrayEquals(bytes(5, 10), held());
        assertEquals(6, buffer.append(bytes(100, 20), 0, 20), "only 6 bytes of room were left");
        assertEquals(CAPACITY, buffer.writeIndex());
        assertEquals(0, buffer.append(bytes(0, 1), 0, 1));
        assertEquals((byte) 105, buffer.get(15));
    }

    @Test
    void releaseClearsTheIndexesForTheNextHolder() {
        buffer.append(bytes(0, 8), 0, 8);
        buffer.consumed(3);
        pool.release(buffer);
        Buffer again = pool.tryAllocate(Criticality.CRITICAL);
        assertSame(buffer, again);
        assertTrue(again.isEmpty());
        assertEquals(0, again.readIndex());
        assertEquals(CAPACITY, again.writable());
    }

    @Test
    void toStringShowsIndexAndHeldRange() {
        buffer.produced(4);
        buffer.consumed(1);
        assertEquals("Buffer#0[1,4)", buffer.toString());
    }
}
