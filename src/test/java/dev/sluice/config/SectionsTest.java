package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** listen sections, named defaults, {@code from}, and default-server. */
class SectionsTest {
    // --- listen ---

    @Test
    void aListenSectionIsAFrontendAndABackendOfOneName() throws ConfigException {
        Config config = parse("""
                defaults
                    mode http
                    timeout client 5s
                    timeout server 6s
                listen web
                    bind 127.0.0.1:8080
                    maxconn 40
                    balance roundrobin
                    http-request set-header X-Via sluice
                    server a 127.0.0.1:81 maxconn 2
                """);
        FrontendConfig frontend = config.frontends().get(0);
        BackendConfig backend = config.backends().get(0);
        assertEquals("web", frontend.name());
        assertEquals("web", frontend.defaultBackend());
        assertEquals(40, frontend.maxconn());
        assertEquals(5000, frontend.timeouts().client());
        assertEquals("web", backend.name());
        assertEquals(6000, backend.timeouts().server());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 81)),
                backend.servers().stream().map(ServerConfig::address).toList());
        assertEquals(Mode.HTTP, backend.mode());
        assertTrue(backend.isOtherHalfOf(frontend));
        assertEquals(5, frontend.line());
    }

    @Test
    void aListenSectionsRulesRunOnceForItsOwnTrafficAndAsBackendRulesForAnotherFrontend() throws ConfigException {
        Config config = parse("""
                defaults
                    mode http
                listen web
                    bind :8080
                    http-request add-header X-Seen 1
                    server a 127.0.0.1:81
                frontend other
                    bind :8081
                    default_backend web
                """);
        FrontendConfig listen = config.frontends().get(0);
        FrontendConfig other = config.frontends().get(1);
        BackendConfig web = config.backends().get(0);
        assertEquals(1, listen.http().httpRequestRules().size());
        assertEquals(1, web.http().httpRequestRules().size());
        assertTrue(web.isOtherHalfOf(listen));
        assertFalse(web.isOtherHalfOf(other));
        assertEquals(1, listen.httpRules().requestRuleCount());
        assertEquals(0, web.httpRules(listen).requestRuleCount());
        assertEquals(1, web.httpRules(other).requestRuleCount());
    }

    @Test
    void aListenSectionWithADefaultBackendSendsItsTrafficThereAndNeedsNoServer() throws ConfigException {
        Config config = parse("listen edge\n bind :80\n default_backend app\nbackend app\n server s 127.0.0.1:1\n");
        assertEquals("app", config.frontends().get(0).defaultBackend());
        assertEquals(List.of(), config.backend("edge").orElseThrow().servers());
    }

    @Test
    void aListenAddressAfterTheNameIsABindLineWithAWarningThatHaproxyRefusesIt() throws ConfigException {
        Config config = parse("listen web 127.0.0.1:8080,127.0.0.1:8081\n server a 127.0.0.1:81\n");
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080), new InetSocketAddress("127.0.0.1", 8081)),
                config.frontends().get(0).binds().stream().map(BindConfig::address).toList());
        assertEquals(List.of("t.cfg:1: warning: listen web: an address after the name is Sluice's shorthand for a bind"
                + " line; HAProxy 2.6 refuses it, so write 'bind 127.0.0.1:8080,127.0.0.1:8081' to keep the file valid"
                + " for both"), config.warnings());
    }

    @Test
    void aListenNameClashesWithAFrontendOrABackendOfTheSameName() {
        assertRefused("backend web\n server a 127.0.0.1:1\nlisten web\n bind :80\n server b 127.0.0.1:2\n",
                "t.cfg:3: listen 'web' has the same name as backend 'web' (line 1)");
        assertRefused("frontend web\n bind :81\n default_backend b\nbackend b\n server a 127.0.0.1:1\n"
                + "listen web\n bind :80\n server b 127.0.0.1:2\n",
                "t.cfg:6: listen 'web' has the same name as frontend 'web' (line 1)");
        ConfigException e = assertThrows(ConfigException.class, () -> parse("listen web\n bind :80\n server a"
                + " 127.0.0.1:1\nlisten web\n bind :81\n server a 127.0.0.1:1\n"));
        assertEquals(List.of("t.cfg:4: listen 'web' has the same name as listen 'web' (line 1)"), e.messages());
    }

    @Test
    void aListenSectionWithoutServerOrDefaultBackendIsRefusedAsABackendWithoutServer() {
        assertRefused("listen web\n bind :80\n", "t.cfg:1: listen 'web' has no server line: every connection sent to"
                + " it would fail");
    }

    // --- named defaults and from ---

    @Test
    void aProxyTakesTheLastDefaultsSectionOrTheOneItNames() throws ConfigException {
        Config config = parse("""
                defaults base
                    mode http
                    timeout client 1s
                defaults tcp
                    timeout client 2s
                frontend implicit
                    bind :80
                    default_backend b
                frontend named from base
                    bind :81
                    default_backend b
                backend b from base
                    server s 127.0.0.1:1
                """);
        assertEquals(Mode.TCP, config.frontends().get(0).mode());
        assertEquals(2000, config.frontends().get(0).timeouts().client());
        assertEquals(Mode.HTTP, config.frontends().get(1).mode());
        assertEquals(1000, config.frontends().get(1).timeouts().client());
        assertEquals(Mode.HTTP, config.backends().get(0).mode());
    }

    @Test
    void aDefaultsSectionMayStartFromAnotherOne() throws ConfigException {
        Config config = parse("""
                defaults base
                    mode http
                    timeout client 1s
                defaults strict from base
                    timeout client 3s
                defaults from strict
                    timeout server 4s
                frontend f
                    bind :80
                    default_backend b
                backend b
                    server s 127.0.0.1:1
                """);
        assertEquals(Mode.HTTP, config.frontends().get(0).mode());
        assertEquals(3000, config.frontends().get(0).timeouts().client());
        assertEquals(4000, config.backends().get(0).timeouts().server());
    }

    @Test
    void aPlainDefaultsSectionStartsAgainFromTheBuiltInValues() throws ConfigException {
        Config config = parse("defaults\n mode http\ndefaults\n timeout client 1s\n" + ConfigParserTest.PROXIES);
        assertEquals(Mode.TCP, config.frontends().get(0).mode());
    }

    @Test
    void namingADefaultsSectionThatIsNotAboveOrIsAmbiguousIsRefused() {
        assertRefused(ConfigParserTest.PROXIES.replace("\nbackend b", "\nbackend b from later") + "defaults later\n",
                "t.cfg:4: backend 'b': no defaults section named 'later' above this line");
        assertRefused("defaults d\ndefaults d\n" + ConfigParserTest.PROXIES.replace("frontend f", "frontend f from d"),
                "t.cfg:3: frontend 'f': defaults section name 'd' is ambiguous (lines 1 and 2); give them distinct"
                        + " names");
    }

    @Test
    void usingOneDefaultsSectionByNameAndImplicitlyIsWarnedAboutAsHaproxyDoes() throws ConfigException {
        Config config = parse("defaults d\n mode tcp\nfrontend f from d\n bind :80\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n");
        assertEquals(List.of("t.cfg:6: warning: defaults section 'd' (line 1) is used by name by one proxy and"
                + " implicitly by another; HAProxy warns about this too: add a last defaults section that no proxy"
                + " names, or always name it"), config.warnings());
    }

    // --- default-server ---

    @Test
    void serversStartFromTheDefaultServerLinesAboveThem() throws ConfigException {
        BackendConfig backend = parse("""
                frontend f
                    bind :80
                    default_backend b
                backend b
                    server first 127.0.0.1:1
                    default-server maxconn 10 pool-max-conn 3
                    server second 127.0.0.1:2
                    default-server maxqueue 4
                    server third 127.0.0.1:3 maxconn 20
                """).backends().get(0);
        List<ServerConfig> s = backend.servers();
        assertEquals(List.of(0, 10, 20), s.stream().map(ServerConfig::maxconn).toList());
        assertEquals(List.of(0, 0, 4), s.stream().map(ServerConfig::maxqueue).toList());
        assertEquals(List.of(-1, 3, 3), s.stream().map(ServerConfig::poolMaxConn).toList());
    }

    @Test
    void aDefaultServerLineInDefaultsReachesEveryBackendBelow() throws ConfigException {
        Config config = parse("defaults\n default-server maxconn 7\n" + ConfigParserTest.PROXIES
                + "backend c\n default-server maxconn 8\n server s 127.0.0.1:2\n");
        assertEquals(7, config.backends().get(0).servers().get(0).maxconn());
        assertEquals(8, config.backends().get(1).servers().get(0).maxconn());
    }

    @Test
    void defaultServerIsRefusedInAFrontendAndItsOptionsAreChecked() {
        assertRefused("frontend f\n bind :80\n default-server maxconn 1\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n", "t.cfg:3: 'default-server' is not allowed in a frontend"
                + " section (it belongs in: defaults, listen, backend)");
        assertRefused("defaults\n default-server slowstart 1s\n" + ConfigParserTest.PROXIES, "t.cfg:2: default-server:"
                + " 'slowstart' is not supported by Sluice: Sluice gives a server that comes UP its whole weight at once");
    }

    // --- server addresses ---

    @Test
    void aServerAddressWithoutAPortIsAcceptedButItsCheckNeedsAPort() throws Exception {
        Config config = new ConfigParser("t.cfg", 2).read("frontend f\n bind :80\n"
                + " default_backend b\nbackend b\n server a 127.0.0.1\n server b 127.0.0.2:\n server c 127.0.0.3:+1000\n"
                + " server d [::1]\n server e 127.0.0.4:-10 check port 80\n");
        assertEquals(5, config.backends().get(0).servers().size());
        assertEquals(1000, config.backends().get(0).servers().get(2).target().portOffset());
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigParser("t.cfg", 2).read(
                "frontend f\n bind :80\n default_backend b\nbackend b\n server a 127.0.0.1 check\n"));
        assertEquals("t.cfg:5: server a: a checked server whose address has no port (the port the client connected"
                + " to) needs a port for its checks; add 'port N'", e.messages().get(0));
    }

    @Test
    void serverAddressesKeepHowTheirPortIsChosen() throws Exception {
        Invocation use = new Invocation("t.cfg", 1, "server", List.of());
        assertEquals(new ServerAddress(new InetSocketAddress("127.0.0.1", 0), ServerAddress.Port.CLIENT_DESTINATION,
                0), use.serverAddress("127.0.0.1"));
        assertEquals(new ServerAddress(new InetSocketAddress("127.0.0.1", 0), ServerAddress.Port.CLIENT_DESTINATION,
                -10), use.serverAddress("127.0.0.1:-10"));
        assertEquals(ServerAddress.fixed(new InetSocketAddress("::1", 8080)), use.serverAddress("[::1]:8080"));
        assertEquals(ServerAddress.Port.CLIENT_DESTINATION, use.serverAddress("[::1]").port());
        ConfigException e = assertThrows(ConfigException.class, () -> use.serverAddress("127.0.0.1:+70000"));
        assertEquals("t.cfg:1: server: a port offset is at most 65535, got '+70000' in '127.0.0.1:+70000'",
                e.getMessage());
    }

    @Test
    void hostNamesMayHoldUnderscoresAndResolveThroughTheResolverGiven() throws ConfigException {
        ConfigParser parser = new ConfigParser("t.cfg", 2, host -> {
            if (host.equals("web_1.internal")) {
                return java.net.InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7});
            }
            throw new java.net.UnknownHostException(host);
        }, java.util.Map.of());
        Config config = parser.read("frontend f\n bind :80\n default_backend b\nbackend b\n"
                + " server a web_1.internal:8080\n");
        assertEquals(new InetSocketAddress("10.0.0.7", 8080), config.backends().get(0).servers().get(0).address());
    }
}
