package dev.sluice.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration check: what a file may not say even though every line of it
 * reads well. Chiefly, the buffer pool must be unable to deadlock (DESIGN.md,
 * "Why it cannot deadlock"), and every name must point at something.
 *
 * <p>Not thread-safe: used once, by the parser that read the file.
 */
final class ConfigValidator {
    /** The modes this build runs; the single place that would refuse a mode. */
    static final Set<Mode> SUPPORTED_MODES = EnumSet.of(Mode.TCP, Mode.HTTP);

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
    private final List<ProxySection> frontends;
    private final List<ProxySection> backends;

    /** The sections the records of the config were built from, in the same order, for their lines. */
    ConfigValidator(String file, GlobalSection global, List<ProxySection> frontends, List<ProxySection> backends) {
        this.file = file;
        this.global = global;
        this.frontends = frontends;
        this.backends = backends;
    }

    void validate(Config config) throws ConfigException {
        for (int i = 0; i < config.frontends().size(); i++) {
            frontend(config, config.frontends().get(i), frontends.get(i));
        }
        for (int i = 0; i < config.backends().size(); i++) {
            backend(config.backends().get(i), backends.get(i));
        }
        pool(config);
        responses(config);
    }

    private void frontend(Config config, FrontendConfig frontend, ProxySection section) throws ConfigException {
        mode(frontend.mode(), section);
        if (frontend.binds().isEmpty()) {
            throw new ConfigException(file, section.line, section.describe() + " has no bind line:"
                    + " it would accept no connection");
        }
        httpOnly(frontend.mode(), section, frontend.http().acls(), frontend.http().httpRequestRules(),
                frontend.http().useBackends(), frontend.http().maxBodySize());
        // A request that no use_backend rule takes gets 503; without any rule there would be nowhere to send anything.
        if (frontend.defaultBackend() == null && frontend.http().useBackends().isEmpty()) {
            throw new ConfigException(file, section.line, section.describe() + " has no default_backend:"
                    + " it would have nowhere to send its connections");
        }
        if (frontend.defaultBackend() != null) {
            target(config, section, frontend.mode(), "default_backend", frontend.defaultBackend(),
                    section.lineOf("default_backend"));
        }
        for (UseBackend use : frontend.http().useBackends()) {
            target(config, section, frontend.mode(), "use_backend", use.backend(), use.line());
        }
    }

    /** A backend a frontend sends traffic to must exist and speak the frontend's mode. */
    private void target(Config config, ProxySection section, Mode mode, String keyword, String name, int line)
            throws ConfigException {
        BackendConfig backend = config.backend(name).orElseThrow(() -> new ConfigException(file, line,
                keyword + ": no backend named '" + name + "'"));
        if (backend.mode() != mode) {
            throw new ConfigException(file, line, keyword + ": " + section.describe() + " is in mode "
                    + mode.keyword() + " but backend '" + backend.name() + "' (line " + backend.line()
                    + ") is in mode " + backend.mode().keyword());
        }
    }

    private void backend(BackendConfig backend, ProxySection section) throws ConfigException {
        mode(backend.mode(), section);
        httpOnly(backend.mode(), section, backend.http().acls(), backend.http().httpRequestRules(), List.of(),
                backend.http().maxBodySize());
        if (backend.servers().isEmpty()) {
            throw new ConfigException(file, section.line, section.describe() + " has no server line:"
                    + " every connection sent to it would fail");
        }
    }

    /**
     * Rules and the body limit read HTTP requests; a TCP session has none, so
     * they are refused rather than ignored. A limit set in {@code defaults} is
     * reported at its line there.
     */
    private void httpOnly(Mode mode, ProxySection section, List<AclSpec> acls, List<HttpRequestRule> rules,
            List<UseBackend> uses, long maxBodySize) throws ConfigException {
        if (mode == Mode.HTTP) {
            return;
        }
        int line = Integer.MAX_VALUE;
        String keyword = null;
        if (maxBodySize > 0) {
            line = section.lineOf("max-body-size");
            keyword = "max-body-size";
        }
        for (AclSpec acl : acls) {
            if (acl.line() < line) {
                line = acl.line();
                keyword = "acl";
            }
        }
        for (HttpRequestRule rule : rules) {
            if (rule.line() < line) {
                line = rule.line();
                keyword = "http-request " + rule.action().keyword();
            }
        }
        for (UseBackend use : uses) {
            if (use.line() < line) {
                line = use.line();
                keyword = "use_backend";
            }
        }
        if (keyword != null) {
            throw new ConfigException(file, line, keyword + " needs mode http, but " + section.describe()
                    + " is in mode " + mode.keyword() + " (line " + section.lineOf("mode") + ")");
        }
    }

    /** A response Sluice gives itself must fit in one buffer with the rewrite reserve left free. */
    private void responses(Config config) throws ConfigException {
        int room = config.global().bufsize() - config.global().maxrewrite();
        List<HttpRequestRule> rules = new ArrayList<>();
        config.frontends().forEach(f -> rules.addAll(f.http().httpRequestRules()));
        config.backends().forEach(b -> rules.addAll(b.http().httpRequestRules()));
        for (HttpRequestRule rule : rules) {
            if (rule.response() == null) {
                continue;
            }
            int length = RuleCompiler.response(rule).length();
            if (length > room) {
                throw new ConfigException(file, rule.line(), "http-request " + rule.action().keyword()
                        + ": the response takes " + length + " bytes with its status line and header fields, more"
                        + " than the " + room + " that tune.bufsize - tune.maxrewrite leave for it");
            }
        }
    }

    private void mode(Mode mode, ProxySection section) throws ConfigException {
        if (!SUPPORTED_MODES.contains(mode)) {
            throw new ConfigException(file, section.lineOf("mode"), "mode " + mode.keyword()
                    + " is not supported by Sluice yet (" + section.describe() + ")");
        }
    }

    /** The pool rules: each loop gets limit / nbthread buffers, and that must leave room above the reserve. */
    private void pool(Config config) throws ConfigException {
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
            throw new ConfigException(file, global.lineOf("tune.buffers.limit", "tune.bufsize", "maxconn"),
                    perLoop + " buffers per event loop of tune.bufsize " + g.bufsize() + " bytes exceed one loop's"
                    + " arena of " + MAX_ARENA_BYTES + " bytes; lower tune.buffers.limit or raise nbthread");
        }
        if (g.buffersReserve() == 0) {
            throw new ConfigException(file, global.lineOf("tune.buffers.reserve"),
                    "tune.buffers.reserve 0 can deadlock: sessions that each hold one buffer could take every"
                    + " buffer while each waits for its second; set tune.buffers.reserve to at least 1");
        }
        if (g.buffersReserve() < MIN_RESERVE_WITH_MAXCONN) {
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
}
