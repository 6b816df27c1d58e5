package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in examples/ passes the configuration check, as {@code bin/sluice -c} would run it. */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("examples");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".cfg")).sorted().toList();
        }
    }

    @Test
    void theExamplesDirectoryHoldsTheDocumentedExamples() throws IOException {
        List<String> names = examples().stream().map(p -> p.getFileName().toString()).toList();
        assertFalse(names.isEmpty());
        assertEquals(true, names.containsAll(List.of("quickstart.cfg", "tcp-maxconn.cfg")), names.toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplePassesTheCheck(Path file) throws Exception {
        Config config = ConfigParser.parse(file);
        assertFalse(config.frontends().isEmpty(), file + " declares no frontend");
    }

    @Test
    void quickstartRelaysTcpFrom8080ToOneServerOn8081() throws Exception {
        Config config = ConfigParser.parse(EXAMPLES.resolve("quickstart.cfg"));
        Frontend frontend = config.frontends().get(0);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080)), frontend.binds());
        assertEquals(Mode.TCP, frontend.mode());
        Backend backend = config.backend(frontend.defaultBackend()).orElseThrow();
        assertEquals(1, backend.servers().size());
        assertEquals(new InetSocketAddress("127.0.0.1", 8081), backend.servers().get(0).address());
        assertEquals(10, backend.servers().get(0).maxconn());
    }

    @Test
    void tcpMaxconnUsesTheSmallestPoolTheCheckAccepts() throws Exception {
        Global global = ConfigParser.parse(EXAMPLES.resolve("tcp-maxconn.cfg")).global();
        assertEquals(Global.minimumBuffersLimit(global.nbthread(), global.buffersReserve()), global.buffersLimit());
        assertEquals(true, global.buffersReserve() >= 1);
    }
}
