package dev.sluice.buffer;

import java.nio.ByteBuffer;

/**
 * A {@link BufferPool}'s buffers themselves: the fixed set carved once, at
 * construction, from one direct arena, and which of them are free, in use or
 * retired. The pool decides who may take a buffer and who is handed one; this
 * keeps the stacks that say where each buffer is.
 *
 * <p>The free list is LIFO: the buffer released last, still warm in the CPU
 * cache, is the next one handed out. After a reload that lowered {@code
 * tune.buffers.limit}, fewer buffers circulate ({@link #size}) than were
 * carved: the others are retired, carved but neither free nor in use, and
 * buffers still in use beyond the new size are a {@link #debt} that releases
 * pay back (see {@link BufferPool#resize}).
 *
 * <p>Not thread-safe: owned by the pool, on the pool's loop. Its counts are
 * fields, read by the pool on every allocation and release.
 */
final class FreeList {
    final Buffer[] buffers;
    /** LIFO stack of free buffer indexes; {@code freeStack[freeCount - 1]} is the warmest. */
    private final int[] freeStack;
    int freeCount;
    /**
     * How many buffers circulate now: all of the arena at first, fewer after a
     * reload that lowered {@code tune.buffers.limit}. The others are retired:
     * carved, but neither free nor in use. See {@link BufferPool#resize}.
     */
    int size;
    /** Retired buffers' indexes, a stack like the free list. */
    private final int[] retiredStack;
    int retiredCount;
    /** Buffers in use beyond {@link #size}: each release pays one back (retires it) instead of freeing it. */
    int debt;

    /**
     * Carves {@code count} buffers of {@code bufferSize} bytes for {@code pool}
     * from {@code arena}, or from a direct buffer of its own when it is null.
     */
    FreeList(BufferPool pool, ByteBuffer arena, int count, int bufferSize) {
        if ((long) count * bufferSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " buffers of " + bufferSize + " bytes exceed one arena (2 GiB)");
        }
        this.size = count;
        this.retiredStack = new int[count];
        if (arena == null) {
            arena = ByteBuffer.allocateDirect(count * bufferSize);
        } else if (!arena.isDirect() || arena.capacity() < count * bufferSize) {
            throw new IllegalArgumentException("an arena of " + arena.capacity() + " bytes (direct: " + arena.isDirect()
                    + ") cannot hold " + count + " buffers of " + bufferSize + " bytes");
        }
        this.buffers = new Buffer[count];
        this.freeStack = new int[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = new Buffer(pool, i, arena.slice(i * bufferSize, bufferSize));
        }
        // Index 0 on top, so a fresh pool hands out its buffers in arena order.
        for (int i = 0; i < count; i++) {
            freeStack[i] = count - 1 - i;
        }
        this.freeCount = count;
    }

    /** The warmest free buffer, now in use; one is free. */
    Buffer pop() {
        Buffer buffer = buffers[freeStack[--freeCount]];
        if (buffer.inUse) {
            throw new IllegalStateException("free list held a buffer in use: " + buffer);
        }
        buffer.inUse = true;
        return buffer;
    }

    /** Puts a released buffer on top of the free list, where the next allocation takes it. */
    void push(Buffer buffer) {
        buffer.inUse = false;
        freeStack[freeCount++] = buffer.index();
    }

    /** Pays one buffer of the debt back: a released buffer retires instead of going free. */
    void retire(Buffer buffer) {
        debt--;
        buffer.inUse = false;
        retiredStack[retiredCount++] = buffer.index();
    }

    int inUse() {
        return buffers.length - freeCount - retiredCount;
    }

    /**
     * Circulates {@code count} buffers from now on (within the carved ones),
     * without touching the {@code setAside} free buffers the pool keeps for
     * admitted claims: lowered, free buffers retire at once and the rest is
     * debt; raised, the debt is forgiven first, then retired buffers come back.
     */
    void resize(int count, int setAside) {
        if (count < size) {
            int retire = size - count;
            // Buffers set aside for admitted claims stay: they are as good as in use.
            int fromFree = Math.min(retire, freeCount - setAside);
            for (int i = 0; i < fromFree; i++) {
                retiredStack[retiredCount++] = freeStack[--freeCount];
            }
            debt += retire - fromFree;
        } else if (count > size) {
            int more = count - size;
            int forgiven = Math.min(debt, more);
            debt -= forgiven;
            for (int i = forgiven; i < more; i++) {
                freeStack[freeCount++] = retiredStack[--retiredCount];
            }
        }
        size = count;
    }

    /** Checks {@code free + inUse + retired == carved}, {@code free + inUse == size + debt} and the free list. */
    void checkInvariants() {
        int inUse = 0;
        for (Buffer b : buffers) {
            if (b.inUse) {
                inUse++;
            }
        }
        if (freeCount + inUse + retiredCount != buffers.length || freeCount + inUse != size + debt) {
            throw new IllegalStateException("free " + freeCount + " + inUse " + inUse + " + retired " + retiredCount
                    + " != carved " + buffers.length + ", or free + inUse != size " + size + " + debt " + debt);
        }
        boolean[] seen = new boolean[buffers.length];
        for (int i = 0; i < freeCount; i++) {
            int idx = freeStack[i];
            if (seen[idx] || buffers[idx].inUse) {
                throw new IllegalStateException("free list corrupt at " + idx);
            }
            seen[idx] = true;
        }
    }
}
