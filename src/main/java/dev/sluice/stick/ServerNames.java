package dev.sluice.stick;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A number for each server name, the same in every backend and every table:
 * what a stick table stores as an entry's server key (HAProxy's
 * {@code server_key}, {@code srvkey name}), so that a table shared by two
 * backends sends a key to the server of the same name in each, and an entry
 * keeps 4 bytes for it instead of a string. The numbers start at 1; a name
 * keeps its number for the life of the process. The map holds one entry per
 * distinct server name the process was ever configured with.
 *
 * <p>Thread-safe. Looking a known name up allocates nothing.
 */
public final class ServerNames {
    private static final ConcurrentHashMap<String, Integer> NUMBERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LAST = new AtomicInteger();

    private ServerNames() {
    }

    /** The number of {@code name}, given it on first use. */
    public static int number(String name) {
        Integer n = NUMBERS.get(name);
        return n != null ? n : NUMBERS.computeIfAbsent(name, k -> LAST.incrementAndGet());
    }
}
