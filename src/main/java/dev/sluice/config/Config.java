package dev.sluice.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and validated configuration file. Obtain one from
 * {@link ConfigParser#parse(Path)}; every instance it returns has passed the
 * configuration check.
 *
 * <p>Immutable; safe to share between threads.
 */
public record Config(Path file, Global global, List<FrontendConfig> frontends, List<BackendConfig> backends) {
    public Config {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(global, "global");
        frontends = List.copyOf(frontends);
        backends = List.copyOf(backends);
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
