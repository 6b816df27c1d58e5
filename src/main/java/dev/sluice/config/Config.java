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
