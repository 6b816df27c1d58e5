package dev.sluice.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.sluice.http.RuleRequests.acl;
import static dev.sluice.http.RuleRequests.get;
import static dev.sluice.http.RuleRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclTest {
    @ParameterizedTest(name = "{0} -> path {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "/|/",
        "/api/users?id=3|/api/users",
        "/a?b/c?d|/a",
        "/?x|/",
        "http://example.com/api/x?q|/api/x",
        "https://example.com:8443/p|/p",
        "http://example.com|NONE",
        "http://example.com?q=1|NONE",
        "*|NONE",
        "example.com:443|NONE",
    })
    void thePathIsTheTargetFromItsFirstSlashUpToTheQuery(String target, String path) {
        ParsedRequest request = request("192.0.2.7", "OPTIONS " + target + " HTTP/1.1", "Host: example.com");
        long range = Acl.pathRange(request.buffer(), request.targetStart(), request.targetEnd());
        if (path == null) {
            assertEquals(-1, range);
        } else {
            assertEquals(path, TestBytes.text(request.buffer(), (int) (range >>> 32), (int) range));
        }
    }

    @ParameterizedTest(name = "{0} {1} on {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "STR|/api|/api|true",
        "STR|/api|/api/|false",
        "STR|/api|/api?x=1|true",
        "BEG|/api|/api/users|true",
        "BEG|/api|/ap|false",
        "BEG|/api|/API/users|false",
        "END|.css|/s/site.css|true",
        "END|.css|/s/site.css?v=2|true",
        "END|.css|/s/site.js|false",
        "SUB|admin|/x/admin/y|true",
        "SUB|admin|/x/adm/y|false",
        "SUB|/|/|true",
    })
    void pathMatchesEachWay(AclMatch match, String value, String target, boolean expected) {
        assertEquals(expected, acl(Fetch.PATH, null, match, false, value).matches(get(target, "h")));
    }

    @Test
    void severalValuesAreAlternatives() {
        Acl acl = acl(Fetch.PATH, null, AclMatch.BEG, false, "/api", "/static", "/img");
        assertTrue(acl.matches(get("/static/a.png", "h")));
        assertTrue(acl.matches(get("/img", "h")));
        assertFalse(acl.matches(get("/other", "h")));
    }

    @Test
    void aTargetWithoutPathMatchesNoValue() {
        ParsedRequest asterisk = request("192.0.2.7", "OPTIONS * HTTP/1.1", "Host: h");
        assertFalse(acl(Fetch.PATH, null, AclMatch.SUB, false, "*").matches(asterisk));
        assertFalse(acl(Fetch.PATH, null, AclMatch.FOUND, false).matches(asterisk));
        assertTrue(acl(Fetch.PATH, null, AclMatch.FOUND, false).matches(get("/", "h")));
    }

    @Test
    void ignoreCaseFoldsAsciiLettersOnBothSides() {
        assertTrue(acl(Fetch.PATH, null, AclMatch.BEG, true, "/API").matches(get("/api/v1", "h")));
        assertTrue(acl(Fetch.PATH, null, AclMatch.BEG, true, "/api").matches(get("/Api/v1", "h")));
        assertFalse(acl(Fetch.PATH, null, AclMatch.BEG, false, "/api").matches(get("/Api/v1", "h")));
    }

    @Test
    void hostHeaderMatchesIgnoringTheNameCaseAndWithIgnoreCaseTheValueCase() {
        ParsedRequest request = request("192.0.2.7", "GET / HTTP/1.1", "hOsT: Example.COM");
        assertTrue(acl(Fetch.HDR, "Host", AclMatch.STR, true, "example.com").matches(request));
        assertFalse(acl(Fetch.HDR, "host", AclMatch.STR, false, "example.com").matches(request));
        assertTrue(acl(Fetch.HDR, "host", AclMatch.END, true, ".com").matches(request));
        assertTrue(acl(Fetch.HDR, "host", AclMatch.BEG, false, "Exa").matches(request));
        assertTrue(acl(Fetch.HDR, "host", AclMatch.SUB, true, "ample.c").matches(request));
    }

    @Test
    void headerValuesAreSplitOnCommasAndEveryOccurrenceIsTried() {
        ParsedRequest request = request("192.0.2.7", "GET / HTTP/1.1", "Host: h", "X-Tag: red , green",
                "Accept: */*", "X-Tag: blue");
        assertTrue(acl(Fetch.HDR, "x-tag", AclMatch.STR, false, "green").matches(request));
        assertTrue(acl(Fetch.HDR, "x-tag", AclMatch.STR, false, "red").matches(request));
        assertTrue(acl(Fetch.HDR, "x-tag", AclMatch.STR, false, "blue").matches(request));
        assertFalse(acl(Fetch.HDR, "x-tag", AclMatch.STR, false, "red , green").matches(request));
        assertFalse(acl(Fetch.HDR, "x-tag", AclMatch.STR, false, "yellow").matches(request));
    }

    @Test
    void foundTellsWhetherAHeaderIsPresentEvenEmpty() {
        ParsedRequest request = request("192.0.2.7", "GET / HTTP/1.1", "Host: h", "X-Empty:");
        assertTrue(acl(Fetch.HDR, "x-empty", AclMatch.FOUND, false).matches(request));
        assertFalse(acl(Fetch.HDR, "x-absent", AclMatch.FOUND, false).matches(request));
        assertFalse(acl(Fetch.HDR, "x-absent", AclMatch.SUB, false, "").matches(request));
    }

    @Test
    void methodIsCaseSensitiveUnlessIgnoreCase() {
        ParsedRequest post = request("192.0.2.7", "POST /x HTTP/1.1", "Host: h", "Content-Length: 0");
        ParsedRequest custom = request("192.0.2.7", "purge /x HTTP/1.1", "Host: h");
        assertTrue(acl(Fetch.METHOD, null, AclMatch.STR, false, "GET", "POST").matches(post));
        assertFalse(acl(Fetch.METHOD, null, AclMatch.STR, false, "post").matches(post));
        assertTrue(acl(Fetch.METHOD, null, AclMatch.STR, true, "post").matches(post));
        assertTrue(acl(Fetch.METHOD, null, AclMatch.STR, true, "PURGE").matches(custom));
        assertFalse(acl(Fetch.METHOD, null, AclMatch.STR, false, "PURGE").matches(custom));
    }

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "10.1.2.3|10.0.0.0/8|true",
        "11.1.2.3|10.0.0.0/8|false",
        "192.168.1.77|192.168.1.64/26|true",
        "192.168.1.128|192.168.1.64/26|false",
        "192.0.2.7|192.0.2.7|true",
        "192.0.2.8|192.0.2.7|false",
        "203.0.113.9|0.0.0.0/0|true",
        "::1|::1|true",
        "2001:db8::5|2001:db8::/32|true",
        "2001:db9::5|2001:db8::/32|false",
        "::ffff:10.9.8.7|10.0.0.0/8|true",
        "10.9.8.7|::ffff:10.0.0.0/104|true",
        "10.9.8.7|::/0|false",
        "::1|0.0.0.0/0|false",
    })
    void srcMatchesAddressesAndNetworks(String client, String network, boolean expected) {
        ParsedRequest request = request(client, "GET / HTTP/1.1", "Host: h");
        assertEquals(expected, acl(Fetch.SRC, null, AclMatch.IP, false, network).matches(request));
    }

    @Test
    void anIpv4ClientSeenAsAMappedIpv6AddressMatchesIpv4Networks() {
        ParsedRequest v4 = request("10.9.8.7", "GET / HTTP/1.1", "Host: h");
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(v4.clientAddress(), 0, mapped, 12, 4);
        ParsedRequest request = request("::1", "GET / HTTP/1.1", "Host: h");
        request.bind(request.buffer(), parserOf(request), mapped);
        assertTrue(acl(Fetch.SRC, null, AclMatch.IP, false, "10.9.0.0/16").matches(request));
        assertFalse(acl(Fetch.SRC, null, AclMatch.IP, false, "10.8.0.0/16").matches(request));
    }

    private static HttpHeadParser parserOf(ParsedRequest request) {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, RuleRequests.LIMITS);
        parser.parse(request.buffer());
        return parser;
    }

    @Test
    void srcWithoutAClientAddressMatchesNothing() {
        ParsedRequest request = request("", "GET / HTTP/1.1", "Host: h");
        assertFalse(acl(Fetch.SRC, null, AclMatch.IP, false, "0.0.0.0/0", "::/0").matches(request));
    }

    @Test
    void partsThatDoNotFitTogetherAreRefusedWithAMessageForTheUser() {
        assertEquals("hdr needs a header name, as in hdr(host)", refusal(Fetch.HDR, null, AclMatch.STR, "x"));
        assertEquals("path takes no argument in parentheses", refusal(Fetch.PATH, "x", AclMatch.STR, "x"));
        assertEquals("'a b' is not a valid header name", refusal(Fetch.HDR, "a b", AclMatch.STR, "x"));
        assertEquals("src matches addresses only (-m ip)", refusal(Fetch.SRC, null, AclMatch.BEG, "10."));
        assertEquals("-m ip applies to src and dst only", refusal(Fetch.PATH, null, AclMatch.IP, "/"));
        assertEquals("-m found takes no value, got '/x'", refusal(Fetch.PATH, null, AclMatch.FOUND, "/x"));
        assertEquals("needs at least one value to match", refusal(Fetch.PATH, null, AclMatch.BEG));
        assertEquals("expected an IPv4 or IPv6 address, got '10.1'", refusal(Fetch.SRC, null, AclMatch.IP, "10.1"));
        assertEquals("expected an IPv4 or IPv6 address, got 'example.com'",
                refusal(Fetch.SRC, null, AclMatch.IP, "example.com"));
        assertEquals("expected a prefix length from 0 to 32 in '10.0.0.0/33'",
                refusal(Fetch.SRC, null, AclMatch.IP, "10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Acl.compile(Fetch.SRC, null, AclMatch.IP, true,
                List.of("10.0.0.0/8")));
    }

    private static String refusal(Fetch fetch, String header, AclMatch match, String... values) {
        return assertThrows(IllegalArgumentException.class,
                () -> Acl.compile(fetch, header, match, false, List.of(values))).getMessage();
    }
}
