package dev.sluice.stick;

import dev.sluice.buffer.Buffer;
import java.util.Set;

/**
 * One {@code stick-table}: up to {@code size} entries, each a key (a client
 * address, or a string of at most {@code len} bytes) and the counters the
 * table stores. Every byte of it is allocated when the table is made, as
 * parallel primitive arrays indexed by entry: the keys, the counters
 * ({@code EntryCounts}), the links of a least-recently-used list
 * ({@code EntryList}), and an open-addressed index of twice the size (a power
 * of two) that finds an entry by its key ({@code KeyIndex}). Nothing is
 * allocated afterwards: a key is read from the address bytes or from the
 * request buffer in place, into a scratch array of the table's.
 *
 * <p>Rates are HAProxy's sliding window: a count for the current period and
 * one for the period before; the rate read is the current count plus the
 * previous one weighted by the part of the previous period still inside the
 * window ending now. An entry no connection holds expires {@code expire} after
 * its last update (never without {@code expire}); when the table is full, the
 * least recently updated entry no connection holds makes room for a new key,
 * unless {@code nopurge}: then the new key is simply not tracked. A table a
 * stick rule names also keeps each entry's server, by id and by name number
 * ({@link #matchServer}, {@link #storeServer}); such an entry is held by no
 * connection, so it expires and is evicted as the others are. The table
 * never waits and never takes a buffer of the pool.
 *
 * <p>Thread-safe. Every loop shares the table, so each operation holds the
 * table's one lock, for a short, bounded run of array reads and writes (a
 * hash, a probe or two, a few counters, at most a few entries swept): a few
 * hundred nanoseconds. One lock rather than stripes because every update moves
 * its entry to the head of the one LRU list that eviction and expiry read;
 * stripes would need a list each and would make the table evict per stripe,
 * not the oldest entry of the table. With two to a few loops the lock is
 * mostly uncontended. The clock is injected, so that tests drive time.
 */
public final class StickTable {
    /** What the keys are. */
    public enum Type {
        /** IPv4 addresses, 4 bytes; an IPv4-mapped IPv6 client counts as its IPv4 address. */
        IP("ip", 4),
        /** IPv6 addresses, 16 bytes; an IPv4 client counts as its IPv4-mapped address. */
        IPV6("ipv6", 16),
        /** Strings of at most {@code len} bytes; longer ones are cut to their first {@code len}. */
        STRING("string", 0);

        private final String keyword;
        private final int keyBytes;

