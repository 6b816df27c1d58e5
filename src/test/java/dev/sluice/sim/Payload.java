package dev.sluice.sim;

/**
 * The bytes peers exchange, derived so that every receiver can check what it
 * got without a copy of what was sent. An upload starts with the client's id
 * and its length (8 bytes, big-endian), then bytes drawn from the id; a
 * download is drawn from a hash of the whole upload, so a server that got one
 * wrong byte answers with a response its client rejects.
 */
final class Payload {
    static final int HEADER = 8;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Payload() {
    }

    /** Byte {@code i} of the stream keyed by {@code key}: a mix of both, cheap and well spread. */
    static byte byteAt(long key, long i) {
        long z = key * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (byte) (z ^ (z >>> 29));
    }

    static byte[] upload(int clientId, int length) {
        if (length < HEADER) {
            throw new IllegalArgumentException("an upload carries at least its " + HEADER + "-byte header");
        }
        byte[] b = new byte[length];
        putInt(b, 0, clientId);
        putInt(b, 4, length);
        for (int i = HEADER; i < length; i++) {
            b[i] = byteAt(clientId, i);
        }
        return b;
    }

    static long hashStart() {
        return FNV_OFFSET;
    }

    static long hash(long h, byte b) {
        return (h ^ (b & 0xff)) * FNV_PRIME;
    }

    static long hash(byte[] bytes) {
        long h = hashStart();
        for (byte b : bytes) {
            h = hash(h, b);
        }
        return h;
    }

    /** The length of the response to an upload with this hash, in [min, max]. */
    static int downloadLength(long uploadHash, int min, int max) {
        return min + (int) Math.floorMod(uploadHash, (long) (max - min + 1));
    }

    static byte[] download(long uploadHash, int min, int max) {
        byte[] b = new byte[downloadLength(uploadHash, min, max)];
        for (int i = 0; i < b.length; i++) {
            b[i] = byteAt(uploadHash, i);
        }
        return b;
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
