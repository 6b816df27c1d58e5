package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Chunk-size lines forwarded in canonical form: whatever the extensions, the
 * leading zeros, the case of the digits and however the bytes arrive, what
 * leaves is the same data framed as {@code hex CRLF}, with the trailers kept.
 */
class ChunkedCanonicalPropertyTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);

    /**
     * Feeds {@code body} as a channel would: bytes arrive in pieces at the end of
     * the buffer, what the decoder lets through leaves from the front.
     */
    private static String forward(String body, List<Integer> pieces) {
        Buffer b = TestBytes.newBuffer();
        ChunkedDecoder decoder = new ChunkedDecoder(MessageKind.REQUEST, LIMITS);
        byte[] in = TestBytes.bytes(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int sent = 0;
        int k = 0;
        while (!decoder.isComplete()) {
            int n = sent >= in.length ? 0 : Math.min(in.length - sent, 1 + pieces.get(k++ % pieces.size()));
            b.append(in, sent, n);
            sent += n;
            int passed = decoder.feedCanonical(b, b.readIndex(), b.writeIndex());
            assertTrue(passed >= 0, "refused: " + decoder.error());
            for (int i = 0; i < passed; i++) {
                out.write(b.get(b.readIndex() + i));
            }
            b.consumed(passed);
            if (n == 0 && passed == 0) {
                break;
            }
        }
        assertTrue(decoder.isComplete(), "incomplete after " + out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void oddSizeLinesBecomeCanonicalAndTheDataStays() {
        String body = "5;a=\"x\r\nhello\r\n0005\r\nworld\r\n1 ;x=y\r\n!\r\nA\r\n0123456789\r\n000;end\r\nX-T: t\r\n\r\n";
        assertEquals("5\r\nhello\r\n5\r\nworld\r\n1\r\n!\r\na\r\n0123456789\r\n0\r\nX-T: t\r\n\r\n",
                forward(body, List.of(1 << 20)));
    }

    @Test
    void canonicalLinesPassUntouched() {
        String body = "1f\r\n" + "x".repeat(31) + "\r\n0\r\n\r\n";
        assertEquals(body, forward(body, List.of(1 << 20)));
    }

    @Test
    void aSizeLineIsHeldBackUntilItsLineFeedArrives() {
        Buffer b = TestBytes.newBuffer();
        ChunkedDecoder decoder = new ChunkedDecoder(MessageKind.REQUEST, LIMITS);
        byte[] part = TestBytes.bytes("3\r\nabc\r\n0004;ext");
        b.append(part, 0, part.length);
        assertEquals(8, decoder.feedCanonical(b, 0, b.writeIndex()), "only the complete chunk may pass");
    }

    @Provide
    Arbitrary<String> sizeLines() {
        Arbitrary<String> zeros = Arbitraries.strings().withChars('0').ofMaxLength(3);
        Arbitrary<String> ext = Arbitraries.of("", ";a=b", ";a=\"x", " ;q", "\t;n=v;m", ";");
        return net.jqwik.api.Combinators.combine(zeros, Arbitraries.integers().between(1, 40),
                Arbitraries.of(true, false), ext).as((z, size, upper, e) -> {
                    String hex = Integer.toHexString(size);
                    return z + (upper ? hex.toUpperCase() : hex) + e + "\r\n" + "d".repeat(size) + "\r\n";
                });
    }

    @Property(tries = 300)
    void anySplitGivesTheCanonicalBodyOfTheSameData(@ForAll @Size(min = 1, max = 6) List<@net.jqwik.api.From("sizeLines") String> chunks,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 12) Integer> pieces) {
        String body = String.join("", chunks) + "0;last\r\nX-T: v\r\n\r\n";
        StringBuilder expected = new StringBuilder();
        for (String c : chunks) {
            String data = c.substring(c.indexOf('\n') + 1, c.length() - 2);
            expected.append(Integer.toHexString(data.length())).append("\r\n").append(data).append("\r\n");
        }
        expected.append("0\r\nX-T: v\r\n\r\n");
        assertEquals(expected.toString(), forward(body, pieces));
        assertEquals(expected.toString(), forward(body, List.of(1 << 20)));
    }
}
