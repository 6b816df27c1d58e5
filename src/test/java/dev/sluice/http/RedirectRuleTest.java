package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import org.junit.jupiter.api.Test;

/** The redirect a rule writes for a request, byte for byte, from a request parsed in a real buffer. */
class RedirectRuleTest {
    private static final RedirectRule.Options NONE = RedirectRule.Options.NONE;

    private static String write(RedirectRule rule, ParsedRequest request, boolean close) {
        Buffer out = new BufferPool(1, 4096, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
        int n = rule.write(out, request, close);
        assertEquals(rule.length(request, close), n, "length() tells what write() writes");
        assertEquals(n, out.readable());
        return TestBytes.text(out, out.readIndex(), out.writeIndex());
    }

    /** The value of the location field the rule writes for a GET of {@code target} with Host {@code host}. */
    private static String location(RedirectRule rule, String target, String host) {
        String reply = write(rule, host == null ? RuleRequests.request("192.0.2.7", "GET " + target + " HTTP/1.0")
                : RuleRequests.get(target, host), false);
        int at = reply.indexOf("\r\nlocation: ") + 12;
        return reply.substring(at, reply.indexOf("\r\n", at));
    }

    private static RedirectRule rule(RedirectRule.Kind kind, String value, RedirectRule.Options options) {
        return RedirectRule.of(kind, value, 302, options);
    }

    private static RedirectRule.Options options(boolean dropQuery, boolean keepQuery, boolean appendSlash) {
        return new RedirectRule.Options(dropQuery, keepQuery, appendSlash, null, null);
    }

    @Test
    void aLocationRedirectIsTheWholeReplyWithNoContent() {
        RedirectRule rule = RedirectRule.of(RedirectRule.Kind.LOCATION, "https://example.org/", 301, NONE);
        assertEquals("HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://example.org/\r\n\r\n",
                write(rule, RuleRequests.get("/a?b=1", "x"), false));
        assertEquals("HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://example.org/\r\n"
                + "connection: close\r\n\r\n", write(rule, RuleRequests.get("/a?b=1", "x"), true));
    }

    @Test
    void temporaryRedirectsAreNotCachedAndEachCodeHasItsReason() {
        String[][] expected = {{"301", "Moved Permanently", ""}, {"302", "Found", "cache-control: no-cache\r\n"},
            {"303", "See Other", "cache-control: no-cache\r\n"},
            {"307", "Temporary Redirect", "cache-control: no-cache\r\n"}, {"308", "Permanent Redirect", ""}};
        for (String[] e : expected) {
            RedirectRule rule = RedirectRule.of(RedirectRule.Kind.LOCATION, "/x", Integer.parseInt(e[0]), NONE);
            assertEquals("HTTP/1.1 " + e[0] + " " + e[1] + "\r\ncontent-length: 0\r\nlocation: /x\r\n" + e[2] + "\r\n",
                    write(rule, RuleRequests.get("/", "h"), false));
            assertEquals(Integer.parseInt(e[0]), rule.status());
        }
    }

    @Test
    void otherCodesAreRefused() {
        for (int code : new int[] {300, 304, 305, 306, 200, 404}) {
            assertThrows(IllegalArgumentException.class,
                    () -> RedirectRule.of(RedirectRule.Kind.LOCATION, "/x", code, NONE), "code " + code);
        }
    }

    @Test
    void aPrefixGoesBeforeThePathAndQuery() {
        RedirectRule rule = rule(RedirectRule.Kind.PREFIX, "https://new.example", NONE);
        assertEquals("https://new.example/a/b?c=1&d", location(rule, "/a/b?c=1&d", "old"));
        assertEquals("https://new.example/", location(rule, "/", "old"));
        // An absolute-form target: its path and query, not its scheme and authority.
        assertEquals("https://new.example/p?q", location(rule, "http://old.example/p?q", "old.example"));
        // No path (an absolute URI without one): "/" stands for it.
        assertEquals("https://new.example/", location(rule, "http://old.example", "old.example"));
    }

    @Test
    void aPrefixOfASlashKeepsTheTargetAsItWas() {
        RedirectRule rule = rule(RedirectRule.Kind.PREFIX, "/", options(false, false, true));
        assertEquals("/article/x/", location(rule, "/article/x", "h"));
        assertEquals("/article/x/", location(rule, "/article/x/", "h"));
    }

    @Test
    void dropQueryLeavesTheQueryOut() {
        RedirectRule rule = rule(RedirectRule.Kind.PREFIX, "http://h", options(true, false, false));
        assertEquals("http://h/login", location(rule, "/login?user=x", "h"));
        assertEquals("http://h/login", location(rule, "/login", "h"));
    }

    @Test
    void appendSlashAddsOneWhereTheLocationHasNone() {
        RedirectRule rule = rule(RedirectRule.Kind.PREFIX, "/", options(true, false, true));
        assertEquals("/article/", location(rule, "/article?x=1", "h"));
        assertEquals("/article/", location(rule, "/article/?x=1", "h"));
        // Without drop-query the slash goes at the very end, after the query, as in HAProxy.
        RedirectRule keeping = rule(RedirectRule.Kind.PREFIX, "/", options(false, false, true));
        assertEquals("/article?x=1/", location(keeping, "/article?x=1", "h"));
    }

    @Test
    void aSchemeRedirectKeepsTheHostAndTheTarget() {
        RedirectRule rule = rule(RedirectRule.Kind.SCHEME, "https", NONE);
        assertEquals("https://www.example.org:8443/a?b", location(rule, "/a?b", "www.example.org:8443"));
        assertEquals("https://h/", location(rule, "*", "h"));
        // Without a Host field (HTTP/1.0) the host is empty, as HAProxy writes it.
        assertEquals("https:///a", location(rule, "/a", null));
        RedirectRule dropping = rule(RedirectRule.Kind.SCHEME, "https", options(true, false, true));
        assertEquals("https://h/a/", location(dropping, "/a?b", "h"));
    }

    @Test
    void theHostFieldCountsWhateverItsCase() {
        RedirectRule rule = rule(RedirectRule.Kind.SCHEME, "https", NONE);
        ParsedRequest request = RuleRequests.request("192.0.2.7", "GET /p HTTP/1.1", "X-Host: no", "HOST:  yes  ");
        assertTrue(write(rule, request, false).contains("\r\nlocation: https://yes/p\r\n"));
    }

    @Test
    void keepQueryAddsTheRequestsQueryToALocation() {
        assertEquals("/new?a=1&b", location(rule(RedirectRule.Kind.LOCATION, "/new", options(false, true, false)),
                "/old?a=1&b", "h"));
        assertEquals("/new?x=2&a=1", location(rule(RedirectRule.Kind.LOCATION, "/new?x=2",
                options(false, true, false)), "/old?a=1", "h"));
        assertEquals("/new?a=1", location(rule(RedirectRule.Kind.LOCATION, "/new?", options(false, true, false)),
                "/old?a=1", "h"));
        assertEquals("/new", location(rule(RedirectRule.Kind.LOCATION, "/new", options(false, true, false)),
                "/old?", "h"));
        assertEquals("/new", location(rule(RedirectRule.Kind.LOCATION, "/new", options(false, true, false)),
                "/old", "h"));
        // Without keep-query a location ignores the request.
        assertEquals("/new", location(rule(RedirectRule.Kind.LOCATION, "/new", NONE), "/old?a=1", "h"));
        assertThrows(IllegalArgumentException.class,
                () -> rule(RedirectRule.Kind.PREFIX, "/p", options(false, true, false)));
    }

    @Test
    void aCookieIsSetOrCleared() {
        RedirectRule set = RedirectRule.of(RedirectRule.Kind.LOCATION, "/", 301,
                new RedirectRule.Options(false, false, false, "SEEN=1", null));
        assertEquals("HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /\r\n"
                + "set-cookie: SEEN=1; path=/;\r\n\r\n", write(set, RuleRequests.get("/", "h"), false));
        RedirectRule clear = RedirectRule.of(RedirectRule.Kind.LOCATION, "/", 301,
                new RedirectRule.Options(false, false, false, null, "USERID="));
        assertTrue(write(clear, RuleRequests.get("/", "h"), false)
                .contains("\r\nset-cookie: USERID=; path=/; Max-Age=0;\r\n"));
        assertThrows(IllegalArgumentException.class, () -> RedirectRule.of(RedirectRule.Kind.LOCATION, "/", 301,
                new RedirectRule.Options(false, false, false, "a=1; Secure", null)));
    }

    @Test
    void aValueThatWouldBreakTheHeadIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> rule(RedirectRule.Kind.LOCATION, "/a\r\nx: y", NONE));
        assertThrows(IllegalArgumentException.class, () -> rule(RedirectRule.Kind.LOCATION, "", NONE));
    }

    @Test
    void aReplyThatDoesNotFitWritesNothing() {
        RedirectRule rule = rule(RedirectRule.Kind.PREFIX, "https://new.example", NONE);
        ParsedRequest request = RuleRequests.get("/" + "a".repeat(200), "h");
        Buffer small = new BufferPool(1, 128, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
        assertTrue(rule.length(request, false) > 128);
        assertEquals(-1, rule.write(small, request, false));
        assertEquals(0, small.readable());
    }
}
