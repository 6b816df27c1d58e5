package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunked bodies: the end is found at the same byte however the body is split, damaged or not. */
class ChunkedDecoderPropertyTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);
    private static final byte[] NEXT = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final Buffer buffer = TestBytes.newBuffer();
    private final ChunkedDecoder decoder = new ChunkedDecoder(MessageKind.REQUEST, LIMITS);

    /** The outcome of one body: how many bytes were the body, and how it ended. */
    record Outcome(int bodyBytes, boolean complete, HttpError error) {
    }

    private Outcome feedInPieces(byte[] body, List<Integer> cuts) {
        decoder.reset();
        TestBytes.load(buffer, 0, body);
        int total = 0;
        int from = 0;
        for (int k = 0; k <= cuts.size() && !decoder.isComplete(); k++) {
            int to = k < cuts.size() ? Math.max(from, Math.min(body.length, cuts.get(k) % (body.length + 1))) : body.length;
            int n = decoder.feed(buffer, from, to);
            if (n < 0) {
                return new Outcome(total, false, decoder.error());
            }
            total += n;
            from += n;
        }
        return new Outcome(total, decoder.isComplete(), decoder.error());
    }

    private Outcome feedByteByByte(byte[] body) {
        decoder.reset();
        TestBytes.load(buffer, 0, body);
        int total = 0;
        for (int i = 0; i < body.length && !decoder.isComplete(); i++) {
            int n = decoder.feed(buffer, i, i + 1);
            if (n < 0) {
                return new Outcome(total, false, decoder.error());
            }
            total += n;
        }
        return new Outcome(total, decoder.isComplete(), decoder.error());
    }

    @Property(tries = 500)
    void validBodyEndsExactlyAtItsLastByteHoweverItIsSplit(@ForAll("bodies") byte[] body, @ForAll("cuts") List<Integer> cuts) {
        byte[] withNext = concat(body, NEXT);

        Outcome whole = feedInPieces(withNext, List.of());
        Outcome pieces = feedInPieces(withNext, cuts);
        Outcome bytes = feedByteByByte(withNext);

        assertEquals(new Outcome(body.length, true, null), whole);
        assertEquals(whole, pieces);
        assertEquals(whole, bytes);
        assertNull(decoder.error());
    }

    @Property(tries = 1000)
    void damagedBodyEndsOrFailsAtTheSameByteFedWholeOrByteByByte(@ForAll("damagedBodies") byte[] body) {
        Outcome whole = feedInPieces(body, List.of());
        Outcome bytes = feedByteByByte(body);

        assertEquals(whole.complete(), bytes.complete());
        assertEquals(whole.error(), bytes.error());
        if (whole.error() == null) {
            assertEquals(whole.bodyBytes(), bytes.bodyBytes());
            assertTrue(whole.bodyBytes() <= body.length);
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 100_000).list().ofMaxSize(8).map(l -> l.stream().sorted().toList());
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<String> extension = Arbitraries.of("", ";a", ";a=b", " ; q=\"x y\"", ";x;y=1");
        Arbitrary<String> hexCase = Arbitraries.of("lower", "upper", "padded");
        Arbitrary<String> chunk = Combinators.combine(data, extension, hexCase).as((d, ext, hc) -> {
            String size = Integer.toHexString(d.length);
            size = switch (hc) {
                case "upper" -> size.toUpperCase();
                case "padded" -> "00" + size;
                default -> size;
            };
            return size + ext + "\r\n" + new String(d, StandardCharsets.ISO_8859_1) + "\r\n";
        });
        Arbitrary<String> trailer = Arbitraries.of("", "Expires: 0\r\n", "X-Checksum: abc\tdef\r\nX-B:\r\n");
        return Combinators.combine(chunk.list().ofMaxSize(6), extension, trailer)
                .as((chunks, lastExt, t) -> (String.join("", chunks) + "0" + lastExt + "\r\n" + t + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<byte[]> damagedBodies() {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 2), HttpHeadParserPropertyTest.damagingBytes().map(b -> b & 0xFF))
                .as((at, kind, b) -> new int[] {at, kind, b});
        return Combinators.combine(bodies(), edit.list().ofMinSize(1).ofMaxSize(3)).as((body, edits) -> {
            StringBuilder sb = new StringBuilder(new String(concat(body, NEXT), StandardCharsets.ISO_8859_1));
            for (int[] e : edits) {
                int at = e[0] % sb.length();
                switch (e[1]) {
                    case 0 -> sb.insert(at, (char) e[2]);
                    case 1 -> sb.setCharAt(at, (char) e[2]);
                    default -> sb.deleteCharAt(at);
                }
            }
            return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