        Type(String keyword, int keyBytes) {
            this.keyword = keyword;
            this.keyBytes = keyBytes;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** Milliseconds on a monotonic clock. */
    @FunctionalInterface
    public interface Clock {
        Clock SYSTEM = () -> System.nanoTime() / 1_000_000L;

        long millis();
    }

    /** The default {@code len} of a string table, as in HAProxy. */
    public static final int DEFAULT_STRING_LENGTH = 32;
    /** How many entries one tracking sweeps of expired ones at most. */
    private static final int SWEEP_PER_TRACK = 4;
    private static final int[] RATES = {StickData.CONN_RATE.ordinal(), StickData.HTTP_REQ_RATE.ordinal(),
        StickData.HTTP_ERR_RATE.ordinal()};

    private final String name;
    private final Type type;
    private final int keyBytes;
    private final int size;
    private final Clock clock;
    private final Object lock = new Object();

    /** The keys and the index that finds an entry by its key. */
    private final KeyIndex index;
    /** The LRU list, the free list, and each entry's last update and holders. */
    private final EntryList list;
    /** Per entry, the id of the server a stick rule stored (from 1), 0 for none; null when no stick rule uses it. */
    private final int[] serverIds;
    /** Per entry, that server's name's {@link ServerNames#number}, 0 for none; null with {@link #serverIds}. */
    private final int[] serverNames;
    /** The counters and rates stored per entry. */
    private final EntryCounts counts;
    private final byte[] scratch;
    private final long bytes;

    /**
     * Makes and fills the table.
     *
     * @param keyLength the {@code len} of a string table; ignored for the address types
     * @param stored the data types and, for each rate, its period in milliseconds (others ignored)
     */
    public StickTable(String name, Type type, int keyLength, int size, long expireMillis, boolean nopurge,
                      java.util.Map<StickData, Long> stored, Clock clock) {
        this(name, type, keyLength, size, expireMillis, nopurge, stored, false, clock);
    }

    /**
     * The same, with a server id per entry when {@code serverIds}: the table
     * of a {@code stick on|match|store-request} rule (HAProxy's
     * {@code server_id}, stored whenever a stick rule names the table).
     */
    public StickTable(String name, Type type, int keyLength, int size, long expireMillis, boolean nopurge,
                      java.util.Map<StickData, Long> stored, boolean serverIds, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("a stick table holds at least one entry");
        }
        this.name = name;
        this.type = type;
        this.keyBytes = type == Type.STRING ? keyLength : type.keyBytes;
        this.size = size;
        this.clock = clock;
        index = new KeyIndex(size, keyBytes, type == Type.STRING);
        list = new EntryList(size, expireMillis, nopurge, index);
        this.serverIds = serverIds ? new int[size] : null;
        this.serverNames = serverIds ? new int[size] : null;
        counts = new EntryCounts(size, stored);
        scratch = new byte[Math.max(keyBytes, 16)];
        bytes = bytesFor(type, keyLength, size, stored.keySet(), serverIds);
    }

    /**
     * What a table of that shape allocates, in bytes (the arrays' contents;
     * their few headers aside): the configuration check refuses a table over
     * its cap before any is made.
     */
    public static long bytesFor(Type type, int keyLength, int size, Set<StickData> stored) {
        return bytesFor(type, keyLength, size, stored, false);
    }

