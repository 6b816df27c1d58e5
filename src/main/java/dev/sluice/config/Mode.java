package dev.sluice.config;

/**
 * How a frontend or backend treats its bytes, as the {@code mode} keyword
 * names it. Immutable.
 */
public enum Mode {
    /** Bytes are relayed as they are; the default, as in HAProxy. */
    TCP("tcp"),
    /** HTTP/1.1 requests and responses are parsed, and rules route and rewrite them. */
    HTTP("http");

    private final String keyword;

    Mode(String keyword) {
        this.keyword = keyword;
    }

    /** The word the configuration file uses. */
    public String keyword() {
        return keyword;
    }
}
