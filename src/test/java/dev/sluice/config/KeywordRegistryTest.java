package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeywordRegistryTest {
    @Test
    void aProxyKeywordGoesIntoEveryTableOfItsPlacementAndNoOther() {
        KeywordRegistry registry = new KeywordRegistry();
        registry.proxies(Placement.BACKEND_AND_DEFAULTS).flag("option x", (p, use) -> p.smartConnect = true);
        registry.proxies(Placement.FRONTEND).flag("option y", (p, use) -> { });
        List<String> x = List.of("option", "x");
        List<String> y = List.of("option", "y");
        assertNotNull(registry.proxyTable(ProxySection.Kind.DEFAULTS).find(x));
        assertNotNull(registry.proxyTable(ProxySection.Kind.LISTEN).find(x));
        assertNotNull(registry.proxyTable(ProxySection.Kind.BACKEND).find(x));
        assertNull(registry.proxyTable(ProxySection.Kind.FRONTEND).find(x));
        assertNotNull(registry.proxyTable(ProxySection.Kind.FRONTEND).find(y));
        assertNotNull(registry.proxyTable(ProxySection.Kind.LISTEN).find(y));
        assertNull(registry.proxyTable(ProxySection.Kind.DEFAULTS).find(y));
        assertNull(registry.proxyTable(ProxySection.Kind.BACKEND).find(y));
    }

    @Test
    void twoFeaturesDeclaringOneKeywordIsAProgrammingError() {
        KeywordRegistry registry = new KeywordRegistry();
        registry.server().flag("check", (s, use) -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.server().flag("check", (s, use) -> { }));
        assertEquals("server: keyword 'check' declared twice", e.getMessage());
    }

    @Test
    void theHttpFeatureRegistersItsKeywordsIntoTheSharedTables() {
        assertEquals(Support.IMPLEMENTED, Keywords.FRONTEND.names().get("http-request deny"));
        assertEquals(Support.IMPLEMENTED, Keywords.BACKEND.names().get("http-reuse"));
        assertNull(Keywords.FRONTEND.names().get("http-reuse"));
        assertNull(Keywords.DEFAULTS.names().get("acl"));
    }
}
