package dev.sluice.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded ring of log lines between one producer (a loop) and one consumer
 * (the log writer), in one byte array allocated at start-up. A line that does not
 * fit is dropped and counted, per target list; {@link #offer} never blocks and
 * never allocates.
 *
 * <p>Each entry is a 16-byte head (body length, target list, level, wall-clock
 * milliseconds) and the body, padded to 8 bytes; an entry is never split across
 * the end of the array: when it would be, a wrap mark fills the rest and the
 * entry starts again at 0.
 *
 * <p>Threading: {@link #offer} from the one producer thread only; {@link #next()},
 * {@link #release()} and the entry accessors from the one consumer thread only;
 * the counters from any thread.
 */
final class LogRing {
    static final int ENTRY_HEAD = 16;
    private static final int WRAP = -1;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle OFFERED;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(LogRing.class, "tail", long.class);
            HEAD = lookup.findVarHandle(LogRing.class, "head", long.class);
            OFFERED = lookup.findVarHandle(LogRing.class, "offered", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final byte[] data;
    private final int capacity;
    private final int mask;
    private final int maxBody;
    /** Lines dropped because the ring was full, per target list; written by the producer only. */
    private final long[] dropped;

    /** Bytes ever published by the producer. */
    @SuppressWarnings("unused")
    private volatile long tail;
    /** Bytes ever released by the consumer. */
    @SuppressWarnings("unused")
    private volatile long head;
    @SuppressWarnings("unused")
    private volatile long offered;

    // Producer-owned copy of tail, consumer-owned cursor.
    private long producerTail;
    private long consumerHead;
    private long entryEnd;

    // The entry the consumer is looking at.
    private int entryLength;
    private int entryList;
    private LogLevel entryLevel;
    private long entryMillis;
    private int entryOffset;

    private static final LogLevel[] LEVELS = LogLevel.values();

    /**
     * A ring of {@code capacity} bytes (a power of two, at least 4096) for bodies of
     * at most {@code maxBody} bytes, feeding {@code lists} target lists.
     */
    LogRing(int capacity, int maxBody, int lists) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 4096: " + capacity);
        }
        if (align(ENTRY_HEAD + maxBody) > capacity / 2) {
            throw new IllegalArgumentException("ring of " + capacity + " bytes too small for lines of " + maxBody);
        }
        data = new byte[capacity];
        this.capacity = capacity;
        mask = capacity - 1;
        this.maxBody = maxBody;
        dropped = new long[lists];
    }

    int capacity() {
        return capacity;
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    /**
     * Copies one line into the ring. Returns false, and counts the line as dropped
     * for {@code list}, when the ring has no room for it.
     */
    boolean offer(int list, LogLevel level, long epochMillis, byte[] body, int length) {
        if (length > maxBody) {
            length = maxBody;
        }
        int need = align(ENTRY_HEAD + length);
        long t = producerTail;
        long free = capacity - (t - (long) HEAD.getAcquire(this));
        int pos = (int) (t & mask);
        int toEnd = capacity - pos;
        long wrapFill = need > toEnd ? toEnd : 0;
        if (need + wrapFill > free) {
            LONGS.setRelease(dropped, list, (long) LONGS.getOpaque(dropped, list) + 1);
            return false;
        }
        if (wrapFill > 0) {
            putInt(pos, WRAP);
            t += wrapFill;
            pos = 0;
        }
        putInt(pos, length);
        data[pos + 4] = (byte) level.ordinal();
        data[pos + 5] = 0;
        data[pos + 6] = (byte) (list >>> 8);
        data[pos + 7] = (byte) list;
        putLong(pos + 8, epochMillis);
        System.arraycopy(body, 0, data, pos + ENTRY_HEAD, length);
        producerTail = t + need;
        // A full fence: the writer's "am I asleep" flag is read right after by the caller.
        TAIL.setVolatile(this, producerTail);
        OFFERED.setRelease(this, (long) OFFERED.getOpaque(this) + 1);
        return true;
    }

    /** Consumer: moves to the next entry; false when the ring is empty. */
    boolean next() {
        long t = (long) TAIL.getAcquire(this);
        while (consumerHead < t) {
            int pos = (int) (consumerHead & mask);
            int length = getInt(pos);
            if (length == WRAP) {
                consumerHead += capacity - pos;
                continue;
            }
            entryLength = length;
            entryLevel = LEVELS[data[pos + 4]];
            entryList = ((data[pos + 6] & 0xFF) << 8) | (data[pos + 7] & 0xFF);
            entryMillis = getLong(pos + 8);
            entryOffset = pos + ENTRY_HEAD;
            entryEnd = consumerHead + align(ENTRY_HEAD + length);
            return true;
        }
        return false;
    }

    /** Consumer: gives the current entry's room back to the producer. */
    void release() {
        consumerHead = entryEnd;
        HEAD.setRelease(this, consumerHead);
    }

    /** True when nothing is waiting for the consumer. */
    boolean isEmpty() {
        return consumerHead == (long) TAIL.getAcquire(this);
    }

    int entryLength() {
        return entryLength;
    }

    int entryList() {
        return entryList;
    }

    LogLevel entryLevel() {
        return entryLevel;
    }

    long entryMillis() {
        return entryMillis;
    }

    int entryOffset() {
        return entryOffset;
    }

    /** Lines dropped for {@code list} since start. */
    long dropped(int list) {
        return (long) LONGS.getAcquire(dropped, list);
    }

    /** Lines dropped for every list since start. */
    long dropped() {
        long sum = 0;
        for (int i = 0; i < dropped.length; i++) {
            sum += dropped(i);
        }
        return sum;
    }

    /** Lines accepted since start. */
    long offered() {
        return (long) OFFERED.getAcquire(this);
    }

    /** Bytes held now (for a gauge). */
    long used() {
        return (long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this);
    }

    private void putInt(int at, int v) {
        data[at] = (byte) (v >>> 24);
        data[at + 1] = (byte) (v >>> 16);
        data[at + 2] = (byte) (v >>> 8);
        data[at + 3] = (byte) v;
    }

    private int getInt(int at) {
        return ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8)
                | (data[at + 3] & 0xFF);
    }

    private void putLong(int at, long v) {
        putInt(at, (int) (v >>> 32));
        putInt(at + 4, (int) v);
    }

    private long getLong(int at) {
        return ((long) getInt(at) << 32) | (getInt(at + 4) & 0xFFFFFFFFL);
    }
}
