package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import org.junit.jupiter.api.Test;

import static dev.sluice.http.RuleRequests.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replace-* rules applied to a real head in a buffer, each edit written into it and the head reparsed. */
class ReplaceRuleTest {
    /** A head in a buffer of {@code capacity}, and edits that write into it as the session does. */
    private static final class Head implements HeaderEdits {
        final Buffer buffer;
        final HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, RuleRequests.LIMITS);
        final ParsedRequest view = new ParsedRequest();
        boolean overflowed;

        Head(int capacity, String... lines) {
            StringBuilder head = new StringBuilder();
            for (String line : lines) {
                head.append(line).append("\r\n");
            }
            buffer = new BufferPool(1, capacity, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
            TestBytes.load(buffer, 0, TestBytes.bytes(head.append("\r\n").toString()));
            assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(buffer));
            view.bind(buffer, parser, address("192.0.2.7"));
        }

        @Override
        public void delete(int header) {
            throw new AssertionError("a replace rule deletes nothing");
        }

        @Override
        public void append(byte[] fieldLine) {
            throw new AssertionError("a replace rule appends nothing");
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            int grow = length - (end - start);
            if (overflowed || buffer.writeIndex() + grow > buffer.capacity()) {
                overflowed = true;
                return;
            }
            buffer.shiftTail(end, end + grow);
            buffer.putAt(start, with, offset, length);
            assertTrue(parser.reparse(buffer));
        }

        String apply(ReplaceRule rule) {
            rule.apply(view, this);
            return TestBytes.text(buffer, parser.headStart(), parser.headStart() + parser.headLength());
        }
    }

    private static String head(String... lines) {
        StringBuilder head = new StringBuilder();
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    @Test
    void replaceHeaderRewritesEachFieldWhoseValueMatchesWholeValueBecomesTheTemplate() {
        Head h = new Head(4096, "GET / HTTP/1.1", "Host: h", "X-A: xabbby", "Other: abb", "x-a: none", "X-A: abb");
        ReplaceRule rule = ReplaceRule.compile(ReplaceRule.Part.HEADER, "X-A", "a(b+)", "z\\1");
        assertEquals(head("GET / HTTP/1.1", "Host: h", "X-A: zbbb", "Other: abb", "x-a: none", "X-A: zbb"),
                h.apply(rule), "found anywhere, the text around the match goes, as in HAProxy 2.6");
    }

    @Test
    void replaceValueRewritesEachCommaSeparatedValueAndJoinsThemWithABareComma() {
        Head h = new Head(4096, "GET / HTTP/1.1", "Host: h", "X-B: abb, xab ,  q", "X-B: q");
        ReplaceRule rule = ReplaceRule.compile(ReplaceRule.Part.VALUE, "x-b", "a(b+)", "z\\1");
        assertEquals(head("GET / HTTP/1.1", "Host: h", "X-B: zbb,zb,q", "X-B: q"), h.apply(rule),
                "a field with no matching value is left as it was");
    }

    @Test
    void replacePathKeepsTheQueryAndTheAuthorityAndPathqAndUriTakeMore() {
        ReplaceRule path = ReplaceRule.compile(ReplaceRule.Part.PATH, null, "^/foo(/.*)?$", "\\1");
        assertEquals(head("GET http://h.example/bar?q=/foo HTTP/1.1", "Host: h.example"),
                new Head(4096, "GET http://h.example/foo/bar?q=/foo HTTP/1.1", "Host: h.example").apply(path));
        assertEquals(head("GET /foox?a HTTP/1.1", "Host: h"),
                new Head(4096, "GET /foox?a HTTP/1.1", "Host: h").apply(path), "anchored: no match, no edit");
        ReplaceRule pathq = ReplaceRule.compile(ReplaceRule.Part.PATHQ, null, "^/a\\?(.*)$", "/b?\\1&c");
        assertEquals(head("GET /b?x=1&c HTTP/1.1", "Host: h"), new Head(4096, "GET /a?x=1 HTTP/1.1", "Host: h")
                .apply(pathq));
        ReplaceRule uri = ReplaceRule.compile(ReplaceRule.Part.URI, null, "^/(.*)", "/v2/\\0");
        assertEquals(head("GET /v2//x?y HTTP/1.1", "Host: h"), new Head(4096, "GET /x?y HTTP/1.1", "Host: h")
                .apply(uri), "\\0 is the whole match");
    }

    @Test
    void aReplacementThatOutgrowsTheBufferOverflowsAndLeavesTheHeadAlone() {
        Head h = new Head(1024, "GET / HTTP/1.1", "Host: h", "X-A: " + "a".repeat(300));
        String before = TestBytes.text(h.buffer, 0, h.buffer.writeIndex());
        ReplaceRule rule = ReplaceRule.compile(ReplaceRule.Part.HEADER, "X-A", "(a+)", "\\1\\1\\1\\1\\1");
        rule.apply(h.view, h);
        assertTrue(h.overflowed);
        assertEquals(before, TestBytes.text(h.buffer, 0, h.buffer.writeIndex()));
        Head fits = new Head(1024, "GET / HTTP/1.1", "Host: h", "X-A: " + "a".repeat(100));
        fits.apply(ReplaceRule.compile(ReplaceRule.Part.HEADER, "X-A", "(a+)", "\\1\\1"));
        assertFalse(fits.overflowed);
        assertEquals("a".repeat(200), TestBytes.text(fits.buffer, fits.parser.valueStart(1),
                fits.parser.valueEnd(1)));
    }

    @Test
    void badPatternsTemplatesAndValuesAreRefusedWithTheirReason() {
        IllegalArgumentException regex = assertThrows(IllegalArgumentException.class,
                () -> ReplaceRule.compile(ReplaceRule.Part.PATH, null, "(a", "x"));
        assertTrue(regex.getMessage().contains("'(a' is not a valid regular expression"), regex.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> ReplaceRule.compile(ReplaceRule.Part.HEADER, "X-A", "(a)(b)", "\\3"));
        assertTrue(group.getMessage().contains("refers to group \\3 but '(a)(b)' has 2 groups"), group.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ReplaceRule.compile(ReplaceRule.Part.PATH, null, "(.*)", "/a b\\1"));
        assertThrows(IllegalArgumentException.class,
                () -> ReplaceRule.compile(ReplaceRule.Part.HEADER, "X-A", "(.*)", "a\rb"));
        assertThrows(IllegalArgumentException.class,
                () -> ReplaceRule.compile(ReplaceRule.Part.HEADER, "X A", "(.*)", "a"));
    }
}
