package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layer-4 ACLs, tcp-request rules and use_backend in mode tcp: read into the
 * model with HAProxy's meaning, refused at their line until the runtime runs
 * them; and a mode tcp frontend may send its connections to a mode http backend.
 */
class TcpRoutingConfigTest {
    private static final String TCP_FRONTEND = """
            frontend f
                mode tcp
                bind :80
                tcp-request inspect-delay 5s
                acl local src 127.0.0.0/8
                acl to_api dst 10.0.0.1
                acl web dst_port 80 8000:8099
                tcp-request content reject if !local
                tcp-request connection accept if local
                use_backend api if to_api web
                default_backend b
            backend api
                server a 127.0.0.1:2
            backend b
                server s 127.0.0.1:1
            """;

    @Test
    void layerFourAclsTcpRequestRulesAndUseBackendInModeTcpAreValid() throws ConfigException {
        Config config = parse(TCP_FRONTEND);
        assertEquals(List.of("api", "b"), config.frontends().get(0).httpRules().backendNames());
        assertTrue(!config.frontends().get(0).tcpRequestRules().isEmpty());
    }

    @Test
    void theModelHoldsTheRulesInFileOrder() throws ConfigException {
        ProxySection section = readFrontend(TCP_FRONTEND);
        RoutingConfig routing = section.routing.build();
        assertEquals(5000, routing.inspectDelayMillis());
        assertEquals(new AclSpec("local", Fetch.SRC, null, AclMatch.IP, false, List.of("127.0.0.0/8"), 5),
                routing.acls().get(0));
        assertEquals(new AclSpec("web", Fetch.DST_PORT, null, AclMatch.INT, false, List.of("80", "8000:8099"), 7),
                routing.acls().get(2));
        TcpRequestRule reject = routing.tcpRequestRules().get(0);
        assertEquals(TcpRequestRule.Phase.CONTENT, reject.phase());
        assertEquals(TcpRequestRule.Action.REJECT, reject.action());
        assertTrue(reject.condition().alternatives().get(0).get(0).negated());
        assertEquals(TcpRequestRule.Phase.CONNECTION, routing.tcpRequestRules().get(1).phase());
        assertEquals(List.of("to_api", "web"), routing.useBackends().get(0).condition().alternatives().get(0).stream()
                .map(ConditionSpec.Term::name).toList());
    }

    @Test
    void theDstPortAclMatchesNumbersAndRanges() {
        dev.sluice.http.Acl acl = RuleCompiler.acl(new AclSpec("p", Fetch.DST_PORT, null, AclMatch.INT, false,
                List.of("80", "8000:8099", ":10", "60000:"), 1));
        assertTrue(acl.matchesNumber(80));
        assertTrue(acl.matchesNumber(8050));
        assertTrue(acl.matchesNumber(5));
        assertTrue(acl.matchesNumber(65000));
        assertFalse(acl.matchesNumber(81));
        assertFalse(acl.matchesNumber(8100));
    }

    @Test
    void anHttpFetchInModeTcpIsRefusedAndAnUnknownTcpActionIsNamed() {
        ConfigParserTest.assertRefused("frontend f\n bind :80\n tcp-request content accept if { path / }\n"
                + " default_backend b\nbackend b\n server s 127.0.0.1:1\n", "t.cfg:3: tcp-request content: a fetch of"
                + " its condition needs mode http, but frontend 'f' is in mode tcp (line 1)");
        ConfigParserTest.assertRefused("frontend f\n bind :80\n tcp-request content track-sc0 src\n"
                + " default_backend b\nbackend b\n server s 127.0.0.1:1\n", "t.cfg:3: tcp-request content:"
                + " 'track-sc0' is not supported by Sluice in tcp-request content rules: write 'tcp-request connection"
                + " track-sc0 src' (for the connection) or 'http-request track-sc0' (for each request)");
        ConfigParserTest.assertRefused("frontend f\n bind :80\n acl p dst_port 80_x\n"
                + " default_backend b\nbackend b\n server s 127.0.0.1:1\n", "t.cfg:3: acl: dst_port: expected a"
                + " number, a range LOW:HIGH or an operator (eq, ge, gt, le, lt) and a number, got '80_x'");
    }

