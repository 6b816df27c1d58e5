package dev.sluice.stick;

/**
 * A stick table's entries in the order of their last update: a
 * least-recently-used list, most recent first, through parallel arrays of
 * links indexed by entry; on a free entry, {@code next} links the free list.
 * Per entry, the time of its last update and how many connections hold it: an
 * entry is neither expired nor evicted while any does. Expiry sweeps from the
 * old end of the list, and a full table evicts its least recently updated
 * entry no connection holds, unless {@code nopurge}. All of it allocated when
 * the table is made.
 *
 * <p>Not thread-safe: its {@link StickTable} calls it under the table's lock.
 */
final class EntryList {
    private final int size;
    private final long expireMillis;
    private final boolean nopurge;
    /** The keys' index, which an entry leaves when it is removed. */
    private final KeyIndex index;
    /** The LRU list, most recent first ({@link #head}); on a free entry, {@code next} links the free list. */
    private final int[] prev;
    private final int[] next;
    private final long[] touched;
    /** Connections holding the entry: it is neither expired nor evicted while any does. */
    private final int[] refs;
    private int head = -1;
    private int tail = -1;
    private int freeHead;
    private int used;

    EntryList(int size, long expireMillis, boolean nopurge, KeyIndex index) {
        this.size = size;
        this.expireMillis = expireMillis;
        this.nopurge = nopurge;
        this.index = index;
        prev = new int[size];
        next = new int[size];
        touched = new long[size];
        refs = new int[size];
        for (int i = 0; i < size; i++) {
            next[i] = i + 1 < size ? i + 1 : -1;
        }
        freeHead = 0;
    }

    /** Entries in use. */
    int used() {
        return used;
    }

    /** How many connections hold the entry. */
    int holders(int e) {
        return refs[e];
    }

    /** One more connection holds the entry. */
    void hold(int e) {
        refs[e]++;
    }

    /** One connection less holds the entry (the caller checked that one did). */
    void unhold(int e) {
        refs[e]--;
    }

    boolean expired(int e, long now) {
        return expireMillis > 0 && refs[e] == 0 && now - touched[e] >= expireMillis;
    }

    /** Removes up to {@code max} expired entries from the old end of the list; how many it looked at. */
    int sweep(long now, int max) {
        if (expireMillis <= 0) {
            return 0;
        }
        int looked = 0;
        int e = tail;
        while (e >= 0 && looked < max) {
            int before = prev[e];
            looked++;
            if (refs[e] == 0) {
                if (now - touched[e] < expireMillis) {
                    // Every entry after it in the list was updated later still.
                    return 0;
                }
                remove(e);
            }
            e = before;
        }
        return looked;
    }

    /**
     * A free entry, updated {@code now}, held by none, at the head of the
     * list; when none is free, the least recently updated one no connection
     * holds is removed to make room (not under {@code nopurge}). -1 when no
     * entry can be had. The caller resets the entry's data and puts its key.
     */
    int allocate(long now) {
        if (freeHead < 0) {
            int victim = nopurge ? -1 : oldestUnheld();
            if (victim < 0) {
                return -1;
            }
            remove(victim);
        }
        int e = freeHead;
        freeHead = next[e];
        used++;
        refs[e] = 0;
        touched[e] = now;
        prev[e] = -1;
        next[e] = head;
        if (head >= 0) {
            prev[head] = e;
        }
        head = e;
        if (tail < 0) {
            tail = e;
        }
        return e;
    }

    /** The least recently updated entry no connection holds, or -1 when every entry is held. */
    private int oldestUnheld() {
        for (int e = tail; e >= 0; e = prev[e]) {
            if (refs[e] == 0) {
                return e;
            }
        }
        return -1;
    }

    /** The entry was updated {@code now}: it moves to the head of the list. */
    void touch(int e, long now) {
        touched[e] = now;
        if (head == e) {
            return;
        }
        unlink(e);
        prev[e] = -1;
        next[e] = head;
        prev[head] = e;
        head = e;
        if (tail < 0) {
            tail = e;
        }
    }

    private void unlink(int e) {
        if (prev[e] >= 0) {
            next[prev[e]] = next[e];
        } else {
            head = next[e];
        }
        if (next[e] >= 0) {
            prev[next[e]] = prev[e];
        } else {
            tail = prev[e];
        }
    }

    private void remove(int e) {
        unlink(e);
        index.remove(e);
        next[e] = freeHead;
        freeHead = e;
        used--;
    }

    /** Checks the structure (tests): the list, the free list and the index agree with the count. */
    void checkInvariants() {
        int listed = 0;
        for (int e = head, before = -1; e >= 0; before = e, e = next[e]) {
            if (prev[e] != before || !index.finds(e) || refs[e] < 0) {
                throw new IllegalStateException("entry " + e + " is inconsistent");
            }
            listed++;
        }
        int free = 0;
        for (int e = freeHead; e >= 0; e = next[e]) {
            free++;
        }
        int indexed = index.indexed();
        if (listed != used || indexed != used || free != size - used) {
            throw new IllegalStateException("listed " + listed + ", indexed " + indexed + ", free " + free
                    + ", used " + used);
        }
    }
}
