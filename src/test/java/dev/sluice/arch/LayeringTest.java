package dev.sluice.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of DESIGN.md, kept true by a test:
 * {@code cli -> runtime/config/stats -> session/backend/http -> stick/log/net/loop -> buffer -> util},
 * nothing pointing upward and no cycle between packages; and the sans-I/O core
 * ({@code session}, {@code http}, {@code backend}, {@code buffer}) imports
 * nothing from {@code java.nio.channels}, so the simulator drives it unchanged.
 */
class LayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice");

    @Test
    void dependenciesPointDownTheLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.sluice.cli..")
                .layer("runtime").definedBy("dev.sluice.runtime..")
                .layer("config").definedBy("dev.sluice.config..")
                .layer("stats").definedBy("dev.sluice.stats..")
                .layer("session").definedBy("dev.sluice.session..")
                .layer("backend").definedBy("dev.sluice.backend..")
                .layer("http").definedBy("dev.sluice.http..")
                .layer("stick").definedBy("dev.sluice.stick..")
                .layer("log").definedBy("dev.sluice.log..")
                .layer("net").definedBy("dev.sluice.net..")
                .layer("loop").definedBy("dev.sluice.loop..")
                .layer("buffer").definedBy("dev.sluice.buffer..")
                .layer("util").definedBy("dev.sluice.util..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "runtime")
                .whereLayer("stats").mayOnlyBeAccessedByLayers("cli", "runtime")
                .whereLayer("session").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats")
                .whereLayer("backend").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "http")
                .whereLayer("http").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend")
                .whereLayer("stick").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend",
                        "http")
                .whereLayer("log").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend", "http")
                .whereLayer("net").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend", "http",
                        "log")
                .whereLayer("loop").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend", "http",
                        "log", "net")
                .whereLayer("buffer").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend",
                        "http", "stick", "log", "net", "loop")
                .whereLayer("util").mayOnlyBeAccessedByLayers("cli", "runtime", "config", "stats", "session", "backend", "http",
                        "stick", "log", "net", "loop", "buffer")
                .allowEmptyShould(true)
                .check(MAIN);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theSansIoCoreKnowsNothingOfNioChannels() {
        noClasses().that().resideInAnyPackage("dev.sluice.session..", "dev.sluice.http..", "dev.sluice.backend..",
                        "dev.sluice.buffer..")
                .should().dependOnClassesThat().resideInAPackage("java.nio.channels..")
                .because("sessions, analysers, backends and the pool talk to connections through small interfaces,"
                        + " so that the simulator runs the very same code")
                .check(MAIN);
    }
}