    @Test
    void aModeTcpFrontendMayUseAModeHttpBackendAndTheModelSaysItIsUpgraded() throws ConfigException {
        Config config = parse("frontend f\n mode tcp\n bind :80\n default_backend web\n"
                + "frontend g\n bind :81\n default_backend raw\n"
                + "backend web\n mode http\n server s 127.0.0.1:1\nbackend raw\n server s 127.0.0.1:2\n");
        assertTrue(config.upgradesToHttp(config.frontends().get(0)));
        assertFalse(config.upgradesToHttp(config.frontends().get(1)));
    }

    @Test
    void sniRoutingReadsTheClientHelloInHaproxysBothSpellings() throws ConfigException {
        ProxySection section = readFrontend("""
                frontend f
                    mode tcp
                    bind :443
                    tcp-request inspect-delay 5s
                    tcp-request content accept if { req_ssl_hello_type 1 }
                    acl shop req.ssl_sni -i shop.test
                    acl api req_ssl_sni_end .api.test
                    acl long req.len gt 200
                    use_backend b if shop || api long REQ_CONTENT
                    default_backend b
                backend b
                    server s 127.0.0.1:1
                """);
        RoutingConfig routing = section.routing.build();
        assertEquals(5000, routing.inspectDelayMillis());
        assertEquals(new AclSpec("shop", Fetch.REQ_SSL_SNI, null, AclMatch.STR, true, List.of("shop.test"), 6),
                routing.acls().get(0));
        assertEquals(new AclSpec("api", Fetch.REQ_SSL_SNI, null, AclMatch.END, false, List.of(".api.test"), 7),
                routing.acls().get(1));
        assertEquals(Fetch.REQ_LEN, routing.acls().get(2).fetch());
        assertEquals(Fetch.REQ_SSL_HELLO_TYPE, routing.tcpRequestRules().get(0).condition().alternatives().get(0)
                .get(0).acls().get(0).fetch());
    }

    @Test
    void payloadFetchesAreRefusedInModeHttpAndInConnectionRules() {
        ConfigParserTest.assertRefused("frontend f\n mode http\n bind :80\n use_backend b if { req.ssl_sni a.test }\n"
                + " default_backend b\nbackend b\n mode http\n server s 127.0.0.1:1\n", "t.cfg:4: use_backend: a"
                + " payload fetch of its condition reads the client's bytes before any HTTP parsing, which Sluice does"
                + " in mode tcp only; frontend 'f' is in mode http (line 2)");
        ConfigParserTest.assertRefused("frontend f\n mode tcp\n bind :80\n tcp-request connection reject if"
                + " { req.len lt 1 }\n default_backend b\nbackend b\n server s 127.0.0.1:1\n", "t.cfg:4: tcp-request"
                + " connection runs before any byte is read, so a payload fetch (req.len, req.ssl_hello_type,"
                + " req.ssl_sni) never matches there; write it in a 'tcp-request content' rule, with"
                + " 'tcp-request inspect-delay'");
        ConfigParserTest.assertRefused("frontend f\n mode tcp\n bind :80\n tcp-request content accept if"
                + " { req_ssl_hello_type 1 }\n default_backend web\nbackend web\n mode http\n server s 127.0.0.1:1\n",
                "t.cfg:4: tcp-request content: a payload fetch of its condition reads the client's bytes before any HTTP"
                + " parsing, which Sluice does in mode tcp only; frontend 'f' sends its connections to a mode http"
                + " backend, which reads them as HTTP requests");
        ConfigParserTest.assertRefused("frontend f\n mode tcp\n bind :80\n acl t req.ssl_hello_type -i 1\n"
                + " default_backend b\nbackend b\n server s 127.0.0.1:1\n", "t.cfg:4: acl: req.ssl_hello_type: -i has"
                + " no meaning for req.ssl_hello_type");
    }

    /** Reads the file's first frontend section, so that the model can be looked at. */
    private static ProxySection readFrontend(String text) throws ConfigException {
        ConfigParser parser = new ConfigParser("t.cfg", 2);
        parser.read(text);
        return parser.frontendSections().get(0);
    }
}
