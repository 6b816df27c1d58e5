package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code send-proxy}, {@code send-proxy-v2}, their {@code no-} forms, default-server, and the implicit check header. */
class SendProxyKeywordsTest {
    private static List<ServerConfig> servers(String backendLines) throws ConfigException {
        return parse("frontend f\n bind 127.0.0.1:8080\n default_backend b\nbackend b\n" + backendLines)
                .backends().get(0).servers();
    }

    @Test
    void eachOptionNamesItsVersionAndTheLastOneWins() throws Exception {
        List<ServerConfig> s = servers(" server a 127.0.0.1:1 send-proxy\n server b 127.0.0.1:2 send-proxy-v2\n"
                + " server c 127.0.0.1:3\n server d 127.0.0.1:4 send-proxy send-proxy-v2\n"
                + " server e 127.0.0.1:5 send-proxy-v2 send-proxy\n");
        assertEquals(List.of(1, 2, 0, 2, 1), s.stream().map(ServerConfig::sendProxy).toList());
    }

    @Test
    void defaultServerPassesItOnAndNoUndoesIt() throws Exception {
        List<ServerConfig> s = servers(" default-server send-proxy-v2\n server a 127.0.0.1:1\n"
                + " server b 127.0.0.1:2 no-send-proxy-v2\n server c 127.0.0.1:3 no-send-proxy\n");
        assertEquals(List.of(2, 0, 2), s.stream().map(ServerConfig::sendProxy).toList());
    }

    @Test
    void aCheckOfASendProxyServerSendsAHeaderUnlessItHasItsOwnPortOrAddress() throws Exception {
        List<ServerConfig> s = servers(" server a 127.0.0.1:1 send-proxy check\n"
                + " server b 127.0.0.1:2 send-proxy-v2 check port 9000\n"
                + " server c 127.0.0.1:3 send-proxy check addr 127.0.0.9\n"
                + " server d 127.0.0.1:4 send-proxy check port 9000 check-send-proxy\n"
                + " server e 127.0.0.1:5 check\n");
        assertTrue(s.get(0).check().sendProxy());
        assertFalse(s.get(1).check().sendProxy());
        assertFalse(s.get(2).check().sendProxy());
        assertTrue(s.get(3).check().sendProxy());
        assertFalse(s.get(4).check().sendProxy());
    }

    @Test
    void proxyV2OptionsIsRefusedWithItsReason() {
        assertRefused("frontend f\n bind 127.0.0.1:8080\n default_backend b\nbackend b\n"
                + " server a 127.0.0.1:1 send-proxy-v2 proxy-v2-options unique-id\n",
                "t.cfg:5: server a: 'proxy-v2-options' is not supported by Sluice: Sluice sends no TLV extensions"
                        + " in its PROXY version 2 header; remove the option");
    }
}
