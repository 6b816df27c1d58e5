package dev.sluice.stick;

/**
 * The keys of a stick table's entries and the index that finds an entry by
 * its key: the keys in one array ({@code keyBytes} per entry, with each
 * string key's length), each entry's hash, and an open-addressed table of
 * twice the size (a power of two) holding entry + 1 per slot, 0 for an empty
 * one; linear probing, backward-shift deletion, so that no probe ends early.
 * All of it allocated when the table is made.
 *
 * <p>Not thread-safe: its {@link StickTable} calls it under the table's lock.
 */
final class KeyIndex {
    private final int keyBytes;
    private final byte[] keys;
    /** For a string table, each key's length; null otherwise. */
    private final int[] keyLengths;
    private final int[] hashes;
    private final int[] slots;
    private final int mask;

    KeyIndex(int size, int keyBytes, boolean strings) {
        this.keyBytes = keyBytes;
        keys = new byte[Math.multiplyExact(size, keyBytes)];
        keyLengths = strings ? new int[size] : null;
        hashes = new int[size];
        int capacity = capacity(size);
        slots = new int[capacity];
        mask = capacity - 1;
    }

    /** The index's slots for a table of {@code size} entries. */
    static int capacity(int size) {
        return Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1;
    }

    /** The entry whose key is {@code key[0, n)}, of hash {@code h} ({@link #hash}), or -1. */
    int find(byte[] key, int n, int h) {
        for (int i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
            int e = slots[i] - 1;
            if (hashes[e] == h && keyEquals(e, key, n)) {
                return e;
            }
        }
        return -1;
    }

    /** Entry {@code e}, not indexed, now holds the key {@code key[0, n)} of hash {@code h}, and is indexed. */
    void put(int e, byte[] key, int n, int h) {
        System.arraycopy(key, 0, keys, e * keyBytes, n);
        if (keyLengths != null) {
            keyLengths[e] = n;
        }
        hashes[e] = h;
        int i = h & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = e + 1;
    }

    /** Copies entry {@code e}'s key into {@code into}: its length. */
    int copyKey(int e, byte[] into) {
        int n = keyLength(e);
        System.arraycopy(keys, e * keyBytes, into, 0, n);
        return n;
    }

    /** Takes {@code e} out of the index, shifting back the entries after it so that no probe ends early. */
    void remove(int e) {
        int i = hashes[e] & mask;
        while (slots[i] != e + 1) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j] == 0) {
                break;
            }
            int home = hashes[slots[j] - 1] & mask;
            // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!stays) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = 0;
    }

    static int hash(byte[] key, int n) {
        int h = 0x811c9dc5;
        for (int i = 0; i < n; i++) {
            h = (h ^ (key[i] & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        return h ^ (h >>> 13);
    }

    /** Whether a lookup of entry {@code e}'s own key finds it (tests). */
    boolean finds(int e) {
        byte[] key = java.util.Arrays.copyOfRange(keys, e * keyBytes, e * keyBytes + keyLength(e));
        return find(key, key.length, hashes[e]) == e;
    }

    /** How many slots hold an entry (tests). */
    int indexed() {
        int n = 0;
        for (int s : slots) {
            n += s != 0 ? 1 : 0;
        }
        return n;
    }

    private boolean keyEquals(int e, byte[] key, int n) {
        if (keyLengths != null && keyLengths[e] != n) {
            return false;
        }
        int at = e * keyBytes;
        for (int i = 0; i < n; i++) {
            if (keys[at + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private int keyLength(int e) {
        return keyLengths != null ? keyLengths[e] : keyBytes;
    }
}
