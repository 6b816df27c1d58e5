package dev.sluice.cli;

import java.nio.ByteBuffer;
import java.util.function.LongFunction;

/**
 * Where the buffers' memory comes from: anonymous memory mapped on demand,
 * resident only where buffers have been used, or, where the system cannot map
 * it, a direct buffer of the JDK's, resident whole. Either way an arena is
 * carved once and never grown.
 */
final class Arenas {
    private Arenas() {
    }

    /**
     * One loop's arena: anonymous memory that is resident only where buffers
     * have been used (the LIFO free list keeps reusing the same warm ones), or,
     * where the system cannot map it, a direct buffer of the JDK's, resident
     * whole. Either way carved once, at start, and never grown.
     */
    static ByteBuffer loopArena(long bytes) {
        return mapped(Posix::anonymousMemory, bytes, "the buffer arena");
    }

    /**
     * A generation's arena (TLS records): mapped on demand as a loop's, and
     * unmapped once the generation and every buffer of it are gone; null
     * (a direct buffer, resident whole) where the system cannot map it.
     */
    static ByteBuffer generationArena(long bytes) {
        return mapped(Posix::anonymousMemoryUntilUnreachable, bytes, "the TLS record arena");
    }

    /** What {@code map} gives, or null (told on stderr) where the system cannot map {@code what} on demand. */
    private static ByteBuffer mapped(LongFunction<ByteBuffer> map, long bytes, String what) {
        try {
            return map.apply(bytes);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("sluice: cannot map " + what + " on demand (" + e + "); it is allocated whole");
            return null;
        }
    }
}
