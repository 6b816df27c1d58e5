package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpRules;
import dev.sluice.http.MessageKind;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.ReturnRule;
import dev.sluice.net.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        assertEquals(true, names.containsAll(List.of("quickstart.cfg", "tcp-maxconn.cfg", "http.cfg")), names.toString());
    }

    /** The certificate path examples/tls.cfg stands for the operator's own with. */
    private static final String EXAMPLE_CERTIFICATE = "/etc/sluice/site.pem";

    @TempDir
    static Path certificates;

    /**
     * Each example as {@code bin/sluice -c} reads it; one that names the
     * stand-in certificate path reads a certificate made here in its place,
     * since its file is read with the configuration.
     */
    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplePassesTheCheck(Path file) throws Exception {
        String text = Files.readString(file);
        Config config;
        if (text.contains(EXAMPLE_CERTIFICATE)) {
            Path pem = certificates.resolve("site.pem");
            if (!Files.exists(pem)) {
                TestCertificates.write(certificates, "site", "localhost", "localhost");
            }
            config = ConfigParser.parse(file.toString(), text.replace(EXAMPLE_CERTIFICATE, pem.toString()));
            assertTrue(config.frontends().stream().flatMap(f -> f.binds().stream()).anyMatch(BindConfig::ssl),
                    file + " names a certificate but binds no ssl listener");
        } else {
            config = ConfigParser.parse(file);
        }
        assertFalse(config.frontends().isEmpty(), file + " declares no frontend");
    }

    @Test
    void quickstartAnswersHelloItselfAndForwardsTheRestTo8081() throws Exception {
        Config config = ConfigParser.parse(EXAMPLES.resolve("quickstart.cfg"));
        FrontendConfig frontend = config.frontends().get(0);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080)), frontend.binds().stream().map(BindConfig::address).toList());
        assertEquals(Mode.HTTP, frontend.mode());
        BackendConfig backend = config.backend(frontend.defaultBackend()).orElseThrow();
        assertEquals(1, backend.servers().size());
        assertEquals(new InetSocketAddress("127.0.0.1", 8081), backend.servers().get(0).address());
        assertEquals(10, backend.servers().get(0).maxconn());
        HttpRules rules = frontend.httpRules();
        ReturnRule hello = rules.applyRequestRules(request(config.global(), "GET /hello HTTP/1.1\nHost: x\n\n"), NO_EDITS);
        assertEquals(200, hello.status());
        assertNull(rules.applyRequestRules(request(config.global(), "GET / HTTP/1.1\nHost: x\n\n"), NO_EDITS));
    }

    /** Header edits that the quick start's rules must never ask for. */
    private static final HeaderEdits NO_EDITS = new HeaderEdits() {
        @Override
        public void delete(int header) {
            throw new AssertionError("unexpected delete");
        }

        @Override
        public void append(byte[] fieldLine) {
            throw new AssertionError("unexpected append");
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            throw new AssertionError("unexpected replace");
        }
    };

    /** Parses {@code head} as a request from 192.0.2.7, the way an HTTP session would before running the rules. */
    private static ParsedRequest request(Global global, String head) {
        BufferPool pool = new BufferPool(1, global.bufsize(), 0, System::nanoTime);
        Buffer buffer = pool.tryAllocate(Criticality.NORMAL);
        byte[] bytes = head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        buffer.append(bytes, 0, bytes.length);
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, global.httpLimits());
        assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(buffer));
        return new ParsedRequest().bind(buffer, parser, new byte[] {(byte) 192, 0, 2, 7});
    }

    @Test
    void httpAnswersHealthItselfAndRoutesByPathAndHost() throws Exception {
        Config config = ConfigParser.parse(EXAMPLES.resolve("http.cfg"));
        FrontendConfig frontend = config.frontends().get(0);
        assertEquals(Mode.HTTP, frontend.mode());
        assertEquals(true, frontend.http().forwardFor());
        HttpRules rules = frontend.httpRules();
        List<String> edits = new ArrayList<>();
        HeaderEdits recorder = new HeaderEdits() {
            @Override
            public void delete(int header) {
                edits.add("-" + header);
            }

            @Override
            public void append(byte[] fieldLine) {
                edits.add("+" + new String(fieldLine, StandardCharsets.US_ASCII));
            }

            @Override
            public void replace(int start, int end, byte[] with, int offset, int length) {
                edits.add("~" + new String(with, offset, length, StandardCharsets.US_ASCII));
            }
        };

        ReturnRule health = rules.applyRequestRules(request(config.global(), "GET /health HTTP/1.1\nHost: x\n\n"),
                recorder);
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok",
                new String(health.bytes(), StandardCharsets.US_ASCII));
        assertEquals(List.of(), edits);

        ParsedRequest api = request(config.global(), "GET /api/users HTTP/1.1\nHost: www.example.com\n\n");
        assertEquals(null, rules.applyRequestRules(api, recorder));
        assertEquals(List.of("+X-Forwarded-Proto: http"), edits);
        assertEquals("api", rules.backendNames().get(rules.selectBackend(api)));
        ParsedRequest host = request(config.global(), "GET /a HTTP/1.1\nHost: STATIC.example.com:8080\n\n");
        assertEquals("static", rules.backendNames().get(rules.selectBackend(host)));
        ParsedRequest css = request(config.global(), "GET /site.css HTTP/1.1\nHost: www.example.com\n\n");
        assertEquals("static", rules.backendNames().get(rules.selectBackend(css)));
        ParsedRequest other = request(config.global(), "GET /index.html HTTP/1.1\nHost: www.example.com\n\n");
        assertEquals("web", rules.backendNames().get(rules.selectBackend(other)));

        edits.clear();
        ParsedRequest withCookie = request(config.global(), "GET / HTTP/1.1\nHost: h\nCookie: a=1\n\n");
        config.backend("api").orElseThrow().httpRules().applyRequestRules(withCookie, recorder);
        assertEquals(List.of("-1"), edits);
    }

    @Test
    void tcpMaxconnUsesTheSmallestPoolTheCheckAccepts() throws Exception {
        Global global = ConfigParser.parse(EXAMPLES.resolve("tcp-maxconn.cfg")).global();
        assertEquals(Global.minimumBuffersLimit(global.nbthread(), global.buffersReserve()), global.buffersLimit());
        assertEquals(true, global.buffersReserve() >= 1);
    }
}
