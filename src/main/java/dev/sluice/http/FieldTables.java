package dev.sluice.http;

/**
 * The field offset tables of the head parsers that run on one thread (one
 * event loop), lent to a parser when a head's first field arrives and given
 * back when the exchange ends. A connection that sits idle between requests,
 * or has sent nothing yet, then holds no table: the tables in use follow the
 * heads being parsed or forwarded now, not the connections open.
 *
 * <p>Only tables of the usual size ({@link #SIZE} ints) come back here; one
 * grown for a head with many fields is dropped when given back, and the next
 * head starts from the usual size again. At most {@link #MAX_KEPT} are kept, so
 * a burst that needed many leaves at most that many behind (about 3 MiB).
 * Taking and giving back allocate nothing once as many tables as the busiest
 * moment needed have been made.
 *
 * <p>Not thread-safe: each thread has its own ({@link #local()}).
 */
public final class FieldTables {
    /** Ints in a table of the usual size: four per field, 24 fields. */
    public static final int SIZE = 4 * 24;
    /** The most tables kept for reuse on one thread. */
    static final int MAX_KEPT = 8192;

    private static final ThreadLocal<FieldTables> LOCAL = ThreadLocal.withInitial(FieldTables::new);

    private int[][] free = new int[64][];
    private int count;
    private long made;

    /** The calling thread's tables. */
    public static FieldTables local() {
        return LOCAL.get();
    }

    /** A table of {@code size} ints: a kept one when {@code size} is the usual size and one is free. */
    int[] take(int size) {
        if (size == SIZE && count > 0) {
            int[] t = free[--count];
            free[count] = null;
            return t;
        }
        made++;
        return new int[size];
    }

    /** Gives {@code table} back; it must not be read or written after this. */
    void give(int[] table) {
        if (table.length != SIZE || count == MAX_KEPT) {
            return;
        }
        if (count == free.length) {
            free = java.util.Arrays.copyOf(free, Math.min(2 * count, MAX_KEPT));
        }
        free[count++] = table;
    }

    /** Tables kept for reuse now. */
    public int kept() {
        return count;
    }

    /** Tables made since the thread's first take: how many the busiest moment needed, plus the grown ones. */
    public long made() {
        return made;
    }
}
