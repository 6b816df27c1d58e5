package dev.sluice.config;

/**
 * Whether a backend in mode http may send a request over an idle server
 * connection that an earlier request opened, as the {@code http-reuse} keyword
 * names it. Immutable.
 */
public enum HttpReuse {
    /** Every request opens its own server connection (or keeps its own session's). */
    NEVER("never"),
    /**
     * An idle connection may carry another session's request, except the first
     * request of a client connection, which gets a connection of its own: the
     * default, as in HAProxy.
     */
    SAFE("safe");

    private final String keyword;

    HttpReuse(String keyword) {
        this.keyword = keyword;
    }

    /** The word the configuration file uses. */
    public String keyword() {
        return keyword;
    }
}
