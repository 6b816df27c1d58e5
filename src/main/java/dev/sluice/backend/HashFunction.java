package dev.sluice.backend;

import dev.sluice.buffer.Buffer;

/**
 * The hash functions {@code hash-type} may name, with HAProxy's definitions so
 * that a key hashed here and in HAProxy lands on the same server: {@code sdbm}
 * (the default), {@code djb2}, {@code wt6} and {@code crc32}, each turning the
 * key's bytes into an unsigned 32-bit value (held in an {@code int}); and
 * {@link #avalanche(int)}, the optional modifier applied to that value.
 *
 * <p>A key is either a range of a {@link Buffer} (a request's bytes, in place)
 * or a range of an array. Nothing here allocates.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum HashFunction {
    /** sdbm's multiply-by-65599 scramble: {@code h = c + (h << 6) + (h << 16) - h}, from 0. */
    SDBM("sdbm"),
    /** Bernstein's multiply-by-33: {@code h = h * 33 + c}, from 5381. */
    DJB2("djb2"),
    /** HAProxy's own two-lane hash: each byte is mixed into both lanes, which then rotate by amounts the data decides. */
    WT6("wt6"),
    /** The reflected CRC-32 of Ethernet and zlib (polynomial 0xEDB88320), computed bit by bit. */
    CRC32("crc32");

    private final String keyword;

    HashFunction(String keyword) {
        this.keyword = keyword;
    }

    /** The word {@code hash-type} uses. */
    public String keyword() {
        return keyword;
    }

    /** The hash of {@code buffer}'s bytes at absolute indexes {@code [start, end)}. */
    public int hash(Buffer buffer, int start, int end) {
        return hash(buffer, null, start, end);
    }

    /** The hash of {@code bytes[start, end)}. */
    public int hash(byte[] bytes, int start, int end) {
        return hash(null, bytes, start, end);
    }

    /** One loop per function over whichever of {@code buffer} and {@code bytes} is given. */
    private int hash(Buffer buffer, byte[] bytes, int start, int end) {
        switch (this) {
            case SDBM -> {
                int h = 0;
                for (int i = start; i < end; i++) {
                    int c = at(buffer, bytes, i);
                    h = c + (h << 6) + (h << 16) - h;
                }
                return h;
            }
            case DJB2 -> {
                int h = 5381;
                for (int i = start; i < end; i++) {
                    h = (h << 5) + h + at(buffer, bytes, i);
                }
                return h;
            }
            case WT6 -> {
                int h0 = 0xa53c965a;
                int h1 = 0x5ca6953a;
                int step0 = 6;
                int step1 = 18;
                for (int i = start; i < end; i++) {
                    int c = at(buffer, bytes, i);
                    h0 = ~(h0 ^ c);
                    h1 = ~(h1 + c);
                    int t = Integer.rotateLeft(h1, step0);
                    h1 = Integer.rotateLeft(h0, step1);
                    h0 = t;
                    t = ((h0 >>> 16) ^ h1) & 0xffff;
                    step0 = t & 0x1f;
                    step1 = t >>> 11;
                }
                return h0 ^ h1;
            }
            default -> {
                int h = ~0;
                for (int i = start; i < end; i++) {
                    h ^= at(buffer, bytes, i);
                    for (int bit = 0; bit < 8; bit++) {
                        h = (h >>> 1) ^ ((h & 1) != 0 ? 0xedb88320 : 0);
                    }
                }
                return ~h;
            }
        }
    }

    private static int at(Buffer buffer, byte[] bytes, int i) {
        return (buffer != null ? buffer.get(i) : bytes[i]) & 0xff;
    }

    /**
     * Bob Jenkins' 32-bit full-avalanche integer mix, then a multiply by
     * 3221225473 (about 3/4 of the 32-bit space) that spreads neighbouring
     * inputs around the whole ring: HAProxy's {@code avalanche} modifier, and
     * the function that places the points of a consistent-hash ring.
     */
    public static int avalanche(int a) {
        a = (a + 0x7ed55d16) + (a << 12);
        a = (a ^ 0xc761c23c) ^ (a >>> 19);
        a = (a + 0x165667b1) + (a << 5);
        a = (a + 0xd3a2646c) ^ (a << 9);
        a = (a + 0xfd7046c5) + (a << 3);
        a = (a ^ 0xb55a4f09) ^ (a >>> 16);
        return a * (int) 3221225473L;
    }
}
