package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.sluice.http.HttpHeadParser.Progress.COMPLETE;
import static dev.sluice.http.HttpHeadParser.Progress.NEED_MORE;
import static dev.sluice.http.HttpHeadParser.Progress.REJECTED;
import static dev.sluice.http.TestBytes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heads: valid ones round-trip through their offsets; damaged ones are refused by name and never smuggle. */
class HttpHeadParserPropertyTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);
    private static final Set<String> FRAMING_NAMES = Set.of("host", "content-length", "transfer-encoding", "connection");
    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final Buffer buffer = TestBytes.newBuffer();
    private final HttpHeadParser request = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
    private final HttpHeadParser response = new HttpHeadParser(MessageKind.RESPONSE, LIMITS);

    // ---- valid messages ----

    @Property(tries = 500)
    void validRequestRoundTripsThroughItsOffsets(@ForAll("requests") String head, @ForAll("prefixes") int prefix) {
        request.reset();
        TestBytes.load(buffer, prefix, bytes(head + "BODY"));

        assertEquals(COMPLETE, request.parse(buffer), head);

        assertEquals(head, TestBytes.reserialize(buffer, request));
        assertEquals(head.length(), request.headLength());
    }

    @Property(tries = 300)
    void validResponseRoundTripsThroughItsOffsets(@ForAll("responses") String head) {
        response.reset();
        TestBytes.load(buffer, 0, bytes(head));

        assertEquals(COMPLETE, response.parse(buffer), head);

        assertEquals(head, TestBytes.reserialize(buffer, response));
    }

    @Property(tries = 300)
    void headSplitAnywhereParsesLikeTheWholeHead(@ForAll("requests") String head, @ForAll("splits") List<Integer> cuts) {
        byte[] message = bytes(head);
        request.reset();
        buffer.consumed(buffer.readable());
        int from = 0;
        for (int cut : cuts) {
            int to = Math.min(message.length - 1, Math.max(from, cut % message.length));
            buffer.append(message, from, to - from);
            assertEquals(NEED_MORE, request.parse(buffer));
            from = to;
        }
        buffer.append(message, from, message.length - from);

        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(head, TestBytes.reserialize(buffer, request));
    }

    // ---- damaged messages ----

    @Property(tries = 1500)
    void damagedRequestIsEitherValidOrRefusedByNameAndNeverSmuggles(@ForAll("damagedRequests") byte[] message) {
        HttpHeadParser.Progress whole = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            request.reset();
            TestBytes.load(buffer, 3, message);
            return request.parse(buffer);
        });
        HttpError wholeError = request.error();
        int wholeLength = request.headLength();
        if (whole == COMPLETE) {
            assertNothingSmuggled(buffer, request);
        }
        if (whole == REJECTED) {
            assertNotNull(wholeError);
        }

        HttpHeadParser.Progress split = TestBytes.parseByteByByte(buffer, request, message);

        assertEquals(whole, split, "fed whole and fed byte by byte must agree");
        assertEquals(wholeError, request.error());
        assertEquals(wholeLength, request.headLength());
    }

    @Property(tries = 500)
    void damagedResponseIsEitherValidOrBadGateway(@ForAll("damagedResponses") byte[] message) {
        response.reset();
        TestBytes.load(buffer, 0, message);
        HttpHeadParser.Progress p = response.parse(buffer);
        if (p == REJECTED) {
            assertEquals(502, response.errorStatus());
        }
        if (p == COMPLETE) {
            assertNothingSmuggled(buffer, response);
        }
    }

    @Property(tries = 500)
    void messageWithBothLengthAndChunkedIsNeverAccepted(@ForAll("requests") String valid, @ForAll("lengthLines") String cl,
                                                        @ForAll("chunkedLines") String te, @ForAll boolean teFirst,
                                                        @ForAll("kinds") MessageKind kind) {
        String head = insertAfterStartLine(kind == MessageKind.REQUEST ? valid : "HTTP/1.1 200 OK\r\n\r\n",
                teFirst ? te + cl : cl + te);
        HttpHeadParser parser = new HttpHeadParser(kind, LIMITS);
        TestBytes.load(buffer, 0, bytes(head));

        assertEquals(REJECTED, parser.parse(buffer), head);
    }

    @Property(tries = 500)
    void twoDifferentContentLengthsAreNeverAccepted(@ForAll("requests") String valid,
                                                    @ForAll("lengths") long first, @ForAll("lengths") long second,
                                                    @ForAll boolean sameLine) {
        Assume.that(first != second);
        String lines = sameLine ? "Content-Length: " + first + ", " + second + "\r\n"
                : "Content-Length: " + first + "\r\ncontent-length: " + second + "\r\n";
        request.reset();
        TestBytes.load(buffer, 0, bytes(insertAfterStartLine(valid, lines)));

        assertEquals(REJECTED, request.parse(buffer));
    }

    /** Any letter case, any optional whitespace, other fields before: the spellings a filter might miss. */
    private static Arbitrary<String> framingLine(String name, String value) {
        Arbitrary<String> ows = Arbitraries.of("", " ", "\t", " \t ");
        return Combinators.combine(plainFields().list().ofMaxSize(2), randomCase(name), ows, randomCase(value), ows)
                .as((junk, n, before, v, after) -> String.join("", junk) + n + ":" + before + v + after + "\r\n");
    }

    private static Arbitrary<String> randomCase(String s) {
        return Arbitraries.of(true, false).list().ofSize(s.length()).map(upper -> {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                sb.append(upper.get(i) ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<String> lengthLines() {
        return framingLine("content-length", "5");
    }

    @Provide
    Arbitrary<String> chunkedLines() {
        return framingLine("transfer-encoding", "chunked");
    }

    @Provide
    Arbitrary<MessageKind> kinds() {
        return Arbitraries.of(MessageKind.class);
    }

    @Provide
    Arbitrary<Long> lengths() {
        return Arbitraries.longs().between(0, 1L << 40);
    }

    private static String insertAfterStartLine(String head, String lines) {
        int s = 0;
        while (head.startsWith("\r\n", s)) {
            s += 2;
        }
        int at = head.indexOf("\r\n", s) + 2;
        return head.substring(0, at) + lines + head.substring(at);
    }

    /**
     * An independent reading of an accepted head, with Strings: the smuggling
     * patterns must not be there, and the framing must agree with the fields.
     */
    private static void assertNothingSmuggled(Buffer buffer, HttpHeadParser parser) {
        String head = TestBytes.text(buffer, parser.startLineStart(), parser.headStart() + parser.headLength());
        String[] lines = head.substring(0, head.length() - 4).split("\r\n", -1);
        List<Long> lengths = new ArrayList<>();
        List<String> codings = new ArrayList<>();
        int hosts = 0;
        for (String line : lines) {
            assertFalse(line.contains("\r") || line.contains("\n"), "bare CR or LF accepted: " + head);
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            assertTrue(colon > 0, "field line without a name accepted: " + line);
            String name = line.substring(0, colon);
            assertFalse(name.contains(" ") || name.contains("\t"), "whitespace in a name accepted: " + line);
            String value = line.substring(colon + 1).strip();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    for (String v : value.split(",", -1)) {
                        lengths.add(Long.parseLong(v.strip()));
                    }
                }
                case "transfer-encoding" -> {
                    for (String c : value.split(",")) {
                        if (!c.isBlank()) {
                            codings.add(c.strip().toLowerCase(Locale.ROOT));
                        }
                    }
                }
                case "host" -> hosts++;
                default -> {
                }
            }
        }
        assertFalse(!lengths.isEmpty() && !codings.isEmpty(), "both Content-Length and Transfer-Encoding accepted: " + head);
        assertTrue(lengths.stream().distinct().count() <= 1, "differing Content-Length accepted: " + head);
        assertTrue(codings.isEmpty() || codings.equals(List.of("chunked")), "transfer codings accepted: " + codings);
        if (parser.kind() == MessageKind.REQUEST) {
            assertTrue(hosts == 1 || hosts == 0 && parser.minorVersion() == 0, "Host count " + hosts + " accepted: " + head);
        }
        BodyFraming framing = parser.bodyFraming();
        if (framing == BodyFraming.CHUNKED) {
            assertEquals(List.of("chunked"), codings);
        }
        if (framing == BodyFraming.CONTENT_LENGTH) {
            assertEquals(lengths.get(0), parser.contentLength());
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<Integer> prefixes() {
        return Arbitraries.integers().between(0, 64);
    }

    @Provide
    Arbitrary<List<Integer>> splits() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(6)
                .map(l -> l.stream().sorted().toList());
    }

    static Arbitrary<String> tokens() {
        return Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(12);
    }

    static Arbitrary<String> fieldValues() {
        Arbitrary<String> word = Arbitraries.strings()
                .withCharRange('!', '~').withCharRange('\u0080', '\u00ff')
                .ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> gap = Arbitraries.of(" ", "\t", "  ");
        return Combinators.combine(word.list().ofMaxSize(4), gap.list().ofSize(4)).as((words, gaps) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < words.size(); i++) {
                sb.append(i == 0 ? "" : gaps.get(i)).append(words.get(i));
            }
            return sb.toString();
        });
    }

    static Arbitrary<String> plainFields() {
        Arbitrary<String> name = tokens().filter(n -> !FRAMING_NAMES.contains(n.toLowerCase(Locale.ROOT)));
        return Combinators.combine(name, fieldValues()).as((n, v) -> n + ": " + v + "\r\n");
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> method = Arbitraries.oneOf(Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"), tokens());
        Arbitrary<String> target = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~%?=&-")
                .ofMaxLength(40).map(s -> "/" + s);
        Arbitrary<String> framing = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.longs().between(0, 1L << 40).map(n -> "Content-Length: " + n + "\r\n"),
                Arbitraries.just("Transfer-Encoding: chunked\r\n"),
                Arbitraries.of("Connection: close\r\n", "Connection: keep-alive, x-a\r\n"));
        return Combinators.combine(method, target, Arbitraries.integers().between(0, 1),
                plainFields().list().ofMaxSize(12), framing, Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 2))
                .as((m, t, minor, fields, frame, hostAt, leadingCrlf) -> {
                    List<String> all = new ArrayList<>(fields);
                    if (minor == 1) {
                        all.add(Math.min(hostAt, all.size()), "Host: example.com\r\n");
                        all.add(Math.min(hostAt / 2, all.size()), frame);
                    }
                    return "\r\n".repeat(leadingCrlf) + m + " " + t + " HTTP/1." + minor + "\r\n" + String.join("", all) + "\r\n";
                });
    }

    @Provide
    Arbitrary<String> responses() {
        Arbitrary<String> reason = Arbitraries.oneOf(Arbitraries.just(""), fieldValues());
        Arbitrary<String> framing = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.longs().between(0, 1L << 40).map(n -> "Content-Length: " + n + "\r\n"),
                Arbitraries.just("Transfer-Encoding: chunked\r\n"));
        return Combinators.combine(Arbitraries.integers().between(100, 599), reason,
                plainFields().list().ofMaxSize(12), framing, Arbitraries.integers().between(0, 1))
                .as((code, r, fields, frame, minor) -> "HTTP/1." + minor + " " + code + " " + r + "\r\n"
                        + frame.repeat(minor) + String.join("", fields) + "\r\n");
    }

    /** Bytes that tend to matter to a parser, plus any byte at all. */
    static Arbitrary<Byte> damagingBytes() {
        return Arbitraries.oneOf(
                Arbitraries.of((byte) '\r', (byte) '\n', (byte) ' ', (byte) '\t', (byte) ':', (byte) ',', (byte) 0,
                        (byte) 0x7f, (byte) 0xff, (byte) '"', (byte) '0', (byte) '9', (byte) 'a', (byte) ';'),
                Arbitraries.bytes());
    }

    /** Lines that smuggling attempts add, in the spellings parsers have disagreed on. */
    static Arbitrary<String> smugglingLines() {
        return Arbitraries.of(
                "Transfer-Encoding: chunked\r\n", "transfer-encoding:chunked\r\n", "Transfer-Encoding: xchunked\r\n",
                "Transfer-Encoding : chunked\r\n", "Transfer-Encoding:\tchunked\t\r\n", "Transfer-Encoding: chunked, identity\r\n",
                "Content-Length: 7\r\n", "Content-Length: 0\r\n", "content-length: 07\r\n", "Content-Length: 7, 8\r\n",
                "Host: other\r\n", " Transfer-Encoding: chunked\r\n", "Transfer-Encoding\r\n : chunked\r\n",
                "X: y\nTransfer-Encoding: chunked\r\n", "X: y\rContent-Length: 9\r\n");
    }

    static byte[] damage(String valid, List<Tuple.Tuple3<Integer, Integer, Byte>> edits, List<Tuple.Tuple2<Integer, String>> inserts) {
        StringBuilder sb = new StringBuilder(valid);
        for (Tuple.Tuple2<Integer, String> insert : inserts) {
            // Insert after a line end, so the added line is read as a field.
            int at = sb.indexOf("\r\n", insert.get1() % sb.length());
            sb.insert(at < 0 ? sb.length() : at + 2, insert.get2());
        }
        for (Tuple.Tuple3<Integer, Integer, Byte> e : edits) {
            int at = e.get1() % (sb.length() + 1);
            char c = (char) (e.get3() & 0xFF);
            switch (e.get2()) {
                case 0 -> sb.insert(at, c);
                case 1 -> {
                    if (at < sb.length()) {
                        sb.setCharAt(at, c);
                    }
                }
                default -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
            }
        }
        return bytes(sb.toString());
    }

    private Arbitrary<byte[]> damaged(Arbitrary<String> valid) {
        Arbitrary<Tuple.Tuple3<Integer, Integer, Byte>> edit = Combinators.combine(
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 2), damagingBytes()).as(Tuple::of);
        Arbitrary<Tuple.Tuple2<Integer, String>> insert = Combinators.combine(
                Arbitraries.integers().between(0, 10_000), smugglingLines()).as(Tuple::of);
        return Combinators.combine(valid, edit.list().ofMaxSize(4), insert.list().ofMaxSize(3)).as(HttpHeadParserPropertyTest::damage);
    }

    @Provide
    Arbitrary<byte[]> damagedRequests() {
        return damaged(requests());
    }

    @Provide
    Arbitrary<byte[]> damagedResponses() {
        return damaged(responses());
    }
}
