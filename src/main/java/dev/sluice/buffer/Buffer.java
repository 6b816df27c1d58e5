package dev.sluice.buffer;

import java.nio.ByteBuffer;

/**
 * One fixed-size slice of a pool's direct arena. Carved once at start-up and
 * reused for the life of the process: nothing ever allocates another.
 *
 * <p>The bytes held are {@code [readIndex, writeIndex)} of {@link #bytes()}.
 * Producers append at {@code writeIndex}; consumers take from {@code readIndex}.
 * Code that hands {@link #bytes()} to a channel must set position and limit
 * itself and then report what moved with {@link #produced(int)} or
 * {@link #consumed(int)}; {@link #readView()} and {@link #writeView()} do that set-up.
 *
 * <p>Not thread-safe: a buffer belongs to the loop that owns its pool.
 */
public final class Buffer {
    private final BufferPool pool;
    private final int index;
    private final ByteBuffer bytes;
    /**
     * The same memory, with position and limit never moved: absolute gets and
     * puts go through it, so they do not depend on the last channel view.
     */
    private final ByteBuffer absolute;
    private int readIndex;
    private int writeIndex;
    /**
     * Where bytes sent but kept for a replay begin ({@link #mark()}), or -1.
     * While it is set, consumed bytes stay in the buffer, and the buffer does
     * not count as empty.
     */
    private int mark = -1;
    /** Set while allocated; a second release is a bug and is refused. */
    boolean inUse;
    Criticality allocatedAs;
    /** The claim of the session that took it, when it took it through a waiter that carries one, or null. */
    BufferClaim claim;

    Buffer(BufferPool pool, int index, ByteBuffer bytes) {
        this.pool = pool;
        this.index = index;
        this.bytes = bytes;
        this.absolute = bytes.duplicate().clear();
    }

    /** The pool this buffer must return to. */
    public BufferPool pool() {
        return pool;
    }

    /** Position of this buffer in its pool's arena (stable for the process's life). */
    public int index() {
        return index;
    }

    /** The whole slice; callers set position and limit themselves. */
    public ByteBuffer bytes() {
        return bytes;
    }

    public int capacity() {
        return bytes.capacity();
    }

    public int readIndex() {
        return readIndex;
    }

    public int writeIndex() {
        return writeIndex;
    }

    /** Bytes held and not yet consumed. */
    public int readable() {
        return writeIndex - readIndex;
    }

    /** Room left after {@code writeIndex}, without compacting. */
    public int writable() {
        return bytes.capacity() - writeIndex;
    }

    /** Nothing held: no byte to consume, and none kept for a replay. */
    public boolean isEmpty() {
        return writeIndex == readIndex && mark < 0;
    }

    /**
     * Keeps the bytes from {@code readIndex} on, however many are consumed,
     * until {@link #unmark()}: a request sent to a server stays whole for a
     * retry on another connection.
     */
    public void mark() {
        mark = readIndex;
    }

    /** Whether bytes are kept for a replay. */
    public boolean isMarked() {
        return mark >= 0;
    }

    /** Makes the kept bytes held again, from the mark, for a replay; the mark stays. */
    public void rewind() {
        if (mark < 0) {
            throw new IllegalStateException("rewind without a mark: " + this);
        }
        readIndex = mark;
    }

    /** Drops the mark: the kept bytes that were consumed are gone, and an emptied buffer rewinds to 0. */
    public void unmark() {
        mark = -1;
        if (readIndex == writeIndex) {
            readIndex = 0;
            writeIndex = 0;
        }
    }

    /** The criticality this buffer was last allocated with. */
    public Criticality allocatedAs() {
        return allocatedAs;
    }

    /** Records that {@code n} bytes were appended at {@code writeIndex}. */
    public void produced(int n) {
        if (n < 0 || n > writable()) {
            throw new IllegalArgumentException("produced " + n + " with " + writable() + " writable");
        }
        writeIndex += n;
    }

