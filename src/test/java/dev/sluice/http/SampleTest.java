package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sample expressions ({@code %[...]}, {@code set-var}): each fetch and
 * converter renders HAProxy's value from a real parsed request; header
 * templates render their line; variables keep their scope; and what Sluice
 * does not support is refused with a message naming it.
 */
class SampleTest {
    private final ParsedRequest request = RuleRequests.request("192.0.2.7", "GET /a/B?x=1&y=2 HTTP/1.1",
            "Host: Example.COM", "X-List: one, two ,three", "X-List: four", "Accept: */*");

    private String render(String expression, HttpRequestView r) {
        byte[] out = new byte[256];
        int n = Sample.parse(expression).render(r, r.addresses(), out, 0);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    private String render(String expression) {
        return render(expression, request);
    }

    @Test
    void eachFetchRendersWhatHaproxyRenders() {
        request.addresses().set(RuleRequests.address("192.0.2.7"), 51234, RuleRequests.address("198.51.100.1"), 443);
        assertEquals("192.0.2.7", render("src"));
        assertEquals("51234", render("src_port"));
        assertEquals("198.51.100.1", render("dst"));
        assertEquals("443", render("dst_port"));
        assertEquals("GET", render("method"));
        assertEquals("/a/B", render("path"));
        assertEquals("x=1&y=2", render("query"));
        assertEquals("/a/B?x=1&y=2", render("url"));
        assertEquals("Example.COM", render("req.hdr(host)"));
        assertEquals("0", render("ssl_fc"));
        assertEquals("", render("ssl_fc_sni"));
        assertEquals("fixed text", render("str(fixed text)"));
    }

    @Test
    void aHeaderFetchTakesOneCommaSeparatedValueTheLastByDefault() {
        assertEquals("four", render("req.hdr(x-list)"));
        assertEquals("four", render("hdr(X-List,-1)"));
        assertEquals("three", render("req.hdr(x-list,-2)"));
        assertEquals("one", render("req.hdr(x-list,1)"));
        assertEquals("two", render("req.hdr(x-list,2)"));
        assertEquals("", render("req.hdr(x-list,5)"));
        assertEquals("", render("req.hdr(x-missing)"));
        // fhdr: whole field values.
        assertEquals("four", render("req.fhdr(x-list)"));
        assertEquals("one, two ,three", render("req.fhdr(x-list,1)"));
    }

    @Test
    void convertersApplyInOrder() {
        assertEquals("example.com", render("req.hdr(host),lower"));
        assertEquals("/A/B", render("path,lower,upper"));
        assertEquals("6162C3BF", render("str(ab\u00ff),hex"), "str is UTF-8");
        assertEquals("YWJjZA==", render("str(abcd),base64"));
        assertEquals("YWJj", render("str(abc),base64"));
        assertEquals("59574A6A", render("str(abc),base64,hex"));
    }

    @Test
    void ipv6AddressesAreWrittenInTheirShortestForm() {
        String[][] cases = {{"2001:db8::1", "2001:db8::1"}, {"::1", "::1"}, {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"1::", "1::"}, {"::", "::"}};
        for (String[] c : cases) {
            ParsedRequest r = RuleRequests.request("", "GET / HTTP/1.1", "Host: h");
            r.addresses().set(RuleRequests.address(c[0]), 1, new byte[0], 0);
            assertEquals(c[1], render("src", r), c[0]);
        }
    }

    @Test
    void variablesKeepTheirScope() {
        Vars v = request.addresses().varsToSet();
        String txn = Vars.name("txn.host");
        String sess = Vars.name("sess.user");
        v.set(txn, "a");
        v.set(sess, "b");
        assertEquals("a", render("var(txn.host)"));
        request.addresses().requestArrived();
        assertEquals("", render("var(txn.host)"));
        assertEquals("b", render("var(sess.user)"));
        v.set(txn, "old");
        assertFalse(v.set(txn, "x".repeat(Vars.MAX_LENGTH)), "with sess.user's value, too long: not stored");
        assertEquals("old", v.get(txn));
        assertTrue(v.set(txn, "x".repeat(Vars.MAX_LENGTH - 1)), "just fits beside sess.user's one character");
        assertFalse(v.set(Vars.name("txn.more"), "y"), "nothing left for another");
        v.unset(txn);
        assertNull(v.get(txn));
        for (int i = 0; i < Vars.MAX - 1; i++) {
            assertTrue(v.set(Vars.name("txn.v" + i), "x"));
        }
        assertFalse(v.set(Vars.name("txn.one_too_many"), "x"));
    }

    @Test
    void setVarStoresTheRenderedValueAndAConditionReadsIt() {
        VarRule.set("txn.host", Sample.parse("req.hdr(host),lower")).apply(request, new RuleRequests.RecordingEdits());
        assertEquals("example.com", request.addresses().vars().get(Vars.name("txn.host")));
        Acl acl = Acl.compile(Fetch.VAR, "txn.host", AclMatch.END, false, List.of(".com"));
        assertTrue(acl.matches(request));
        VarRule.unset("txn.host").apply(request, new RuleRequests.RecordingEdits());
        assertFalse(acl.matches(request));
        // A fetch that finds nothing leaves the variable as it was.
        VarRule.set("txn.host", Sample.parse("str(kept)")).apply(request, new RuleRequests.RecordingEdits());
        VarRule.set("txn.host", Sample.parse("req.hdr(x-missing)")).apply(request, new RuleRequests.RecordingEdits());
        assertEquals("kept", request.addresses().vars().get(Vars.name("txn.host")));
    }

    @Test
    void aHeaderTemplateRendersItsLineAndReadsTheOldValueBeforeSetHeaderRemovesIt() {
        RuleRequests.RecordingEdits edits = new RuleRequests.RecordingEdits();
        HeaderRule.formatted(false, "X-List", "%[req.hdr(x-list,1)]+%[src] 100%%").apply(request, edits);
        assertEquals(List.of("-2", "-1", "+X-List: one+192.0.2.7 100%"), edits.edits);
        RuleRequests.RecordingEdits literal = new RuleRequests.RecordingEdits();
        HeaderRule.formatted(true, "X-Off", "50%% off").apply(request, literal);
        assertEquals(List.of("+X-Off: 50% off"), literal.edits);
    }

    @Test
    void whatSluiceDoesNotSupportIsRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sample.parse("ssl_c_sig_alg")).getMessage()
                .contains("sample fetch 'ssl_c_sig_alg' is not supported by Sluice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sample.parse("src,json")).getMessage()
                .contains("converter 'json' is not supported by Sluice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sample.parse("var(proc.x)")).getMessage()
                .contains("the proc scope"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldTemplate.parse("%ci")).getMessage()
                .contains("log-format variables other than %[...] and %{+Q}[...]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldTemplate.parse("%[src")).getMessage()
                .contains("missing ']'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sample.parse("req.hdr(host,0)")).getMessage()
                .contains("occurrence"));
        assertNull(FieldTemplate.parse("no expression, 100%%"));
    }
}
