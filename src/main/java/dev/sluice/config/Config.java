package dev.sluice.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and validated configuration file. Obtain one from
 * {@link ConfigParser#parse(Path)}; every instance it returns has passed the
 * configuration check. {@link #warnings()} are the lines Sluice accepted but
 * their author may not expect to work as written, {@code FILE:LINE: warning: ...}
 * each, in line order.
 *
 * <p>Immutable; safe to share between threads.
 */
public record Config(Path file, Global global, List<FrontendConfig> frontends, List<BackendConfig> backends,
        ProcessConfig process, List<ResolversConfig> resolvers, List<String> warnings) {
    public Config {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(process, "process");
        resolvers = List.copyOf(resolvers);
        frontends = List.copyOf(frontends);
        backends = List.copyOf(backends);
        warnings = List.copyOf(warnings);
    }

    /**
     * Whether any frontend has a {@code bind} line. A file without one is valid
     * but starts nothing, and HAProxy refuses to start it: so does Sluice.
     */
    public boolean hasListener() {
        return frontends.stream().anyMatch(frontend -> !frontend.binds().isEmpty());
    }

    /**
     * Whether {@code frontend}, in mode tcp, sends its connections to a backend
     * in mode http: as in HAProxy, each connection then becomes an HTTP one at
     * that backend, which parses its requests and runs its rules.
     */
    public boolean upgradesToHttp(FrontendConfig frontend) {
        return frontend.mode() == Mode.TCP && frontend.defaultBackend() != null
                && backend(frontend.defaultBackend()).map(b -> b.mode() == Mode.HTTP).orElse(false);
    }

    /**
     * Every {@code stick-table}, each once (a listen section's is both its
     * frontend's and its backend's), in the file's order of sections.
     */
    public List<StickTableSpec> stickTables() {
        java.util.Map<String, StickTableSpec> tables = new java.util.LinkedHashMap<>();
        for (FrontendConfig f : frontends) {
            if (f.routing().stickTable() != null) {
                tables.putIfAbsent(f.name(), f.routing().stickTable());
            }
        }
        for (BackendConfig b : backends) {
            if (b.routing().stickTable() != null) {
                tables.putIfAbsent(b.name(), b.routing().stickTable());
            }
        }
        // A table a stick rule names keeps a server per entry (HAProxy's server_id), as HAProxy enables it.
        for (BackendConfig b : backends) {
            for (StickRuleSpec rule : b.routing().stickRules()) {
                tables.computeIfPresent(rule.table(), (name, spec) -> spec.withServerIds());
            }
        }
        return List.copyOf(tables.values());
    }

    /** The stick table of the section of that name, if it declares one. */
    public Optional<StickTableSpec> stickTable(String name) {
        return stickTables().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The resolvers section of that name, if the file declares one. */
    public Optional<ResolversConfig> resolvers(String name) {
        return resolvers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The backend of that name, if the file declares one. */
    public Optional<BackendConfig> backend(String name) {
        for (BackendConfig backend : backends) {
            if (backend.name().equals(name)) {
                return Optional.of(backend);
            }
        }
        return Optional.empty();
    }
}
