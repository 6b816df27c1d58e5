package dev.sluice.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.sluice.http.RuleRequests.get;
import static dev.sluice.http.RuleRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StartLineRuleTest {
    /** Records each replacement as "old=>new", the old bytes read from the parsed head. */
    private static final class Replacements implements HeaderEdits {
        final List<String> seen = new ArrayList<>();
        private final HttpRequestView head;

        Replacements(HttpRequestView head) {
            this.head = head;
        }

        @Override
        public void delete(int header) {
            seen.add("-" + header);
        }

        @Override
        public void append(byte[] fieldLine) {
            seen.add("+" + new String(fieldLine, StandardCharsets.UTF_8));
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            StringBuilder old = new StringBuilder();
            for (int i = start; i < end; i++) {
                old.append((char) head.buffer().get(i));
            }
            seen.add(old + "=>" + new String(with, offset, length, StandardCharsets.UTF_8));
        }
    }

    private static List<String> edits(StartLineRule rule, HttpRequestView head) {
        Replacements r = new Replacements(head);
        rule.apply(head, r);
        return r.seen;
    }

    @Test
    void setPathReplacesThePathAloneKeepingTheQueryAndAnAbsoluteTargetsAuthority() {
        StartLineRule rule = StartLineRule.set(StartLineRule.Part.PATH, "/new");
        assertEquals(List.of("/old/x=>/new"), edits(rule, get("/old/x?a=1", "h")));
        assertEquals(List.of("/p=>/new"), edits(rule, request("192.0.2.7", "GET http://h.example/p?q HTTP/1.1",
                "Host: h.example")));
        assertEquals(List.of("*=>/new"), edits(rule, request("192.0.2.7", "OPTIONS * HTTP/1.1", "Host: h")));
    }

    @Test
    void setQueryReplacesAfterTheFirstMarkAndAddsOneOnlyForAValue() {
        assertEquals(List.of("a=1?b=>x=2"),
                edits(StartLineRule.set(StartLineRule.Part.QUERY, "x=2"), get("/p?a=1?b", "h")));
        assertEquals(List.of("=>?x=2"), edits(StartLineRule.set(StartLineRule.Part.QUERY, "x=2"), get("/p", "h")));
        assertEquals(List.of(), edits(StartLineRule.set(StartLineRule.Part.QUERY, ""), get("/p", "h")));
        assertEquals(List.of("a=1=>"), edits(StartLineRule.set(StartLineRule.Part.QUERY, ""), get("/p?a=1", "h")),
                "an empty value keeps the question mark");
    }

    @Test
    void setUriAndSetMethodReplaceTheWholeTargetAndTheMethod() {
        assertEquals(List.of("/a?b=>/c"), edits(StartLineRule.set(StartLineRule.Part.URI, "/c"), get("/a?b", "h")));
        assertEquals(List.of("GET=>PURGE"), edits(StartLineRule.set(StartLineRule.Part.METHOD, "PURGE"),
                get("/", "h")));
    }

    @Test
    void valuesTheRequestLineCannotHoldAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StartLineRule.set(StartLineRule.Part.PATH, "/a b"));
        assertThrows(IllegalArgumentException.class, () -> StartLineRule.set(StartLineRule.Part.PATH, ""));
        assertThrows(IllegalArgumentException.class, () -> StartLineRule.set(StartLineRule.Part.URI, "/\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> StartLineRule.set(StartLineRule.Part.METHOD, "GE T"));
        assertEquals("a rule may not turn a request into CONNECT", assertThrows(IllegalArgumentException.class,
                () -> StartLineRule.set(StartLineRule.Part.METHOD, "CONNECT")).getMessage());
    }
}
