package dev.sluice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The hash functions give HAProxy's values. The expected values were computed
 * from the functions' definitions by a separate implementation in Python;
 * crc32 is also checked against the JDK's.
 */
class HashFunctionTest {
    private static int h(HashFunction f, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return f.hash(b, 0, b.length);
    }

    @Test
    void sdbmGivesItsDefinedValues() {
        assertEquals(0x0, h(HashFunction.SDBM, ""));
        assertEquals(0x61, h(HashFunction.SDBM, "a"));
        assertEquals(0x33242976, h(HashFunction.SDBM, "/index.html"));
        assertEquals(0xd5016dc9, h(HashFunction.SDBM, "haproxy.1wt.eu"));
        assertEquals(0x68a07035, h(HashFunction.SDBM, "123456789"));
    }

    @Test
    void djb2GivesItsDefinedValues() {
        assertEquals(5381, h(HashFunction.DJB2, ""));
        assertEquals(0x2b606, h(HashFunction.DJB2, "a"));
        assertEquals(0xe114b9cf, h(HashFunction.DJB2, "/index.html"));
        assertEquals(0x35cdbb82, h(HashFunction.DJB2, "123456789"));
    }

    @Test
    void wt6GivesItsDefinedValues() {
        assertEquals(0xf99a0360, h(HashFunction.WT6, ""));
        assertEquals(0x714bf225, h(HashFunction.WT6, "a"));
        assertEquals(0x3101077e, h(HashFunction.WT6, "/index.html"));
        assertEquals(0x50a60c3a, h(HashFunction.WT6, "haproxy.1wt.eu"));
        assertEquals(0x84a16c1d, h(HashFunction.WT6, "123456789"));
    }

    @Test
    void crc32GivesTheStandardCheckValue() {
        assertEquals(0xcbf43926, h(HashFunction.CRC32, "123456789"));
        assertEquals(0x0, h(HashFunction.CRC32, ""));
    }

    @Property
    void crc32AgreesWithTheJdk(@ForAll byte[] bytes) {
        CRC32 jdk = new CRC32();
        jdk.update(bytes);
        assertEquals((int) jdk.getValue(), HashFunction.CRC32.hash(bytes, 0, bytes.length));
    }

    @Property
    void aBufferRangeHashesAsTheSameBytesInAnArray(@ForAll byte[] bytes) {
        BufferPool pool = new BufferPool(1, Math.max(1, bytes.length + 3), 0, () -> 0);
        Buffer b = pool.tryAllocate(dev.sluice.buffer.Criticality.CRITICAL);
        b.append(new byte[3], 0, 3);
        b.append(bytes, 0, bytes.length);
        for (HashFunction f : HashFunction.values()) {
            assertEquals(f.hash(bytes, 0, bytes.length), f.hash(b, 3, 3 + bytes.length), f.keyword());
        }
        pool.release(b);
    }

    @Test
    void avalancheGivesItsDefinedValues() {
        assertEquals(0xab4ed927, HashFunction.avalanche(0));
        assertEquals(0x348681b6, HashFunction.avalanche(1));
        assertEquals(0x49c2008b, HashFunction.avalanche(4096));
        assertEquals(0x8a1b584b, HashFunction.avalanche(0x7f000001));
    }
}
