package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A generation's TLS record arena is mapped on demand and unmapped once its
 * generation is gone: reloads that each map a new arena do not pile mappings
 * up, and a buffer carved from an arena keeps it mapped while it is in use.
 */
class GenerationArenaTest {
    private static final long ARENA = 64L << 20;

    @Test
    void anArenaNobodyReachesIsUnmappedAndOneInUseIsNot() throws Exception {
        long before = vmSizeKb();
        for (int generation = 0; generation < 40; generation++) {
            ByteBuffer arena = Arenas.generationArena(ARENA);
            arena.put((int) (ARENA - 1), (byte) 1);
            arena = null;
            System.gc();
            Thread.sleep(20);
        }
        settle();
        long after = vmSizeKb();
        // 40 arenas of 64 MiB are 2.5 GiB of mappings; unmapped, the process grows by far less (at most 256 MiB for whatever else the JVM maps).
        assertTrue(after - before < 256 * 1024, "VmSize grew from " + before + " to " + after + " kB");

        ByteBuffer record = Arenas.generationArena(ARENA).slice(4096, 4096);
        settle();
        record.put(17, (byte) 42);
        assertEquals(42, record.get(17));
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static long vmSizeKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmSize in /proc/self/status");
    }
}
