package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.PersistCookie;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend's cookie line and the server's cookie option: what is read, inherited, refused and warned of. */
class CookieConfigTest {
    private static final String FRONT = "frontend f\n mode http\n bind :80\n default_backend b\n";

    private static BackendConfig backend(String lines, String server) throws ConfigException {
        return parse(FRONT + "backend b\n mode http\n" + lines + "\n server s 127.0.0.1:1 " + server + "\n")
                .backends().get(0);
    }

    private static String refusal(String lines, String server) {
        return assertThrows(ConfigException.class, () -> backend(lines, server)).getMessage();
    }

    @Test
    void theLineIsReadWithEveryOptionAndTheInsertedCookieCarriesThem() throws ConfigException {
        BackendConfig b = backend(" cookie SRV insert indirect nocache postonly preserve httponly secure"
                + " domain .a.example domain b.example attr SameSite=Lax", "cookie s1");
        PersistCookie.Options o = b.http().cookie().options();
        assertEquals(new PersistCookie.Options(PersistCookie.Mode.INSERT, true, true, true, true, true, true,
                List.of(".a.example", "b.example"), List.of("SameSite=Lax")), o);
        assertEquals("s1", b.servers().get(0).cookie());
        PersistCookie compiled = b.httpRules().persistCookie();
        assertEquals("set-cookie: SRV=s1; path=/; domain=.a.example; domain=b.example; HttpOnly; Secure;"
                + " SameSite=Lax", new String(compiled.insertLine("s1"), StandardCharsets.US_ASCII));
    }

    @Test
    void noModeRoutesOnlyAndDefaultsAndDefaultServerPassTheirsOn() throws ConfigException {
        assertEquals(PersistCookie.Mode.PASSIVE, backend(" cookie SRV", "").http().cookie().options().mode());
        Config c = parse("defaults\n mode http\n cookie JS prefix\n default-server cookie d\n" + FRONT
                + "backend b\n server s 127.0.0.1:1\n server t 127.0.0.1:2 cookie t\n");
        BackendConfig b = c.backends().get(0);
        assertEquals(PersistCookie.Mode.PREFIX, b.http().cookie().options().mode());
        assertEquals("d", b.servers().get(0).cookie());
        assertEquals("t", b.servers().get(1).cookie());
        assertNull(backend("", "").http().cookie());
        assertNull(backend("", "").httpRules().persistCookie());
    }

    @Test
    void whatHaproxyRefusesIsRefusedWithTheLineAndTheReason() {
        assertTrue(refusal(" cookie SRV insert prefix", "").endsWith("cookie modes 'rewrite', 'insert' and 'prefix'"
                + " exclude one another; give one"), refusal(" cookie SRV insert prefix", ""));
        assertTrue(refusal(" cookie SRV rewrite indirect", "").contains("'rewrite' and 'indirect' exclude"));
        assertTrue(refusal(" cookie SRV preserve", "").contains("'preserve' needs 'insert' or 'indirect'"));
        assertTrue(refusal(" cookie SRV insert domain", "").contains("'domain' needs a value"));
        assertTrue(refusal(" cookie SRV insert attr a;b", "").contains("may not hold ';'"));
        assertTrue(refusal(" cookie S;V insert", "").contains("is not a cookie name"));
        assertTrue(refusal(" cookie SRV insert maxidle 30m", "").contains("'maxidle' is not supported by Sluice"));
        assertTrue(refusal(" cookie SRV insert dynamic", "").contains("'dynamic' is not supported by Sluice"));
        assertTrue(refusal(" cookie SRV insert sometimes", "").contains("'sometimes' is not a cookie option"));
        assertTrue(refusal(" cookie SRV insert", "cookie a,b").contains("'a,b' is not a cookie value"));
        assertTrue(refusal(" cookie SRV insert", "cookie a,b").startsWith("t.cfg:"), "names the file");
        assertTrue(refusal(" option persist", "").contains("'option persist' is not supported by Sluice"));
    }

    @Test
    void inModeTcpTheCookieIsIgnoredWithAWarningAsHaproxyDoes() throws ConfigException {
        Config c = parse("frontend f\n mode tcp\n bind :80\n default_backend b\nbackend b\n mode tcp\n"
                + " cookie SRV insert\n server s 127.0.0.1:1 cookie a\n");
        assertEquals(List.of("t.cfg:7: warning: cookie needs mode http; backend 'b' is in mode tcp and ignores it,"
                + " as HAProxy does"), c.warnings());
        assertNotNull(c.backends().get(0).http().cookie());
        assertNull(c.backends().get(0).httpRules().persistCookie());
    }
}
