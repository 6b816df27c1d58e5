package dev.sluice.http;

/**
 * How an ACL compares what it fetched with its values: the {@code -m} flag of
 * the configuration file, or the suffix of a fetch ({@code path_beg} is
 * {@code path -m beg}).
 *
 * <p>Immutable; safe from any thread.
 */
public enum AclMatch {
    /** The whole fetched text equals a value. */
    STR("str"),
    /** The fetched text starts with a value. */
    BEG("beg"),
    /** The fetched text ends with a value. */
    END("end"),
    /** A value occurs anywhere in the fetched text. */
    SUB("sub"),
    /** The fetch found something at all; takes no value. */
    FOUND("found"),
    /** An address lies in one of the values' networks; only for {@code src} and {@code dst}. */
    IP("ip"),
    /**
     * A number equals a value or lies in a {@code LOW:HIGH} range, or compares
     * as {@code eq|ge|gt|le|lt N} says; for {@code dst_port}, {@code hdr_cnt}
     * and {@code nbsrv}.
     */
    INT("int"),
    /** A value, a regular expression, finds a match in the fetched text ({@code -m reg}, {@code path_reg}). */
    REG("reg"),
    /** A boolean fetch is true; takes no value; only for {@code ssl_fc}. */
    BOOL("bool");

    private final String keyword;

    AclMatch(String keyword) {
        this.keyword = keyword;
    }

    /** The word after {@code -m}, and the suffix after {@code _} for the text matches. */
    public String keyword() {
        return keyword;
    }
}