    /** Records that {@code n} bytes were taken at {@code readIndex}; an emptied buffer rewinds to 0. */
    public void consumed(int n) {
        if (n < 0 || n > readable()) {
            throw new IllegalArgumentException("consumed " + n + " with " + readable() + " readable");
        }
        readIndex += n;
        if (readIndex == writeIndex && mark < 0) {
            readIndex = 0;
            writeIndex = 0;
        }
    }

    /** Moves the held bytes to the start so that all free room is writable. */
    public void compact() {
        // Bytes kept for a replay move with the rest: they start the buffer after compaction.
        int from = mark >= 0 ? mark : readIndex;
        if (from == 0) {
            return;
        }
        int n = writeIndex - from;
        if (n > 0) {
            bytes.limit(writeIndex).position(from);
            bytes.compact();
        }
        readIndex -= from;
        writeIndex = n;
        if (mark >= 0) {
            mark = 0;
        }
    }

    /** Sets position and limit to the free room, for a channel read. */
    public ByteBuffer writeView() {
        bytes.limit(bytes.capacity()).position(writeIndex);
        return bytes;
    }

    /** Sets position and limit to the held bytes, for a channel write. */
    public ByteBuffer readView() {
        bytes.limit(writeIndex).position(readIndex);
        return bytes;
    }

    /** Like {@link #writeView()}, but at most {@code max} bytes of room. */
    public ByteBuffer writeView(int max) {
        bytes.limit(writeIndex + Math.min(max, writable())).position(writeIndex);
        return bytes;
    }

    /** Like {@link #readView()}, but at most the first {@code max} held bytes. */
    public ByteBuffer readView(int max) {
        bytes.limit(readIndex + Math.min(max, readable())).position(readIndex);
        return bytes;
    }

    /**
     * Moves {@code [from, writeIndex)} to start at {@code to}, inside the held
     * range or its free room: the rewrite of a message head in place (delete a
     * line: {@code to < from}; open room for a new one: {@code to > from}).
     */
    public void shiftTail(int from, int to) {
        int n = writeIndex - from;
        if (from < readIndex || from > writeIndex || to < readIndex || to + n > bytes.capacity()) {
            throw new IllegalArgumentException("shift [" + from + "," + writeIndex + ") to " + to + " outside " + this);
        }
        if (n > 0 && from != to) {
            absolute.put(to, absolute, from, n);
        }
        writeIndex = to + n;
    }

    /** Writes ASCII bytes at an absolute index inside the held range (after {@link #shiftTail} made room). */
    public void putAt(int absoluteIndex, byte[] src, int offset, int length) {
        if (absoluteIndex < readIndex || absoluteIndex + length > writeIndex) {
            throw new IllegalArgumentException("put of " + length + " at " + absoluteIndex + " outside " + this);
        }
        absolute.put(absoluteIndex, src, offset, length);
    }

    /** Appends bytes from a heap array (error pages, generated headers). Returns how many fit. */
    public int append(byte[] src, int offset, int length) {
        int n = Math.min(length, writable());
        absolute.put(writeIndex, src, offset, n);
        writeIndex += n;
        return n;
    }

    /**
     * The whole slice for absolute reads ({@code getLong(i)} and the like) whose
     * position and limit nobody moves, unlike {@link #bytes()}'s. Callers must not
     * change its position or limit.
     */
    public ByteBuffer absoluteView() {
        return absolute;
    }

    /** Reads one held byte at an absolute index in {@code [readIndex, writeIndex)}. */
    public byte get(int absoluteIndex) {
        return absolute.get(absoluteIndex);
    }

    /** Whether the bytes at absolute indexes {@code [from, to)} are exactly {@code other}'s (compared with case). */
    public boolean holdsAt(int from, int to, byte[] other) {
        if (to - from != other.length) {
            return false;
        }
        for (int i = 0; i < other.length; i++) {
            if (absolute.get(from + i) != other[i]) {
                return false;
            }
        }
        return true;
    }

    void clear() {
        readIndex = 0;
        writeIndex = 0;
        mark = -1;
    }

    @Override
    public String toString() {
        return "Buffer#" + index + "[" + readIndex + "," + writeIndex + ")";
    }
}
