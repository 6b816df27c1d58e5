package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bind options, option tcpka/clitcpka/srvtcpka, and "$VAR" in real addresses. */
class BindAndSocketOptionsTest {
    private static BindConfig bind(String options) throws ConfigException {
        return parse("frontend f\n bind [::]:80 " + options + "\n default_backend b\nbackend b\n"
                + " server s 127.0.0.1:1\n").frontends().get(0).binds().get(0);
    }

    @Test
    void bindOptionsAreReadIntoTheModel() throws ConfigException {
        BindConfig plain = bind("");
        assertEquals(BindConfig.Ipv6.SYSTEM_DEFAULT, plain.ipv6());
        assertFalse(plain.deferAccept() || plain.fastOpen() || plain.acceptProxy());
        assertEquals(BindConfig.Ipv6.V4_AND_V6, bind("v4v6").ipv6());
        assertEquals(BindConfig.Ipv6.V6_ONLY, bind("v6only").ipv6());
        // As in HAProxy, v6only is the stronger when both are given.
        assertEquals(BindConfig.Ipv6.V6_ONLY, bind("v4v6 v6only").ipv6());
        BindConfig tuned = bind("name web defer-accept tfo");
        assertEquals("web", tuned.name());
        assertTrue(tuned.deferAccept());
        assertTrue(tuned.fastOpen());
    }

    @Test
    void acceptProxyIsReadIntoTheBind() throws ConfigException {
        ConfigParser parser = new ConfigParser("t.cfg", 2);
        Config config = parser.read("frontend f\n"
                + " bind 127.0.0.1:80 accept-proxy\n bind 127.0.0.1:81\n default_backend b\nbackend b\n"
                + " server s 127.0.0.1:1\n");
        assertTrue(config.frontends().get(0).binds().get(0).acceptProxy());
        assertFalse(config.frontends().get(0).binds().get(1).acceptProxy());
    }

    @Test
    void aBindOptionWithoutItsValueIsRefused() {
        assertRefused("frontend f\n bind :80 name\n default_backend b\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:2: bind :80: 'name' needs a value: name <name>");
    }

    @Test
    void tcpkaSetsKeepAliveOnWhicheverSidesTheSectionHas() throws ConfigException {
        Config both = parse("defaults\n option tcpka\n" + ConfigParserTest.PROXIES);
        assertTrue(both.frontends().get(0).tcpKeepAlive());
        assertTrue(both.backends().get(0).tcpKeepAlive());
        Config client = parse("defaults\n option clitcpka\n" + ConfigParserTest.PROXIES);
        assertTrue(client.frontends().get(0).tcpKeepAlive());
        assertFalse(client.backends().get(0).tcpKeepAlive());
        Config server = parse(ConfigParserTest.PROXIES + " option srvtcpka\n");
        assertFalse(server.frontends().get(0).tcpKeepAlive());
        assertTrue(server.backends().get(0).tcpKeepAlive());
        Config cancelled = parse("defaults\n option tcpka\n" + ConfigParserTest.PROXIES + " no option srvtcpka\n");
        assertTrue(cancelled.frontends().get(0).tcpKeepAlive());
        assertFalse(cancelled.backends().get(0).tcpKeepAlive());
        Config listen = parse("listen l\n bind :80\n option tcpka\n server s 127.0.0.1:1\n");
        assertTrue(listen.frontends().get(0).tcpKeepAlive());
        assertTrue(listen.backends().get(0).tcpKeepAlive());
    }

    @Test
    void environmentVariablesExpandInAddressesAsHaproxyDoes() throws ConfigException {
        Config config = new ConfigParser("t.cfg", 2, java.net.InetAddress::getByName,
                Map.of("LISTEN", "127.0.0.1", "SERVERS", "s1 127.0.0.1:81 maxconn 3"))
                .read("""
                        frontend f
                            bind "${LISTEN}:8080"
                            bind "${UNSET-127.0.0.2}:8081"
                            default_backend b
                        backend b
                            server "${SERVERS[*]}"
                        """);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080), new InetSocketAddress("127.0.0.2", 8081)),
                config.frontends().get(0).binds().stream().map(BindConfig::address).toList());
        ServerConfig server = config.backends().get(0).servers().get(0);
        assertEquals("s1", server.name());
        assertEquals(3, server.maxconn());
    }
}
