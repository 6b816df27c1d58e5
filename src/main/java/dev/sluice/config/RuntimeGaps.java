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
        for (ProxySection backend : backends) {
            for (ServerConfig server : backend.servers) {
                // Its connections go to the client's port; a check has no client, so it needs a port of its own.
                if (server.target().port() == ServerAddress.Port.CLIENT_DESTINATION && server.check() != null
                        && server.check().port() == 0) {
                    diagnostics.error(new ConfigException(file, server.line(), "server " + server.name()
                            + ": a checked server whose address has no port (the port the client connected to)"
                            + " needs a port for its checks; add 'port N'"));
                }
            }
        }
    }
}
