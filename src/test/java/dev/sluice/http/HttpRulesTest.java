package dev.sluice.http;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.sluice.http.RuleRequests.acl;
import static dev.sluice.http.RuleRequests.get;
import static dev.sluice.http.RuleRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpRulesTest {
    private static final Acl API = acl(Fetch.PATH, null, AclMatch.BEG, false, "/api");
    private static final Acl STATIC_HOST = acl(Fetch.HDR, "host", AclMatch.STR, true, "static.example.com");
    private static final Acl HEALTH = acl(Fetch.PATH, null, AclMatch.STR, false, "/health");

    private static Condition when(Acl acl) {
        return new Condition.Builder().term(false, List.of(acl)).build(false);
    }

    private static final HttpRules ROUTING = HttpRules.builder()
            .useBackend("api", when(API))
            .useBackend("static", when(STATIC_HOST))
            .defaultBackend("web")
            .build();

    @Test
    void theFirstUseBackendWhoseConditionHoldsWinsElseTheDefault() {
        assertEquals(List.of("api", "static", "web"), ROUTING.backendNames());
        assertEquals(0, ROUTING.selectBackend(get("/api/x", "static.example.com")));
        assertEquals(1, ROUTING.selectBackend(get("/img/x", "STATIC.example.com")));
        assertEquals(2, ROUTING.selectBackend(get("/img/x", "www.example.com")));
    }

    @Test
    void withoutDefaultBackendARequestNoRuleTakesHasNoBackend() {
        HttpRules rules = HttpRules.builder().useBackend("api", when(API)).build();
        assertEquals(HttpRules.NO_BACKEND, rules.selectBackend(get("/", "h")));
        assertEquals(0, rules.selectBackend(get("/api", "h")));
        assertEquals(HttpRules.NO_BACKEND, HttpRules.NONE.selectBackend(get("/", "h")));
    }

    @Test
    void aBackendNamedTwiceGetsOneIndex() {
        HttpRules rules = HttpRules.builder().useBackend("a", when(API)).useBackend("b", when(HEALTH))
                .useBackend("a", Condition.always()).defaultBackend("b").build();
        assertEquals(List.of("a", "b"), rules.backendNames());
        assertEquals(0, rules.selectBackend(get("/x", "h")));
    }

    @Test
    void headerRulesReportEditsInOrderAndSetDeletesEveryOccurrenceFromTheLast() {
        HttpRules rules = HttpRules.builder()
                .headerRule(HeaderRule.set("X-Tag", "one"), Condition.always())
                .headerRule(HeaderRule.add("X-Api", "yes"), when(API))
                .headerRule(HeaderRule.delete("cookie"), Condition.always())
                .build();
        ParsedRequest request = request("192.0.2.7", "GET /api HTTP/1.1", "Host: h", "x-tag: a", "Cookie: c=1",
                "X-TAG: b");
        RuleRequests.RecordingEdits edits = new RuleRequests.RecordingEdits();
        assertNull(rules.applyRequestRules(request, edits));
        assertEquals(List.of("-3", "-1", "+X-Tag: one", "+X-Api: yes", "-2"), edits.edits);
    }

    @Test
    void aReturnWhoseConditionHoldsEndsTheRulesAndLaterRulesDoNotRun() {
        ReturnRule ok = ReturnRule.of(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII), List.of());
        HttpRules rules = HttpRules.builder()
                .headerRule(HeaderRule.add("X-Before", "1"), Condition.always())
                .returnRule(ok, when(HEALTH))
                .headerRule(HeaderRule.add("X-After", "1"), Condition.always())
                .build();
        RuleRequests.RecordingEdits edits = new RuleRequests.RecordingEdits();
        assertSame(ok, rules.applyRequestRules(get("/health", "h"), edits));
        assertEquals(List.of("+X-Before: 1"), edits.edits);

        edits.edits.clear();
        assertNull(rules.applyRequestRules(get("/health/x", "h"), edits));
        assertEquals(List.of("+X-Before: 1", "+X-After: 1"), edits.edits);
        assertEquals(3, rules.requestRuleCount());
    }

    @Test
    void aReturnedResponseIsEncodedOnceWithItsLengthAndFields() {
        ReturnRule rule = ReturnRule.of(200, "text/plain", "ok\n".getBytes(StandardCharsets.US_ASCII),
                List.of(Map.entry("Cache-Control", "no-store")));
        String text = new String(rule.bytes(), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n"
                + "Cache-Control: no-store\r\n\r\nok\n", text);
        assertEquals(text.indexOf("\r\n\r\n") + 2, rule.blankLineOffset());
        assertEquals(text.length() - 3, rule.bodyOffset());
        assertEquals(text.length(), rule.length());
        assertEquals(200, rule.status());
    }

    @Test
    void aResponseWithoutPayloadSaysContentLengthZeroAnd204SaysNoLengthAtAll() {
        assertEquals("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
                new String(ReturnRule.of(503, null, null, List.of()).bytes(), StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n",
                new String(ReturnRule.of(204, null, null, List.of()).bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void denyAnswersItsStatusAsPlainText() {
        assertEquals("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 14\r\n\r\n403 Forbidden\n",
                new String(ReturnRule.deny(403).bytes(), StandardCharsets.US_ASCII));
        assertEquals(429, ReturnRule.deny(429).status());
    }

    @Test
    void responsesThatCannotBeWrittenAreRefused() {
        byte[] body = {'x'};
        assertEquals("status must be from 200 to 599, got 101", refusal(() -> ReturnRule.of(101, null, null, List.of())));
        assertEquals("a 304 response has no payload", refusal(() -> ReturnRule.of(304, "text/plain", body, List.of())));
        assertEquals("a payload needs a content-type", refusal(() -> ReturnRule.of(200, null, body, List.of())));
        assertEquals("content-type needs a payload (string or file)",
                refusal(() -> ReturnRule.of(200, "text/plain", null, List.of())));
        assertEquals("hdr Content-Length cannot be set here",
                refusal(() -> ReturnRule.of(200, null, null, List.of(Map.entry("Content-Length", "1")))));
        assertEquals("a header value may not hold control characters such as CR or LF",
                refusal(() -> ReturnRule.of(200, null, null, List.of(Map.entry("X", "a\r\nInjected: 1")))));
        assertEquals("a header value may not hold control characters such as CR or LF",
                refusal(() -> HeaderRule.set("X", "a\nb")));
        assertEquals("'X Y' is not a valid header name", refusal(() -> HeaderRule.delete("X Y")));
    }

    private static String refusal(Runnable compile) {
        return assertThrows(IllegalArgumentException.class, compile::run).getMessage();
    }

    @Test
    void evaluatingRulesAllocatesNothing() {
        Condition anyOf = new Condition.Builder()
                .term(false, List.of(API)).term(true, List.of(acl(Fetch.SRC, null, AclMatch.IP, false, "10.0.0.0/8")))
                .or().term(false, List.of(STATIC_HOST)).or()
                .term(false, List.of(acl(Fetch.METHOD, null, AclMatch.STR, false, "POST", "GET"))).build(false);
        HttpRules rules = HttpRules.builder()
                .headerRule(HeaderRule.set("X-Forwarded-Proto", "http"), anyOf)
                .headerRule(HeaderRule.delete("Cookie"), Condition.always())
                .returnRule(ReturnRule.deny(403), when(acl(Fetch.PATH, null, AclMatch.SUB, true, "/ADMIN")))
                .useBackend("api", when(API)).useBackend("static", anyOf).defaultBackend("web").build();
        ParsedRequest request = request("192.0.2.7", "GET http://example.com/img/a.png?x=1 HTTP/1.1",
                "Host: www.example.com", "Cookie: a=1", "Accept: */*, text/html");
        HeaderEdits ignore = new HeaderEdits() {
            @Override
            public void delete(int header) {
            }

            @Override
            public void append(byte[] fieldLine) {
            }

            @Override
            public void replace(int start, int end, byte[] with, int offset, int length) {
            }
        };
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int sink = 0;
        // Warm up until the JIT has compiled the loop, then measure.
        for (int i = 0; i < 20_000; i++) {
            sink += rules.selectBackend(request) + (rules.applyRequestRules(request, ignore) == null ? 0 : 1);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            sink += rules.selectBackend(request) + (rules.applyRequestRules(request, ignore) == null ? 0 : 1);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(30_000, sink, "the GET goes to 'static' (index 1) and is not denied");
        assertTrue(allocated < 1024, "10000 evaluations allocated " + allocated + " bytes");
    }
}
