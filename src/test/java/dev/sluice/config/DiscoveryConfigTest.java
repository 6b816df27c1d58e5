package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolvers section, the servers resolved at run time, and server-template, as HAProxy reads them. */
class DiscoveryConfigTest {
    private static final String FRONT = "frontend f\n bind 127.0.0.1:8080\n default_backend b\n";

    private static Config parse(String text) throws ConfigException {
        return ConfigParser.parse("t.cfg", text);
    }

    @Test
    void aResolversSectionTakesHaproxysKeywordsAndDefaults() throws ConfigException {
        Config c = parse("""
                resolvers dns
                    nameserver one 127.0.0.1:5353
                    nameserver two 127.0.0.2
                    resolve_retries 5
                    timeout retry 200ms
                    hold nx 2s
                    accepted_payload_size 4096
                resolvers other
                    nameserver a 10.0.0.1:53
                """ + FRONT + "backend b\n server s 127.0.0.1:1\n");
        ResolversConfig dns = c.resolvers("dns").orElseThrow();
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("127.0.0.2", 53)),
                dns.nameservers());
        assertEquals(5, dns.retries());
        assertEquals(200, dns.retryMillis());
        assertEquals(1_000, dns.resolveMillis());
        assertEquals(2_000, dns.holdNxMillis());
        assertEquals(30_000, dns.holdTimeoutMillis());
        assertEquals(10_000, dns.holdValidMillis());
        assertEquals(0, dns.holdObsoleteMillis());
        assertEquals(4096, dns.acceptedPayloadSize());
        assertEquals(2, c.resolvers().size());
    }

    @Test
    void aServerWithResolversKeepsItsHostNameAndStartsAsInitAddrSays() throws ConfigException {
        Config c = parse("resolvers dns\n nameserver one 127.0.0.1:5353\n" + FRONT + """
                backend b
                    server s1 web.invalid:8080 resolvers dns init-addr last,libc,none resolve-prefer ipv4
                    server s2 localhost:8081 resolvers dns
                    server s3 127.0.0.1:8082 resolvers dns
                """);
        ServerConfig s1 = c.backends().get(0).servers().get(0);
        assertEquals("web.invalid", s1.discovery().hostname());
        assertEquals("dns", s1.discovery().resolvers());
        assertFalse(s1.discovery().preferIpv6());
        assertTrue(s1.unresolved(), "web.invalid does not resolve: init-addr none starts it without an address");
        assertEquals(8080, s1.address().getPort());
        ServerConfig s2 = c.backends().get(0).servers().get(1);
        assertFalse(s2.unresolved(), "libc resolved localhost");
        assertEquals("localhost", s2.discovery().hostname());
        assertNull(c.backends().get(0).servers().get(2).discovery().hostname(), "an address needs no resolution");
    }

    @Test
    void aServerTemplateMakesItsServersFromOneName() throws ConfigException {
        Config c = parse("resolvers dns\n nameserver one 127.0.0.1:5353\n" + FRONT + """
                backend b
                    server-template web 3 web.test:80 resolvers dns maxconn 5
                    server-template srv 10-11 _http._tcp.svc.test resolvers dns
                """);
        List<ServerConfig> servers = c.backends().get(0).servers();
        assertEquals(List.of("web1", "web2", "web3", "srv10", "srv11"), servers.stream().map(ServerConfig::name)
                .toList());
        for (ServerConfig s : servers) {
            assertTrue(s.unresolved(), s.name());
        }
        assertEquals(5, servers.get(0).maxconn());
        assertEquals("web", servers.get(0).discovery().template());
        assertTrue(servers.get(3).discovery().srv());
        assertEquals("_http._tcp.svc.test", servers.get(4).discovery().hostname());
    }

    @Test
    void mistakesAreNamedWithTheirLine() {
        assertEquals("t.cfg:5: server s: no resolvers section named 'nowhere'",
                assertThrows(ConfigException.class, () -> parse(FRONT
                        + "backend b\n server s web.test:80 resolvers nowhere init-addr none\n")).getMessage());
        assertEquals("t.cfg:7: server-template: a server-template needs 'resolvers <section>': Sluice fills its"
                + " servers from DNS", assertThrows(ConfigException.class, () -> parse("resolvers dns\n nameserver a"
                + " 127.0.0.1:53\n" + FRONT + "backend b\n server-template w 2 web.test:80\n")).getMessage());
        String noPort = assertThrows(ConfigException.class, () -> parse("resolvers dns\n nameserver a 127.0.0.1:53\n"
                + FRONT + "backend b\n server s web.test resolvers dns init-addr none\n")).getMessage();
        assertTrue(noPort.startsWith("t.cfg:7: server: a server resolved at run time needs its port"), noPort);
        assertEquals("t.cfg:1: resolvers dns has no nameserver (nameserver NAME ADDRESS:PORT, or parse-resolv-conf)",
                assertThrows(ConfigException.class, () -> parse("resolvers dns\n timeout retry 1s\n" + FRONT
                        + "backend b\n server s 127.0.0.1:1\n")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> parse("resolvers dns\n nameserver a 127.0.0.1:53\n"
                + FRONT + "backend b\n server s web.invalid:80 resolvers dns init-addr libc\n")).getMessage()
                .contains("cannot resolve 'web.invalid' at start"));
    }
}
