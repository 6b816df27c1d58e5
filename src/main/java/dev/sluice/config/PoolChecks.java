package dev.sluice.config;

/**
 * The pool rules of the configuration check (DESIGN.md, "Why it cannot
 * deadlock"): a buffer holds a request head and leaves room for rewrites,
 * each loop gets {@code tune.buffers.limit / nbthread} buffers, which must
 * leave room above the reserve and fit one direct arena, and the reserve is
 * at least 1, and at least 2 whenever a server has a {@code maxconn} or TLS
 * is on either side. Part of {@link ConfigValidator}; a refusal names the
 * line of the keyword to change.
 *
 * <p>Not thread-safe: used once, by the validator of one file.
 */
final class PoolChecks {
    /**
     * The smallest reserve when a server limits its connections: a session
     * holding a slot may need one buffer per direction, and only the second may
     * take the last one (see {@code Criticality}).
     */
    static final int MIN_RESERVE_WITH_MAXCONN = 2;

    /** Below this, a buffer cannot hold a plain request head. */
    static final int MIN_BUFSIZE = 1024;

    /** One loop's pool is one direct arena, and a ByteBuffer holds at most this many bytes. */
    static final long MAX_ARENA_BYTES = Integer.MAX_VALUE;

    private final String file;
    private final GlobalSection global;

    PoolChecks(String file, GlobalSection global) {
        this.file = file;
        this.global = global;
    }

    /**
     * With TLS on either side, an exchange claims two client buffers together
     * with its records before it works its slot (docs/design.md, "One account
     * across the pools"), and a claim that waits is admitted only from what
     * the reserve leaves: the reserve must hold a whole claim.
     */
    private void tlsReserve(Config config, Global g) throws ConfigException {
        boolean listener = config.frontends().stream().flatMap(f -> f.binds().stream()).anyMatch(BindConfig::ssl);
        ServerConfig server = config.backends().stream().flatMap(b -> b.servers().stream())
                .filter(s -> s.tls() != null && s.tls().traffic()).findFirst().orElse(null);
        if (!listener && server == null) {
            return;
        }
        throw new ConfigException(file, global.lineOf("tune.buffers.reserve"), "tune.buffers.reserve "
                + g.buffersReserve() + " can deadlock with TLS (" + (server != null ? "server '" + server.name()
                + "', line " + server.line() : "a bind line with ssl") + "): a session that works a server slot"
                + " over TLS first claims both of its client buffers, and a waiting claim is served from the"
                + " reserve; set tune.buffers.reserve to at least " + MIN_RESERVE_WITH_MAXCONN);
    }

    /** The pool rules: each loop gets limit / nbthread buffers, and that must leave room above the reserve. */
    void check(Config config) throws ConfigException {
        Global g = config.global();
        if (g.bufsize() < MIN_BUFSIZE) {
            throw new ConfigException(file, global.lineOf("tune.bufsize"), "tune.bufsize " + g.bufsize()
                    + " is too small: a buffer must hold at least " + MIN_BUFSIZE + " bytes");
        }
        if (g.maxrewrite() >= g.bufsize() / 2) {
            throw new ConfigException(file, global.lineOf("tune.maxrewrite", "tune.bufsize"), "tune.maxrewrite "
                    + g.maxrewrite() + " must be less than half of tune.bufsize " + g.bufsize()
                    + ", or too little of a buffer is left for data");
        }
        int perLoop = g.buffersPerLoop();
        int needed = g.buffersReserve() + Global.BUFFERS_ABOVE_RESERVE;
        if (perLoop < needed) {
            throw new ConfigException(file, global.lineOf("tune.buffers.limit", "tune.buffers.reserve", "nbthread",
                    "maxconn"), "tune.buffers.limit " + g.buffersLimit() + " over nbthread " + g.nbthread()
                    + " gives " + perLoop + " buffers per event loop, fewer than tune.buffers.reserve "
                    + g.buffersReserve() + " + " + Global.BUFFERS_ABOVE_RESERVE
                    + ": a loop could not serve one request beside its reserve; set tune.buffers.limit to at least "
                    + Global.minimumBuffersLimit(g.nbthread(), g.buffersReserve()));
        }
        if ((long) perLoop * g.bufsize() > MAX_ARENA_BYTES) {
            throw arenaTooLarge(g, perLoop);
        }
        if (g.buffersReserve() == 0) {
            throw new ConfigException(file, global.lineOf("tune.buffers.reserve"),
                    "tune.buffers.reserve 0 can deadlock: sessions that each hold one buffer could take every"
                    + " buffer while each waits for its second; set tune.buffers.reserve to at least 1");
        }
        if (g.buffersReserve() < MIN_RESERVE_WITH_MAXCONN) {
            tlsReserve(config, g);
            for (BackendConfig backend : config.backends()) {
                for (ServerConfig server : backend.servers()) {
                    if (server.maxconn() > 0) {
                        throw new ConfigException(file, global.lineOf("tune.buffers.reserve"),
                                "tune.buffers.reserve " + g.buffersReserve() + " can deadlock: server '"
                                + backend.name() + "/" + server.name() + "' (line " + server.line()
                                + ") has maxconn " + server.maxconn() + ", so sessions queued for it may hold every"
                                + " buffer but the reserve, and a session holding its slot needs one reserve buffer"
                                + " for each direction; set tune.buffers.reserve to at least "
                                + MIN_RESERVE_WITH_MAXCONN);
                    }
                }
            }
        }
    }

    /**
     * One loop's arena would pass 2 GiB. The refusal names the keyword the
     * buffer count really comes from ({@code maxconn} when
     * {@code tune.buffers.limit} is unset) and the loop count it assumed, so that
     * the user knows what to lower.
     */
    private ConfigException arenaTooLarge(Global g, int perLoop) {
        boolean limitSet = global.buffersLimit != GlobalSection.UNSET;
        String count = limitSet ? "tune.buffers.limit " + g.buffersLimit()
                : "tune.buffers.limit, unset, which takes tune.buffers.memory " + global.budget() + " bytes over"
                + " tune.bufsize (at most 2 x maxconn " + g.maxconn() + ")";
        String loops = global.nbthread != GlobalSection.UNSET ? "nbthread " + g.nbthread()
                : "nbthread, unset, which takes the " + g.nbthread() + " processors of this machine";
        int line = global.lineOf(limitSet ? "tune.buffers.limit" : "tune.buffers.memory", "tune.bufsize", "maxconn");
        long fitting = MAX_ARENA_BYTES / g.bufsize() * g.nbthread();
        return new ConfigException(file, line, count + " over " + loops + " gives " + perLoop + " buffers of"
                + " tune.bufsize " + g.bufsize() + " bytes per event loop: " + (long) perLoop * g.bufsize()
                + " bytes, more than one loop's arena of " + MAX_ARENA_BYTES + " bytes (2 GiB); set"
                + " tune.buffers.limit to at most " + fitting + (limitSet ? "" : " (a pool far smaller than maxconn"
                + " works: sessions wait for buffers, they do not fail)") + ", or lower tune.bufsize");
    }
}
