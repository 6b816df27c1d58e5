package dev.sluice.config;

import dev.sluice.stick.StickData;
import dev.sluice.stick.StickTable;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code stick-table} line: the table of its section, named after the
 * section, made (and all of its memory allocated) with the configuration.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name the section's name, which {@code table NAME} and {@code src_*(NAME)} refer to
 * @param keyLength the {@code len} of a string table, else the address's bytes
 * @param expireMillis 0 without {@code expire}: an entry never expires
 * @param stored each data type, with its period in milliseconds for a rate (0 otherwise), in the order written
 * @param line the line of the {@code stick-table} keyword
 * @param serverIds whether it keeps a server id per entry: {@code store server_id}, or a stick rule names it
 */
public record StickTableSpec(String name, StickTable.Type type, int keyLength, int size, long expireMillis,
        boolean nopurge, Map<StickData, Long> stored, int line, boolean serverIds) {
    /** Without server ids. */
    public StickTableSpec(String name, StickTable.Type type, int keyLength, int size, long expireMillis,
            boolean nopurge, Map<StickData, Long> stored, int line) {
        this(name, type, keyLength, size, expireMillis, nopurge, stored, line, false);
    }

    public StickTableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        stored = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stored));
    }

    /** What the table allocates when it is made. */
    public long bytes() {
        return StickTable.bytesFor(type, keyLength, size, stored.keySet(), serverIds);
    }

    /** The same table, keeping a server id per entry. */
    public StickTableSpec withServerIds() {
        return serverIds ? this : new StickTableSpec(name, type, keyLength, size, expireMillis, nopurge, stored, line,
                true);
    }

    /** Makes the table, every entry allocated. */
    public StickTable make(StickTable.Clock clock) {
        return new StickTable(name, type, keyLength, size, expireMillis, nopurge, stored, serverIds, clock);
    }
}
