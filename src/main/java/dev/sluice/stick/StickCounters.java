package dev.sluice.stick;

import dev.sluice.buffer.Buffer;

/**
 * The sticky counters one client connection tracks: up to three entries
 * ({@code track-sc0}, {@code track-sc1}, {@code track-sc2}), each in some
 * table. The first rule that tracks a counter sets it; later ones for the same
 * counter do nothing until it is released. A counter set by a
 * {@code tcp-request connection} rule lasts as long as the connection and
 * counts each of its HTTP requests as it arrives; one set by an
 * {@code http-request} rule counts the request that set it and is released
 * when that request's exchange ends, as HAProxy does.
 *
 * <p>Not thread-safe: one per client connection, on its loop. Allocates
 * nothing once made (but the key copy of {@link #value} through another
 * table, once per connection).
 */
public final class StickCounters {
    /** How many counters a connection tracks: sc0, sc1, sc2. */
    public static final int SLOTS = 3;

    private final StickTable[] tables = new StickTable[SLOTS];
    private final int[] entries = new int[SLOTS];
    /** Set by an {@code http-request} rule: released when the exchange ends. */
    private final boolean[] perRequest = new boolean[SLOTS];
    private byte[] keyCopy;

    /** Whether counter {@code slot} tracks an entry now. */
    public boolean tracked(int slot) {
        return tables[slot] != null;
    }

    /** The table counter {@code slot} tracks in, or null. */
    public StickTable table(int slot) {
        return tables[slot];
    }

    /**
     * Counter {@code slot} tracks {@code address} in {@code table}, unless it
     * tracks something already. An {@code http-request} rule's tracking
     * ({@code perRequest}) counts the current request at once.
     */
    public void trackAddress(int slot, StickTable table, byte[] address, boolean perRequest) {
        if (tables[slot] == null) {
            set(slot, table, table.trackAddress(address), perRequest);
        }
    }

    /** The same with a string key read in place from {@code buffer}'s {@code [start, end)}. */
    public void trackBytes(int slot, StickTable table, Buffer buffer, int start, int end, boolean perRequest) {
        if (tables[slot] == null) {
            set(slot, table, table.trackBytes(buffer, start, end), perRequest);
        }
    }

    private void set(int slot, StickTable table, int entry, boolean request) {
        if (entry < 0) {
            return;
        }
        tables[slot] = table;
        entries[slot] = entry;
        perRequest[slot] = request;
        if (request) {
            table.countRequest(entry);
        }
    }

    /** An HTTP request arrived: it counts on every counter the connection's own rules track. */
    public void requestArrived() {
        for (int s = 0; s < SLOTS; s++) {
            if (tables[s] != null && !perRequest[s]) {
                tables[s].countRequest(entries[s]);
            }
        }
    }

    /** The request ended in an error of the client's: it counts on every counter tracked now. */
    public void clientError() {
        for (int s = 0; s < SLOTS; s++) {
            if (tables[s] != null) {
                tables[s].countError(entries[s]);
            }
        }
    }

    /** The exchange ended: the counters its {@code http-request} rules set are released. */
    public void exchangeEnded() {
        for (int s = 0; s < SLOTS; s++) {
            if (tables[s] != null && perRequest[s]) {
                release(s);
            }
        }
    }

    /** The connection ended: every counter is released. */
    public void connectionEnded() {
        for (int s = 0; s < SLOTS; s++) {
            if (tables[s] != null) {
                release(s);
            }
        }
    }

    private void release(int slot) {
        StickTable t = tables[slot];
        tables[slot] = null;
        t.release(entries[slot]);
    }

    /**
     * The value of {@code data} of counter {@code slot}: read from its entry,
     * or, when {@code in} is another table, from the entry of the same key in
     * that one (0 when it has none). -1 when there is no value: the counter
     * tracks nothing, or the table does not store {@code data}.
     */
    public long value(int slot, StickData data, StickTable in) {
        StickTable t = tables[slot];
        if (t == null) {
            return -1;
        }
        if (in == null || in == t) {
            return t.value(entries[slot], data);
        }
        if (keyCopy == null || keyCopy.length < t.keyBytes()) {
            keyCopy = new byte[Math.max(16, t.keyBytes())];
        }
        return in.peekKeyOf(t, entries[slot], data, keyCopy);
    }
}
