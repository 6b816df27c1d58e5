package dev.sluice.backend;

/**
 * {@code hash-type}: how a key's hash designates a server.
 */
public enum HashType {
    /**
     * The hash modulo the total weight indexes a table where each UP server
     * appears as often as its weight: smooth, but most keys move when a server
     * comes or goes. The default, with {@code sdbm} and no avalanche.
     */
    MAP_BASED("map-based"),
    /**
     * The hash is a point on a ring where each UP server owns 16 points per unit
     * of weight; the nearest point wins. When a server leaves, only its keys
     * move. Without a function named, {@code sdbm} with the avalanche modifier.
     */
    CONSISTENT("consistent");

    private final String keyword;

    HashType(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
