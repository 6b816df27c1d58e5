package dev.sluice.log;

import java.nio.ByteBuffer;

/**
 * One loop's room for one frontend's captured headers: a fixed number of slots,
 * each {@link Captures#slotBytes()} long, allocated at start-up. An exchange takes
 * a slot when its request head is whole, fills it from the request and response
 * heads, and gives it back once its line is formatted. Slots are as many as the
 * frontend's {@code maxconn}, since a loop may hold every connection of the
 * frontend and a connection has one exchange at a time: no exchange ever lacks
 * one, and if the count is wrong the exchange logs empty captures and
 * {@link #exhausted()} counts it.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class CaptureSlab {
    private final Captures captures;
    private final byte[] data;
    /** Per slot and capture: the bytes kept, or -1 when the header was not seen. */
    private final int[] kept;
    private final int[] free;
    private int freeCount;
    private long exhausted;

    CaptureSlab(Captures captures, int slots) {
        this.captures = captures;
        int count = captures.lengths.length;
        long bytes = (long) slots * captures.slotBytes;
        if (slots < 1 || bytes > Integer.MAX_VALUE - 16 || (long) slots * count > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(slots + " capture slots of " + captures.slotBytes + " bytes");
        }
        data = new byte[(int) bytes];
        kept = new int[slots * count];
        free = new int[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = slots - 1 - i;
        }
        freeCount = slots;
    }

    public Captures captures() {
        return captures;
    }

    /** A slot with nothing captured, or -1 (counted) when none is left. */
    public int acquire() {
        if (freeCount == 0) {
            exhausted++;
            return -1;
        }
        int slot = free[--freeCount];
        int count = captures.lengths.length;
        for (int i = 0; i < count; i++) {
            kept[slot * count + i] = -1;
        }
        return slot;
    }

    /** Gives {@code slot} back. */
    public void release(int slot) {
        free[freeCount++] = slot;
    }

    /** Keeps at most capture {@code i}'s length of {@code length} bytes at absolute index {@code from} of {@code src}. */
    public void capture(int slot, int i, ByteBuffer src, int from, int length) {
        int n = Math.min(length, captures.lengths[i]);
        src.get(from, data, slot * captures.slotBytes + captures.offsets[i], n);
        kept[slot * captures.lengths.length + i] = n;
    }

    /** The bytes capture {@code i} kept in {@code slot}, or -1 when its header was not seen. */
    int kept(int slot, int i) {
        return kept[slot * captures.lengths.length + i];
    }

    /** Where capture {@code i}'s bytes begin in {@link #data}. */
    int at(int slot, int i) {
        return slot * captures.slotBytes + captures.offsets[i];
    }

    byte[] data() {
        return data;
    }

    /** Bytes allocated for the values and their lengths. */
    public long bytes() {
        return data.length + 4L * kept.length + 4L * free.length;
    }

    /** Slots in use now. */
    public int inUse() {
        return free.length - freeCount;
    }

    /** Exchanges that found no slot and logged empty captures. */
    public long exhausted() {
        return exhausted;
    }
}
