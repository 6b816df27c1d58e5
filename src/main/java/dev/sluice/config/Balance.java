package dev.sluice.config;

/**
 * How a backend picks a server, as the {@code balance} keyword names it.
 * Immutable.
 */
public enum Balance {
    /** Each server in turn; the default, as in HAProxy. */
    ROUNDROBIN("roundrobin");

    private final String keyword;

    Balance(String keyword) {
        this.keyword = keyword;
    }

    /** The word the configuration file uses. */
    public String keyword() {
        return keyword;
    }
}
