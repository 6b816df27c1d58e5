package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.config.BackendConfig;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigParser;
import dev.sluice.config.FrontendConfig;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.MessageKind;
import dev.sluice.http.ParsedRequest;
import dev.sluice.session.RequestPolicy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request policy is a pure function of the request and the frontend: its
 * verdict, the backend it names and the edits it asks for are read off here
 * without a session, a loop or a connection.
 */
class RequestPolicyTest {
    private static final String FILE = String.join("\n",
            "defaults",
            "    mode http",
            "frontend front",
            "    bind 127.0.0.1:0",
            "    max-body-size 1000",
            "    http-request deny deny_status 403 if { path /forbidden }",
            "    http-request set-header X-Seen front",
            "    use_backend small if { hdr(host) -i small.example }",
            "    use_backend big if { hdr(host) -i big.example }",
            "backend small",
            "    max-body-size 100",
            "    http-request return status 200 content-type text/plain string ok if { path /ping }",
            "    server s 127.0.0.1:1",
            "backend big",
            "    server s 127.0.0.1:2",
            "");

    private final Map<String, Backend> backends = new HashMap<>();
    private final HttpFrontend frontend = frontend();
    private final RequestPolicy.Decision decision = new RequestPolicy.Decision();
    private final Recorder edits = new Recorder();
    private final BufferPool pool = new BufferPool(4, 4096, 1, () -> 0);

    private HttpFrontend frontend() {
        try {
            Config config = ConfigParser.parse("policy.cfg", FILE);
            Map<Backend, HttpFrontend.BackendPolicy> policies = new IdentityHashMap<>();
            for (BackendConfig b : config.backends()) {
                Backend backend = new Backend(b.name(), List.of(new Server("s", b.servers().get(0).address(), 0, 0)));
                backends.put(b.name(), backend);
                policies.put(backend, new HttpFrontend.BackendPolicy(SessionTimeouts.ofMillis(0, 0, 0, 0), true,
                        false, false, b.httpRules(), b.http().maxBodySize(), false));
            }
            FrontendConfig f = config.frontends().get(0);
            Backend[] targets = f.httpRules().backendNames().stream().map(backends::get).toArray(Backend[]::new);
            return new HttpFrontend(f.name(), HttpRouting.of(f.httpRules(), targets), f.httpRules(), 0,
                    HttpTimeouts.NONE, policies, LIMITS, false, false, f.http().maxBodySize(), new ConnectionLimit("f", 0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final HttpLimits LIMITS = HttpLimits.forBuffer(4096, 1024);

    /** Edits recorded, not applied: the policy only reports them. */
    private static final class Recorder implements RequestPolicy.Edits {
        final List<String> log = new ArrayList<>();
        boolean overflow;

        @Override
        public boolean overflowed() {
            return overflow;
        }

        @Override
        public void delete(int header) {
            log.add("delete " + header);
        }

        @Override
        public void append(byte[] fieldLine) {
            log.add("append " + new String(fieldLine, StandardCharsets.US_ASCII));
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            log.add("replace " + start + "," + end + " " + new String(with, offset, length, StandardCharsets.US_ASCII));
        }
    }

    private Verdict decide(String head) {
        Buffer b = pool.tryAllocate(Criticality.CRITICAL);
        byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
        b.append(bytes, 0, bytes.length);
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
        assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(b));
        try {
            return RequestPolicy.decide(frontend, new ParsedRequest().bind(b, parser, new byte[] {127, 0, 0, 1}),
                    parser.contentLength(), edits, decision);
        } finally {
            pool.release(b);
        }
    }

    @Test
    void aFrontendDenyAnswersBeforeAnyRouting() {
        assertEquals(Verdict.ANSWER, decide("GET /forbidden HTTP/1.1\r\nHost: small.example\r\n\r\n"));
        assertEquals(403, decision.answer().status());
        assertNull(decision.backend());
        assertEquals(List.of(), edits.log, "rules after the deny did not run");
    }

    @Test
    void theFirstMatchingUseBackendChoosesAndTheFrontendsEditsAreReported() {
        assertEquals(Verdict.BACKEND, decide("GET / HTTP/1.1\r\nHost: BIG.example\r\n\r\n"));
        assertSame(backends.get("big"), decision.backend());
        assertEquals(List.of("append X-Seen: front"), edits.log);
        assertEquals(1000, decision.bodyLimit(), "the frontend's limit, the backend has none");
    }

    @Test
    void noMatchAndNoDefaultBackendIsNoBackend() {
        assertEquals(Verdict.NO_BACKEND, decide("GET / HTTP/1.1\r\nHost: other.example\r\n\r\n"));
    }

    @Test
    void aBodyOverTheFrontendsLimitIsRefusedBeforeAnyRule() {
        assertEquals(Verdict.TOO_LARGE, decide("POST /forbidden HTTP/1.1\r\nHost: big.example\r\n"
                + "Content-Length: 1001\r\n\r\n"));
        assertEquals(1000, decision.bodyLimit());
        assertEquals(List.of(), edits.log);
    }

    @Test
    void aBodyOverTheChosenBackendsLimitIsRefusedWithThatLimit() {
        assertEquals(Verdict.TOO_LARGE, decide("POST / HTTP/1.1\r\nHost: small.example\r\nContent-Length: 101\r\n\r\n"));
        assertEquals(100, decision.bodyLimit());
        assertSame(backends.get("small"), decision.backend());
        assertEquals(Verdict.BACKEND, decide("POST / HTTP/1.1\r\nHost: small.example\r\nContent-Length: 100\r\n\r\n"));
        assertEquals(100, decision.bodyLimit(), "the smaller of the two limits holds a chunked body too");
    }

    @Test
    void theBackendsRulesRunAfterRoutingAndMayAnswer() {
        assertEquals(Verdict.ANSWER, decide("GET /ping HTTP/1.1\r\nHost: small.example\r\n\r\n"));
        assertEquals(200, decision.answer().status());
        assertSame(backends.get("small"), decision.backend());
    }

    @Test
    void editsThatOverflowTheHeadMakeTheRequestFail() {
        edits.overflow = true;
        assertEquals(Verdict.EDITS_OVERFLOWED, decide("GET / HTTP/1.1\r\nHost: big.example\r\n\r\n"));
    }
}