    /** The same, with a server id per entry when {@code serverIds}. */
    public static long bytesFor(Type type, int keyLength, int size, Set<StickData> stored, boolean serverIds) {
        long keyBytes = type == Type.STRING ? keyLength + 4L : type.keyBytes;
        // hash, prev, next, refs (4 each), the last update (8), the server's id and name (4 each).
        long perEntry = keyBytes + 4 * 4 + 8 + (serverIds ? 8 : 0);
        for (StickData d : stored) {
            perEntry += d.rate() ? 4 + 4 + 8 : 4;
        }
        return perEntry * size + 4L * KeyIndex.capacity(size) + Math.max(type == Type.STRING ? keyLength : type.keyBytes,
                16);
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** The {@code size}: the entries it can hold. */
    public int size() {
        return size;
    }

    /** The bytes it allocated when it was made. */
    public long bytes() {
        return bytes;
    }

    /** Whether it stores {@code data}. */
    public boolean stores(StickData data) {
        return counts.stores(data);
    }

    /** Whether it keeps a server id per entry, for the stick rules. */
    public boolean storesServers() {
        return serverIds != null;
    }

    /** The bytes of a key (4, 16 or {@code len}). */
    public int keyBytes() {
        return keyBytes;
    }

    /**
     * Entries held now. Expired ones are swept first, a bounded batch per
     * hold of the lock, so that a reader on another thread never holds it long.
     */
    public int entries() {
        while (true) {
            synchronized (lock) {
                if (list.sweep(clock.millis(), 256) < 256) {
                    return list.used();
                }
            }
        }
    }

    // ---- tracking ----

    /**
     * Tracks a client address: finds or makes its entry, holds it, and counts
     * a connection on it ({@code conn_cur}, {@code conn_cnt},
     * {@code conn_rate}).
     *
     * @param address 4 or 16 bytes
     * @return the entry, to pass to the other calls and finally to {@link #release}; -1 when the address
     *     makes no key of this table or the table is full under {@code nopurge}
     */
    public int trackAddress(byte[] address) {
        synchronized (lock) {
            int n = addressKey(address);
            return n < 0 ? -1 : trackScratch(n);
        }
    }

    /** The same for a string table, with the key read in place from {@code buffer}'s {@code [start, end)}. */
    public int trackBytes(Buffer buffer, int start, int end) {
        synchronized (lock) {
            int n = Math.min(end - start, keyBytes);
            for (int i = 0; i < n; i++) {
                scratch[i] = (byte) buffer.get(start + i);
            }
            return trackScratch(n);
        }
    }

    private int trackScratch(int n) {
        long now = clock.millis();
        int e = findOrMake(n, now);
        if (e < 0) {
            return -1;
        }
        list.hold(e);
        counts.add(e, StickData.CONN_CUR, now);
        counts.add(e, StickData.CONN_CNT, now);
        counts.add(e, StickData.CONN_RATE, now);
        list.touch(e, now);
        return e;
    }

    /** The entry of the key in {@link #scratch}, made if there is none; -1 when the table is full under nopurge. */
    private int findOrMake(int n, long now) {
        list.sweep(now, SWEEP_PER_TRACK);
        int h = KeyIndex.hash(scratch, n);
        int e = index.find(scratch, n, h);
        if (e < 0) {
            e = allocate(now);
            if (e < 0) {
                return -1;
            }
            index.put(e, scratch, n, h);
        }
        return e;
    }

    // ---- server persistence (stick on, stick match, stick store-request) ----

    /**
     * {@code stick match}: the server stored for the key, as
     * {@link #serverName} and {@link #serverId} read it, or 0 when the key has
     * no live entry or its entry names no server. A live entry is touched
     * whatever it names: its {@code expire} starts again, as HAProxy refreshes
     * an entry a match finds.
     *
     * @param key the client's address (4 or 16 bytes) when {@code address}, else a string key
     * @param length how many bytes of {@code key} make the key
     */
    public long matchServer(byte[] key, int length, boolean address) {
        synchronized (lock) {
            int n = scratchKey(key, length, address);
            if (n < 0 || serverIds == null) {
                return 0;
            }
            long now = clock.millis();
            list.sweep(now, SWEEP_PER_TRACK);
            int e = index.find(scratch, n, KeyIndex.hash(scratch, n));
            if (e < 0 || list.expired(e, now)) {
                return 0;
            }
            list.touch(e, now);
            return ((long) serverNames[e] << 32) | Integer.toUnsignedLong(serverIds[e]);
        }
    }

    /** The server's name's {@link ServerNames#number} in a {@link #matchServer} answer; 0 for none. */
    public static int serverName(long match) {
        return (int) (match >>> 32);
    }

    /** The server's id (its position in its backend, from 1) in a {@link #matchServer} answer; 0 for none. */
    public static int serverId(long match) {
        return (int) match;
    }

    /**
     * {@code stick store-request}: the key now names the server of id
     * {@code serverId} (from 1) and name number {@code serverName}, in its
     * entry, made if there is none (evicting the least recently updated
     * unheld entry of a full table, unless {@code nopurge}).
     *
     * @return false when nothing was stored: the key fits no key of this table, the table keeps no server
     *     ids, or it is full under {@code nopurge}
     */
    public boolean storeServer(byte[] key, int length, boolean address, int serverId, int serverName) {
        synchronized (lock) {
            int n = scratchKey(key, length, address);
            if (n < 0 || serverIds == null) {
                return false;
            }
            long now = clock.millis();
            int e = findOrMake(n, now);
            if (e < 0) {
                return false;
            }
            serverIds[e] = serverId;
            serverNames[e] = serverName;
            list.touch(e, now);
            return true;
        }
    }

    /** Writes a rule's key into {@link #scratch}: its length, or -1 when it makes no key of this table. */
    private int scratchKey(byte[] key, int length, boolean address) {
        if (address) {
            return addressKey(key, length);
        }
        if (type != Type.STRING) {
            return -1;
        }
        int n = Math.min(length, keyBytes);
        System.arraycopy(key, 0, scratch, 0, n);
        return n;
    }

    /** Counts one HTTP request on a held entry. */
    public void countRequest(int e) {
        count(e, StickData.HTTP_REQ_CNT, StickData.HTTP_REQ_RATE);
    }

    /** Counts one error of the client's on a held entry. */
    public void countError(int e) {
        count(e, StickData.HTTP_ERR_CNT, StickData.HTTP_ERR_RATE);
    }

    private void count(int e, StickData total, StickData rate) {
        synchronized (lock) {
            long now = clock.millis();
            counts.add(e, total, now);
            counts.add(e, rate, now);
            list.touch(e, now);
        }
    }

    /** The connection that held the entry ended: {@code conn_cur} goes down, and the entry may expire from now on. */
    public void release(int e) {
        synchronized (lock) {
            if (list.holders(e) <= 0) {
                throw new IllegalStateException("entry " + e + " of table " + name + " released more than held");
            }
            list.unhold(e);
            counts.dropConnection(e);
            list.touch(e, clock.millis());
        }
    }

    /** A held entry's value of {@code data}, or -1 when the table does not store it. */
    public long value(int e, StickData data) {
        synchronized (lock) {
            return counts.read(e, data, clock.millis());
        }
    }

    /**
     * The value of {@code data} for a client address, without tracking it nor
     * touching its entry: 0 when the address has no entry (or no key of this
     * table), -1 when the table does not store it.
     */
    public long peekAddress(byte[] address, StickData data) {
        synchronized (lock) {
            if (!stores(data)) {
                return -1;
            }
            int n = addressKey(address);
            return n < 0 ? 0 : peekScratch(n, data);
        }
    }

    /**
     * The same for the key of another table's held entry ({@code sc_*(N,TABLE)}),
     * copied through {@code key}, the caller's own array of at least
     * {@code other.keyBytes()} bytes: the two locks are never held together.
     */
    public long peekKeyOf(StickTable other, int otherEntry, StickData data, byte[] key) {
        if (!stores(data)) {
            return -1;
        }
        if (other == this) {
            return value(otherEntry, data);
        }
        if ((other.type == Type.STRING) != (type == Type.STRING)) {
            return 0;
        }
        int n;
        synchronized (other.lock) {
            n = other.index.copyKey(otherEntry, key);
        }
        synchronized (lock) {
            if (type == Type.STRING) {
                n = Math.min(n, keyBytes);
                System.arraycopy(key, 0, scratch, 0, n);
            } else {
                n = addressKey(key, n);
            }
            return n < 0 ? 0 : peekScratch(n, data);
        }
    }

    private long peekScratch(int n, StickData data) {
        long now = clock.millis();
        int e = index.find(scratch, n, KeyIndex.hash(scratch, n));
        return e < 0 || list.expired(e, now) ? 0 : counts.read(e, data, now);
    }

    /**
     * Writes the table's key of a client address into {@link #scratch}: its
     * length, or -1 when the address makes none (empty, or IPv6 into an ip table).
     */
    private int addressKey(byte[] address) {
        return addressKey(address, address.length);
    }

    private int addressKey(byte[] address, int length) {
        return type == Type.STRING ? -1 : AddressKeys.write(type == Type.IP, address, length, scratch);
    }

    // ---- entries ----

    /** A new entry ({@link EntryList#allocate}) with its data reset, or -1 when no entry can be had. */
    private int allocate(long now) {
        int e = list.allocate(now);
        if (e < 0) {
            return -1;
        }
        counts.reset(e, now);
        if (serverIds != null) {
            serverIds[e] = 0;
            serverNames[e] = 0;
        }
        return e;
    }

    /** Checks the structure (tests): the list, the free list and the index agree with the count. */
    void checkInvariants() {
        synchronized (lock) {
            list.checkInvariants();
        }
    }

    /** How many connections hold the entry (tests). */
    int holders(int e) {
        synchronized (lock) {
            return list.holders(e);
        }
    }
}
