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
        BalanceKeywords.runtimeGaps(file, backends, diagnostics);
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
}
