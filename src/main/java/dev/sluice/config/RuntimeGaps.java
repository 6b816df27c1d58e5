package dev.sluice.config;

import java.util.List;

/**
 * Lines Sluice reads into its model, with HAProxy's meaning, but whose
 * behaviour the running proxy does not have yet. Each is refused here, naming
 * its line, so that nothing in a file is silently left out; the check of a
 * feature goes once the runtime does what the model says.
 *
 * <p>Stateless; used by {@link ConfigValidator} on the parser's thread.
 */
final class RuntimeGaps {
    private RuntimeGaps() {
    }

    static void check(String file, List<ProxySection> frontends, List<ProxySection> backends, Diagnostics diagnostics) {
        List<ProxySection> sections = new java.util.ArrayList<>(frontends);
        backends.stream().filter(b -> !sections.contains(b)).forEach(sections::add);
        for (ProxySection section : sections) {
            routing(file, section, diagnostics);
        }
        for (ProxySection frontend : frontends) {
            for (BindConfig bind : frontend.binds) {
                if (bind.acceptProxy()) {
                    diagnostics.error(new ConfigException(file, bind.line(), "bind "
                            + bind.address().getHostString() + ":" + bind.address().getPort() + ": accept-proxy is read, but Sluice does not parse the PROXY protocol yet"));
                }
            }
        }
        for (ProxySection backend : backends) {
            for (ServerConfig server : backend.servers) {
                if (server.target().port() == ServerAddress.Port.CLIENT_DESTINATION) {
                    diagnostics.error(new ConfigException(file, server.line(), "server " + server.name()
                            + ": an address without a port (the port the client connected to"
                            + (server.target().portOffset() == 0 ? "" : ", shifted by " + server.target().portOffset())
                            + ") is read, but Sluice does not connect that way yet; write the server's port"));
                }
            }
        }
    }

    /**
     * The routing rules Sluice reads but does not run yet: {@code tcp-request}
     * rules in either mode, {@code use_backend} in mode tcp (a connection goes to
     * its {@code default_backend}), and the {@code dst} and {@code dst_port}
     * fetches, which no session supplies yet.
     */
    private static void routing(String file, ProxySection section, Diagnostics diagnostics) {
        RoutingSettings routing = section.routing;
        for (TcpRequestRule rule : routing.tcpRequestRules) {
            diagnostics.error(new ConfigException(file, rule.line(), "tcp-request " + rule.phase().keyword() + " "
                    + rule.action().keyword() + " is read, but Sluice does not run tcp-request rules yet"));
        }
        if (section.mode == Mode.TCP) {
            for (UseBackend use : routing.useBackends) {
                diagnostics.error(new ConfigException(file, use.line(), "use_backend in mode tcp is read, but Sluice"
                        + " sends a mode tcp connection to its default_backend only, for now"));
            }
        }
        // Named ACLs, and the anonymous ones written inside conditions, each once.
        java.util.Set<AclSpec> acls = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        acls.addAll(routing.acls);
        routing.useBackends.forEach(use -> addAnonymous(use.condition(), acls));
        routing.tcpRequestRules.forEach(rule -> addAnonymous(rule.condition(), acls));
        section.http.httpRequestRules.forEach(rule -> addAnonymous(rule.condition(), acls));
        for (AclSpec acl : acls) {
            if (acl.fetch() == dev.sluice.http.Fetch.DST || acl.fetch() == dev.sluice.http.Fetch.DST_PORT) {
                diagnostics.error(new ConfigException(file, acl.line(), "acl " + acl.name() + ": fetch "
                        + acl.fetch().keyword() + " is read, but Sluice does not evaluate it yet"));
            }
        }
    }

    private static void addAnonymous(ConditionSpec condition, java.util.Set<AclSpec> acls) {
        if (condition != null) {
            condition.alternatives().forEach(terms -> terms.forEach(term -> {
                if (term.name().startsWith("{")) {
                    acls.addAll(term.acls());
                }
            }));
        }
    }
}
