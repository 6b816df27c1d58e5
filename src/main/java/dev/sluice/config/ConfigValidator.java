package dev.sluice.config;

import dev.sluice.backend.BalanceSpec;
import dev.sluice.http.Fetch;
import dev.sluice.http.ReturnRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration check: what a file may not say even though every line of it
 * reads well. Chiefly, the buffer pool must be unable to deadlock (DESIGN.md,
 * "Why it cannot deadlock"; {@link PoolChecks}), and every name must point at
 * something (the stick tables': {@link StickTableChecks}).
 *
 * <p>Not thread-safe: used once, by the parser that read the file.
 */
final class ConfigValidator {
    /** The modes this build runs; the single place that would refuse a mode. */
    static final Set<Mode> SUPPORTED_MODES = EnumSet.of(Mode.TCP, Mode.HTTP);

    private final String file;
    private final List<ProxySection> frontends;
    private final List<ProxySection> backends;
    private final Diagnostics diagnostics;
    /** The pool rules, which keep the buffer pool from deadlocking. */
    private final PoolChecks pool;
    /** The checks of the stick tables that rules and fetches name. */
    private final StickTableChecks stickTables;

    /**
     * The sections the records of the config were built from, in the same order, for their lines;
     * every refusal and warning goes to {@code diagnostics}.
     */
    ConfigValidator(String file, GlobalSection global, List<ProxySection> frontends, List<ProxySection> backends,
            Diagnostics diagnostics) {
        this.file = file;
        this.frontends = frontends;
        this.backends = backends;
        this.diagnostics = diagnostics;
        this.pool = new PoolChecks(file, global);
        this.stickTables = new StickTableChecks(file, diagnostics);
    }

    /** A check that refuses the file with one error at most. */
    @FunctionalInterface
    private interface Check {
        void run() throws ConfigException;
    }

    /** Runs every check, each reporting its own error, so that one run shows them all. */
    void validate(Config config) {
        for (int i = 0; i < config.frontends().size(); i++) {
            FrontendConfig frontend = config.frontends().get(i);
            ProxySection section = frontends.get(i);
            check(() -> frontend(config, frontend, section));
        }
        for (int i = 0; i < config.backends().size(); i++) {
            BackendConfig backend = config.backends().get(i);
            ProxySection section = backends.get(i);
            check(() -> backend(config, backend, section));
        }
        check(() -> pool.check(config));
        check(() -> responses(config));
        RuntimeGaps.check(file, frontends, backends, diagnostics);
        LogKeywords.check(frontends, diagnostics);
    }

    private void check(Check check) {
        try {
            check.run();
        } catch (ConfigException e) {
            diagnostics.error(e);
        }
    }

    private void frontend(Config config, FrontendConfig frontend, ProxySection section) throws ConfigException {
        mode(frontend.mode(), section);
        if (frontend.binds().isEmpty()) {
            // HAProxy only warns: such a section is a backend written as a frontend, or a listen section used so.
            diagnostics.warn(section.line, section.describe() + " has no bind line, so it accepts no connection;"
                    + (section.kind == ProxySection.Kind.LISTEN ? " write it as a backend if that is what it is"
                    : " remove it if it is not used"));
        }
        httpOnly(frontend.mode(), section, frontend.routing(), frontend.http().httpRequestRules(),
                frontend.http().maxBodySize());
        payloadFetches(config.upgradesToHttp(frontend) ? Mode.HTTP : frontend.mode(), section, frontend.routing(),
                frontend.http().httpRequestRules());
        countedBackends(config, frontend.routing(), frontend.http().httpRequestRules());
        stickTables.check(config, section, frontend.routing(), frontend.http().httpRequestRules());
        if (frontend.services().any() && frontend.mode() != Mode.HTTP) {
            throw new ConfigException(file, section.line, section.describe() + " is in mode tcp: its monitor-uri,"
                    + " stats page and services answer HTTP requests only; write 'mode http'");
        }
        // A request that no use_backend rule takes gets 503; without any rule there would be nowhere to send anything.
        // A frontend that answers itself (a stats page, a service, a monitor URI) needs no backend.
        if (frontend.defaultBackend() == null && frontend.routing().useBackends().isEmpty()
                && !frontend.services().any()) {
            throw new ConfigException(file, section.line, section.describe() + " has no default_backend:"
                    + " it would have nowhere to send its connections");
        }
        if (frontend.defaultBackend() != null) {
            target(config, section, frontend.mode(), "default_backend", frontend.defaultBackend(),
                    section.lineOf("default_backend"));
        }
        for (UseBackend use : frontend.routing().useBackends()) {
            target(config, section, frontend.mode(), "use_backend", use.backend(), use.line());
        }
    }

    /**
     * A backend a frontend sends traffic to must exist and, for a frontend in
     * mode http, be in mode http too. A frontend in mode tcp may use a backend in
     * mode http: as in HAProxy, its connection then becomes an HTTP one.
     */
    private void target(Config config, ProxySection section, Mode mode, String keyword, String name, int line)
            throws ConfigException {
        BackendConfig backend = config.backend(name).orElseThrow(() -> new ConfigException(file, line,
                keyword + ": no backend named '" + name + "'"));
        if (backend.mode() != mode && !(mode == Mode.TCP && backend.mode() == Mode.HTTP)) {
            throw new ConfigException(file, line, keyword + ": " + section.describe() + " is in mode "
                    + mode.keyword() + " but backend '" + backend.name() + "' (line " + backend.line()
                    + ") is in mode " + backend.mode().keyword());
        }
    }

    private void backend(Config config, BackendConfig backend, ProxySection section) throws ConfigException {
        mode(backend.mode(), section);
        httpOnly(backend.mode(), section, backend.routing(), backend.http().httpRequestRules(),
                backend.http().maxBodySize());
        payloadFetches(backend.mode(), section, backend.routing(), backend.http().httpRequestRules());
        for (ServerConfig server : backend.servers()) {
            if (backend.mode() != Mode.HTTP && server.tls() != null
                    && server.tls().sni() == dev.sluice.net.TlsClientContext.Sni.HOST) {
                throw new ConfigException(file, server.line(), "server " + server.name() + ": sni req.hdr(host) reads"
                        + " the HTTP request, but " + section.describe() + " is in mode tcp; write sni ssl_fc_sni or"
                        + " sni str(NAME)");
            }
        }
        countedBackends(config, backend.routing(), backend.http().httpRequestRules());
        if (section.kind != ProxySection.Kind.LISTEN) {
            stickTables.check(config, section, backend.routing(), backend.http().httpRequestRules());
        }
        for (StickRuleSpec rule : backend.routing().stickRules()) {
            if (backend.mode() != Mode.HTTP && rule.source() != dev.sluice.http.StickRule.Source.SRC) {
                throw new ConfigException(file, rule.line(), rule.keyword() + " " + rule.pattern() + " reads the"
                        + " HTTP request, but " + section.describe() + " is in mode tcp; write '" + rule.keyword()
                        + " src'");
            }
            stickTables.trackedTable(config, section, rule.table(), rule.source() == dev.sluice.http.StickRule.Source.SRC ? null
                    : rule.pattern(), rule.line(), rule.keyword());
            StickTableSpec table = config.stickTable(rule.table()).orElseThrow();
            if (table.bytes() > StickKeywords.MAX_TABLE_BYTES) {
                throw new ConfigException(file, table.line(), "stick-table: with the server of each entry, which "
                        + rule.keyword() + " (line " + rule.line() + ") stores, the table would take "
                        + (table.bytes() >> 20) + " MB, over the " + (StickKeywords.MAX_TABLE_BYTES >> 20)
                        + " MB Sluice allows a table (it allocates every entry at start-up): lower 'size'");
            }
        }
        // A listen section that sends its traffic to another backend needs no server of its own.
        boolean routesElsewhere = section.kind == ProxySection.Kind.LISTEN && section.defaultBackend != null
                && !section.defaultBackend.equals(section.name);
        // Nor does a listen section that answers itself: a request no service takes gets 503.
        boolean answersItself = section.kind == ProxySection.Kind.LISTEN && section.services.build().any();
        // Nor does a backend that only holds a stick table for others' rules, which HAProxy's manual suggests.
        boolean holdsATable = backend.routing().stickTable() != null && !routedTo(config, backend.name());
        if (backend.servers().isEmpty() && !routesElsewhere && !answersItself && !holdsATable) {
            throw new ConfigException(file, section.line, section.describe() + " has no server line:"
                    + " every connection sent to it would fail");
        }
        if (section.http.cookie != null && backend.mode() != Mode.HTTP) {
            // HAProxy warns and ignores it: a mode tcp connection carries no cookie.
            diagnostics.warn(section.http.cookie.line(), "cookie needs mode http; " + section.describe()
                    + " is in mode tcp and ignores it, as HAProxy does");
        }
        BalanceSpec asked = section.balancing.algorithm;
        if (BalanceSettings.needsHttp(asked.algorithm()) && backend.mode() != Mode.HTTP) {
            // HAProxy warns and balances round robin: a mode tcp connection has no HTTP request to hash.
            diagnostics.warn(section.balancing.balanceLine, "balance " + asked.algorithm().keyword()
                    + " needs mode http; " + section.describe() + " is in mode tcp and balances roundrobin instead,"
                    + " as HAProxy does");
        }
    }

    /**
     * Rules, HTTP fetches and the body limit read HTTP requests; a TCP session
     * has none, so they are refused rather than ignored (HAProxy ignores some of
     * them with a warning, which would leave a rule of the file without effect).
     * ACLs on the connection's addresses ({@code src}, {@code dst},
     * {@code dst_port}) work in either mode. A limit set in {@code defaults} is
     * reported at its line there.
     */
    private void httpOnly(Mode mode, ProxySection section, RoutingConfig routing, List<HttpRequestRule> rules,
            long maxBodySize) throws ConfigException {
        if (mode == Mode.HTTP) {
            return;
        }
        Earliest earliest = new Earliest();
        if (maxBodySize > 0) {
            earliest.offer(section.lineOf("max-body-size"), "max-body-size");
        }
        for (AclSpec acl : routing.acls()) {
            if (readsHttp(acl)) {
                earliest.offer(acl.line(), "acl " + acl.name() + ": fetch " + acl.fetch().keyword());
            }
        }
        for (UseBackend use : routing.useBackends()) {
            if (readsHttp(use.condition())) {
                earliest.offer(use.line(), "use_backend: a fetch of its condition");
            }
        }
        for (TcpRequestRule rule : routing.tcpRequestRules()) {
            if (readsHttp(rule.condition())) {
                earliest.offer(rule.line(), "tcp-request " + rule.phase().keyword() + ": a fetch of its condition");
            }
        }
        for (HttpRequestRule rule : rules) {
            earliest.offer(rule.line(), rule.keyword());
        }
        if (earliest.keyword != null) {
            throw new ConfigException(file, earliest.line, earliest.keyword + " needs mode http, but "
                    + section.describe() + " is in mode " + mode.keyword() + " (line " + section.lineOf("mode") + ")");
        }
    }

    /**
     * The payload fetches ({@code req.len}, {@code req.ssl_hello_type},
     * {@code req.ssl_sni}) read a mode tcp connection's bytes before they are
     * sent on: they are refused in mode http, whose rules read the parsed
     * request, and in {@code tcp-request connection} rules, which run before
     * any byte is read and would never match.
     */
    private void payloadFetches(Mode mode, ProxySection section, RoutingConfig routing, List<HttpRequestRule> rules)
            throws ConfigException {
        for (TcpRequestRule rule : routing.tcpRequestRules()) {
            if (rule.phase() == TcpRequestRule.Phase.CONNECTION && readsPayload(rule.condition())) {
                throw new ConfigException(file, rule.line(), "tcp-request connection runs before any byte is read,"
                        + " so a payload fetch (req.len, req.ssl_hello_type, req.ssl_sni) never matches there; write"
                        + " it in a 'tcp-request content' rule, with 'tcp-request inspect-delay'");
            }
        }
        if (mode == Mode.TCP) {
            return;
        }
        Earliest earliest = new Earliest();
        for (AclSpec acl : routing.acls()) {
            if (acl.fetch().readsPayload()) {
                earliest.offer(acl.line(), "acl " + acl.name() + ": fetch " + acl.fetch().keyword());
            }
        }
        for (UseBackend use : routing.useBackends()) {
            if (readsPayload(use.condition())) {
                earliest.offer(use.line(), "use_backend: a payload fetch of its condition");
            }
        }
        for (TcpRequestRule rule : routing.tcpRequestRules()) {
            if (readsPayload(rule.condition())) {
                earliest.offer(rule.line(), "tcp-request " + rule.phase().keyword() + ": a payload fetch of its"
                        + " condition");
            }
        }
        for (HttpRequestRule rule : rules) {
            if (readsPayload(rule.condition())) {
                earliest.offer(rule.line(), rule.keyword() + ": a payload fetch of its condition");
            }
        }
        if (earliest.keyword != null) {
            throw new ConfigException(file, earliest.line, earliest.keyword + " reads the client's bytes before any"
                    + " HTTP parsing, which Sluice does in mode tcp only; " + section.describe() + (mode == section.mode
                    ? " is in mode " + mode.keyword() + " (line " + section.lineOf("mode") + ")"
                    : " sends its connections to a mode http backend, which reads them as HTTP requests"));
        }
    }

    private static boolean readsPayload(ConditionSpec condition) {
        return reads(condition, acl -> acl.fetch().readsPayload());
    }

    /** The section's {@code acl} lines and every ACL its rules' conditions hold (anonymous ones too). */
    static List<AclSpec> everyAcl(RoutingConfig routing, List<HttpRequestRule> rules) {
        List<AclSpec> acls = new java.util.ArrayList<>(routing.acls());
        List<ConditionSpec> conditions = new java.util.ArrayList<>();
        routing.useBackends().forEach(use -> conditions.add(use.condition()));
        routing.tcpRequestRules().forEach(rule -> conditions.add(rule.condition()));
        rules.forEach(rule -> conditions.add(rule.condition()));
        for (ConditionSpec condition : conditions) {
            if (condition != null) {
                condition.alternatives().forEach(terms -> terms.forEach(term -> acls.addAll(term.acls())));
            }
        }
        return acls;
    }

    /** Every {@code nbsrv(BACKEND)} names a backend of the file, as HAProxy requires. */
    private void countedBackends(Config config, RoutingConfig routing, List<HttpRequestRule> rules)
            throws ConfigException {
        List<AclSpec> acls = everyAcl(routing, rules);
        for (AclSpec acl : acls) {
            if (acl.fetch() == Fetch.NBSRV && config.backend(acl.header()).isEmpty()) {
                throw new ConfigException(file, acl.line(), "nbsrv(" + acl.header() + "): no backend named '"
                        + acl.header() + "'");
            }
        }
    }

    /** Whether some frontend sends connections to the backend of that name. */
    private static boolean routedTo(Config config, String backend) {
        for (FrontendConfig f : config.frontends()) {
            if (backend.equals(f.defaultBackend())
                    || f.routing().useBackends().stream().anyMatch(u -> u.backend().equals(backend))) {
                return true;
            }
        }
        return false;
    }

    /** The first line of several candidates, for one refusal at the earliest of them. */
    private static final class Earliest {
        int line = Integer.MAX_VALUE;
        String keyword;

        void offer(int candidateLine, String candidate) {
            if (candidateLine < line) {
                line = candidateLine;
                keyword = candidate;
            }
        }
    }

    /** Whether an ACL reads the HTTP request rather than the connection. */
    static boolean readsHttp(AclSpec acl) {
        return acl.fetch() == Fetch.PATH || acl.fetch() == Fetch.URL || acl.fetch() == Fetch.HDR
                || acl.fetch() == Fetch.HDR_CNT || acl.fetch() == Fetch.METHOD;
    }

    private static boolean readsHttp(ConditionSpec condition) {
        return reads(condition, ConfigValidator::readsHttp);
    }

    /** Whether any ACL of the condition (null: none) is one {@code fetches} names. */
    private static boolean reads(ConditionSpec condition, java.util.function.Predicate<AclSpec> fetches) {
        if (condition == null) {
            return false;
        }
        for (List<ConditionSpec.Term> alternative : condition.alternatives()) {
            for (ConditionSpec.Term term : alternative) {
                if (term.acls().stream().anyMatch(fetches)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A response Sluice gives itself must fit in one buffer with the rewrite reserve left free. */
    private void responses(Config config) throws ConfigException {
        int room = config.global().bufsize() - config.global().maxrewrite();
        List<ErrorFile> pages = new ArrayList<>();
        config.frontends().forEach(f -> pages.addAll(f.http().errorFiles()));
        config.backends().forEach(b -> pages.addAll(b.http().errorFiles()));
        for (ErrorFile page : pages) {
            // The connection: close line Sluice may insert counts too.
            int length = page.bytes().length + dev.sluice.http.HeadRewriter.CLOSE_LINE.length;
            if (length > room) {
                throw new ConfigException(page.file(), page.line(), "errorfile " + page.code() + ": the page takes "
                        + length + " bytes with the connection: close line Sluice may add, more than the " + room
                        + " that tune.bufsize - tune.maxrewrite leave for it");
            }
        }
        List<HttpRequestRule> rules = new ArrayList<>();
        config.frontends().forEach(f -> rules.addAll(f.http().httpRequestRules()));
        config.backends().forEach(b -> rules.addAll(b.http().httpRequestRules()));
        for (HttpRequestRule rule : rules) {
            if (rule.response() == null && rule.redirect() == null) {
                continue;
            }
            ReturnRule compiled = RuleCompiler.response(rule);
            int length = compiled.redirect() != null ? compiled.redirect().constantLength() : compiled.length();
            if (length > room) {
                throw new ConfigException(file, rule.line(), rule.keyword()
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
}
