package dev.sluice.config;

import java.util.List;

/**
 * The configuration check of stick tables: every table a rule or a fetch
 * names is a section's {@code stick-table}, a tracked or stuck key fits its
 * table's type, and a fetch that reads data its table does not store is
 * warned of, since it never matches. Part of {@link ConfigValidator}, which
 * runs it for each proxy; its refusals and warnings go to the same
 * diagnostics.
 *
 * <p>Not thread-safe: used once, by the validator of one file.
 */
final class StickTableChecks {
    private final String file;
    private final Diagnostics diagnostics;

    StickTableChecks(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /**
     * Every table a {@code track-sc} rule, an {@code sc_*(N,TABLE)} or a
     * {@code src_*} fetch names is a section's {@code stick-table}, and a
     * tracked key fits its table: {@code src} an ip or ipv6 table,
     * {@code req.hdr(NAME)} a string table.
     */
    void check(Config config, ProxySection section, RoutingConfig routing, List<HttpRequestRule> rules)
            throws ConfigException {
        for (TcpRequestRule rule : routing.tcpRequestRules()) {
            if (rule.action() == TcpRequestRule.Action.TRACK) {
                trackedTable(config, section, rule.table(), null, rule.line(),
                        "tcp-request connection track-sc" + rule.counter());
            }
        }
        for (HttpRequestRule rule : rules) {
            if (rule.action() == HttpRequestRule.Action.TRACK) {
                trackedTable(config, section, rule.value(), rule.header(), rule.line(), rule.keyword());
            }
        }
        List<AclSpec> acls = ConfigValidator.everyAcl(routing, rules);
        for (AclSpec acl : acls) {
            if (!acl.fetch().readsTrackedCounter() && !acl.fetch().readsClientEntry()) {
                continue;
            }
            dev.sluice.http.Acl compiled = RuleCompiler.acl(acl);
            String table = compiled.stickTable();
            if (table == null) {
                unstoredByTracking(config, routing, rules, acl, compiled.counter());
                continue;
            }
            java.util.Optional<StickTableSpec> spec = config.stickTable(table);
            if (spec.isEmpty()) {
                throw new ConfigException(file, acl.line(), acl.fetch().keyword() + ": " + noTable(section, table)
                        + (acl.fetch().readsClientEntry() ? "; or name the section that has one, as in "
                        + acl.fetch().keyword() + "(NAME)" : ""));
            }
            if (acl.fetch().readsClientEntry() && spec.get().type() == dev.sluice.stick.StickTable.Type.STRING) {
                throw new ConfigException(file, acl.line(), acl.fetch().keyword() + " looks the client's address up,"
                        + " but the stick-table of '" + table + "' (line " + spec.get().line() + ") is of type string;"
                        + " name an ip or ipv6 table");
            }
            if (acl.fetch().stickData() != null && !spec.get().stored().containsKey(acl.fetch().stickData())) {
                diagnostics.warn(acl.line(), acl.fetch().keyword() + " reads " + acl.fetch().stickData().keyword()
                        + ", which the stick-table of '" + table + "' (line " + spec.get().line() + ") does not store:"
                        + " the ACL never matches; add it to the table's store list");
            }
        }
    }

    /**
     * An {@code sc_*(N)} fetch reads what counter N tracks: when every table
     * this section's rules track N in lacks the data, it never matches.
     */
    private void unstoredByTracking(Config config, RoutingConfig routing, List<HttpRequestRule> rules, AclSpec acl,
            int counter) {
        dev.sluice.stick.StickData data = acl.fetch().stickData();
        if (data == null) {
            return;
        }
        java.util.Set<String> tables = new java.util.LinkedHashSet<>();
        routing.tcpRequestRules().stream().filter(r -> r.action() == TcpRequestRule.Action.TRACK
                && r.counter() == counter).forEach(r -> tables.add(r.table()));
        rules.stream().filter(r -> r.action() == HttpRequestRule.Action.TRACK && r.counter() == counter)
                .forEach(r -> tables.add(r.value()));
        List<StickTableSpec> specs = tables.stream().map(config::stickTable).flatMap(java.util.Optional::stream)
                .toList();
        if (!specs.isEmpty() && specs.stream().noneMatch(t -> t.stored().containsKey(data))) {
            StickTableSpec t = specs.get(0);
            diagnostics.warn(acl.line(), acl.fetch().keyword() + " reads " + data.keyword() + ", which the"
                    + " stick-table of '" + t.name() + "' (line " + t.line() + ") does not store: the ACL never"
                    + " matches; add it to the table's store list");
        }
    }

    /**
     * The table a rule names exists and takes its key: {@code header} is the
     * string key's header name or pattern, null for {@code src}.
     */
    void trackedTable(Config config, ProxySection section, String table, String header, int line,
            String keyword) throws ConfigException {
        StickTableSpec spec = config.stickTable(table).orElseThrow(() -> new ConfigException(file, line, keyword
                + ": " + noTable(section, table) + "; or name the section that has one with 'table NAME'"));
        boolean stringKey = header != null;
        if (stringKey != (spec.type() == dev.sluice.stick.StickTable.Type.STRING)) {
            String key = header == null ? null : header.contains("(") ? header : "req.hdr(" + header + ")";
            throw new ConfigException(file, line, keyword + ": the key " + (stringKey ? key + " is"
                    + " a string" : "src is an address") + ", but the stick-table of '" + table + "' (line "
                    + spec.line() + ") is of type " + spec.type().keyword() + "; track " + (stringKey ? "it in a"
                    + " 'type string' table" : "it in a 'type ip' or 'type ipv6' table"));
        }
    }

    private static String noTable(ProxySection section, String table) {
        return (table.equals(section.name) ? section.describe() + " has no stick-table"
                : "no section named '" + table + "' has a stick-table")
                + "; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'";
    }
}
