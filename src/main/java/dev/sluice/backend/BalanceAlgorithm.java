package dev.sluice.backend;

/**
 * The {@code balance} algorithms, with HAProxy's meanings.
 *
 * <p>The dynamic ones choose among servers with a free slot and queue a
 * request in the backend's queue when every server is full; the hashing ones
 * choose the server the request's key maps to and queue it there when that
 * server is full, and fall back to round robin when the request has no key.
 */
public enum BalanceAlgorithm {
    /** Smooth weighted round robin; weights may change at run time. */
    ROUNDROBIN("roundrobin", Kind.ROUND_ROBIN, BalanceKey.Source.NONE),
    /** Weighted round robin over a map built from the configured weights. */
    STATIC_RR("static-rr", Kind.ROUND_ROBIN, BalanceKey.Source.NONE),
    /** The server with the fewest requests in flight or queued for its weight; round robin among equals. */
    LEASTCONN("leastconn", Kind.CONNECTIONS, BalanceKey.Source.NONE),
    /** The first server, in declaration order, with a free slot; weights are ignored. */
    FIRST("first", Kind.CONNECTIONS, BalanceKey.Source.NONE),
    /** A random point of the consistent-hash ring; with {@code random(N)}, the least loaded of N draws. */
    RANDOM("random", Kind.ROUND_ROBIN, BalanceKey.Source.NONE),
    /** The client's IP address. */
    SOURCE("source", Kind.HASH, BalanceKey.Source.CLIENT_ADDRESS),
    /** The request target, before {@code ?} unless {@code whole}, cut by {@code len} and {@code depth}. */
    URI("uri", Kind.HASH, BalanceKey.Source.TARGET),
    /** The value of one query-string parameter. */
    URL_PARAM("url_param", Kind.HASH, BalanceKey.Source.TARGET),
    /** The first value of one request header field. */
    HDR("hdr", Kind.HASH, BalanceKey.Source.HEADER);

    /** HAProxy's families of algorithms, which decide when a retry goes to another server. */
    enum Kind { ROUND_ROBIN, CONNECTIONS, HASH }

    private final String keyword;
    private final Kind kind;
    private final BalanceKey.Source key;

    BalanceAlgorithm(String keyword, Kind kind, BalanceKey.Source key) {
        this.keyword = keyword;
        this.kind = kind;
        this.key = key;
    }

    /** The word {@code balance} uses ({@code hdr} is written {@code hdr(<name>)}). */
    public String keyword() {
        return keyword;
    }

    Kind kind() {
        return kind;
    }

    /** What of the request the session must put in the {@link BalanceKey}. */
    public BalanceKey.Source key() {
        return key;
    }

    /** Whether the configured weights stay the weights (a weight changed at run time has no effect). */
    boolean staticWeights(HashType hashType) {
        return this == STATIC_RR || kind == Kind.HASH && hashType == HashType.MAP_BASED;
    }
}
