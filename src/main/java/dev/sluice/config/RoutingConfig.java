package dev.sluice.config;

import java.util.List;

/**
 * The ACLs of one frontend, listen or backend section, and the rules that use
 * them to route or filter connections in either mode: {@code use_backend} and
 * {@code tcp-request}. The {@code http-request} rules are in {@link HttpConfig}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param acls every {@code acl} line, in file order
 * @param useBackends every {@code use_backend} rule, in file order (a frontend's)
 * @param tcpRequestRules every {@code tcp-request connection|content} rule, in file order
 * @param inspectDelayMillis {@code tcp-request inspect-delay}: how long content rules may wait for data; 0 when
 *     not set
 * @param stickTable the section's {@code stick-table}, or null
 * @param stickRules every {@code stick on|match|store-request} rule, in file order (a backend's)
 */
public record RoutingConfig(List<AclSpec> acls, List<UseBackend> useBackends, List<TcpRequestRule> tcpRequestRules,
        long inspectDelayMillis, StickTableSpec stickTable, List<StickRuleSpec> stickRules) {
    /** No ACL and no rule. */
    public static final RoutingConfig NONE = new RoutingConfig(List.of(), List.of(), List.of(), 0, null);

    /** Without stick rules. */
    public RoutingConfig(List<AclSpec> acls, List<UseBackend> useBackends, List<TcpRequestRule> tcpRequestRules,
            long inspectDelayMillis, StickTableSpec stickTable) {
        this(acls, useBackends, tcpRequestRules, inspectDelayMillis, stickTable, List.of());
    }

    /** Without a stick table. */
    public RoutingConfig(List<AclSpec> acls, List<UseBackend> useBackends, List<TcpRequestRule> tcpRequestRules,
            long inspectDelayMillis) {
        this(acls, useBackends, tcpRequestRules, inspectDelayMillis, null);
    }

    public RoutingConfig {
        acls = List.copyOf(acls);
        useBackends = List.copyOf(useBackends);
        tcpRequestRules = List.copyOf(tcpRequestRules);
        stickRules = List.copyOf(stickRules);
        if (inspectDelayMillis < 0) {
            throw new IllegalArgumentException("inspect-delay must be >= 0 ms: " + inspectDelayMillis);
        }
    }
}
