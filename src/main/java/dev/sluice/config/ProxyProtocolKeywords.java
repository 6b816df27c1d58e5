package dev.sluice.config;

/**
 * The server options that make each new server connection start with a PROXY
 * protocol header naming the client: {@code send-proxy} (version 1, text) and
 * {@code send-proxy-v2} (version 2, binary), each undone by its {@code no-}
 * form. When both are given the last one wins, as one connection carries one
 * header.
 *
 * <p>Stateless; the tables it fills are built once.
 */
final class ProxyProtocolKeywords {
    private ProxyProtocolKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.server().add(new Keyword<>("send-proxy", "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (s, use) -> s.sendProxy = 1, (s, use) -> s.sendProxy = s.sendProxy == 1 ? 0 : s.sendProxy));
        keywords.server().add(new Keyword<>("send-proxy-v2", "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (s, use) -> s.sendProxy = 2, (s, use) -> s.sendProxy = s.sendProxy == 2 ? 0 : s.sendProxy));
    }
}
