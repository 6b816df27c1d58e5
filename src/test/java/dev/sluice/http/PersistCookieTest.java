package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading cookie pairs in place, the cacheability test of {@code nocache}, and the values a cookie may hold. */
class PersistCookieTest {
    private static List<String> pairs(String value, boolean setCookie) {
        Buffer b = TestBytes.newBuffer();
        byte[] bytes = TestBytes.bytes(value);
        b.append(bytes, 0, bytes.length);
        CookiePairs p = new CookiePairs();
        if (setCookie) {
            p.setCookie(b, 0, bytes.length);
        } else {
            p.cookie(b, 0, bytes.length);
        }
        List<String> out = new ArrayList<>();
        while (p.next()) {
            out.add(TestBytes.text(b, p.start(), p.end()) + "|" + TestBytes.text(b, p.valueStart(), p.valueEnd()));
        }
        b.pool().release(b);
        return out;
    }

    @Test
    void cookiePairsAreSplitAtSemicolonsAndCommasWithoutTheirBlanks() {
        assertEquals(List.of("a=1|1", "SRV = c2|c2", "flag|", "b=|"), pairs(" a=1;SRV = c2 ,, flag; b= ", false));
        assertEquals(List.of("id=x|x"), pairs("id=x; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/", true),
                "a Set-Cookie value holds one cookie; its attributes are not pairs, and a comma is not a separator");
    }

    private static boolean cacheable(String fields) {
        Buffer b = TestBytes.newBuffer();
        byte[] bytes = TestBytes.bytes("HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 0\r\n\r\n");
        b.append(bytes, 0, bytes.length);
        HttpHeadParser parser = new HttpHeadParser(MessageKind.RESPONSE, HttpLimits.forBuffer(TestBytes.BUFFER_SIZE, 1024));
        assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(b));
        boolean result = PersistCookie.cacheable(b, parser);
        b.pool().release(b);
        return result;
    }

    @Test
    void onlyAResponseThatSaysASharedCacheMayKeepItIsCacheable() {
        assertFalse(cacheable(""), "no directive: not taken as cacheable");
        assertTrue(cacheable("Cache-Control: max-age=60\r\n"));
        assertTrue(cacheable("cache-control: S-MAXAGE=5\r\n"));
        assertTrue(cacheable("Cache-Control: public\r\n"));
        assertFalse(cacheable("Cache-Control: public, private\r\n"));
        assertFalse(cacheable("Cache-Control: max-age=60\r\nCache-Control: no-store\r\n"));
        assertFalse(cacheable("Cache-Control: public, no-cache=\"set-cookie, x\"\r\n"));
        assertFalse(cacheable("Cache-Control: max-age=60\r\nPragma: no-cache\r\n"));
        assertTrue(cacheable("Cache-Control: public, x=\"private, no-store\"\r\n"), "quoted arguments are skipped");
    }

    @Test
    void namesValuesAndAttributesAreCheckedWhenTheFileIsRead() {
        assertThrows(IllegalArgumentException.class, () -> PersistCookie.checkName("a b"));
        assertThrows(IllegalArgumentException.class, () -> PersistCookie.checkName(""));
        assertThrows(IllegalArgumentException.class, () -> PersistCookie.checkValue("a;b"));
        assertThrows(IllegalArgumentException.class, () -> PersistCookie.checkValue("\"q\""));
        PersistCookie.checkValue("srv-1.a_b~");
        PersistCookie c = PersistCookie.compile("SRV", new PersistCookie.Options(PersistCookie.Mode.INSERT, false,
                false, false, false, false, true, List.of(), List.of("Max-Age=60")), List.of("a"));
        assertEquals("set-cookie: SRV=a; path=/; Secure; Max-Age=60",
                new String(c.insertLine("a"), StandardCharsets.US_ASCII));
        assertEquals("set-cookie: SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; Secure; Max-Age=60",
                new String(c.insertLine("unknown"), StandardCharsets.US_ASCII), "a value the file did not give");
    }
}
