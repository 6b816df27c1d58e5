package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The ACLs and routing rules of one proxy section while the file is read;
 * {@link #build()} makes its {@link RoutingConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class RoutingSettings {
    /** {@code acl} lines, in file order; a condition may name only the ones above it. */
    final List<AclSpec> acls = new ArrayList<>();
    /** The names of {@code acl} lines that were refused, with the first such line, for the rules that use them. */
    final java.util.Map<String, Integer> refusedAcls = new java.util.HashMap<>();
    final List<UseBackend> useBackends = new ArrayList<>();
    final List<TcpRequestRule> tcpRequestRules = new ArrayList<>();
    long inspectDelayMillis;
    /** The section's {@code stick-table}, or null. */
    StickTableSpec stickTable;
    /** The {@code stick on|match|store-request} rules, in file order. */
    final List<StickRuleSpec> stickRules = new ArrayList<>();

    /** Takes what a defaults section may set: the inspect delay (rules and ACLs may not be in one). */
    void inherit(RoutingSettings defaults) {
        inspectDelayMillis = defaults.inspectDelayMillis;
    }

    /** Every {@code acl} line of that name declared so far, in file order. */
    List<AclSpec> aclsNamed(String aclName) {
        return acls.stream().filter(acl -> acl.name().equals(aclName)).toList();
    }

    RoutingConfig build() {
        return new RoutingConfig(acls, useBackends, tcpRequestRules, inspectDelayMillis, stickTable, stickRules);
    }
}
