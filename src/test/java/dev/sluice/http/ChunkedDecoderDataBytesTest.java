package dev.sluice.http;

import static dev.sluice.http.TestBytes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** {@link ChunkedDecoder#dataBytes()}: the decoded length a body limit is checked against. */
class ChunkedDecoderDataBytesTest {
    private static final HttpLimits LIMITS = new HttpLimits(256, 64, 8, 32, 64);

    private final Buffer buffer = TestBytes.newBuffer();
    private final ChunkedDecoder decoder = new ChunkedDecoder(MessageKind.REQUEST, LIMITS);

    @Test
    void countsChunkDataOnlyNotSizeLinesExtensionsOrTrailers() {
        String body = "5;ext=abcdef\r\nhello\r\n1A\r\n" + "x".repeat(26) + "\r\n0\r\nX-Trailer: 12345\r\n\r\n";
        TestBytes.load(buffer, 0, bytes(body));
        decoder.feed(buffer, 0, body.length());
        assertEquals(5 + 26, decoder.dataBytes());
    }

    @Test
    void aChunkCountsWholeOnceItsSizeLineEndsBeforeItsDataArrives() {
        String head = "3\r\nabc\r\n10\r";
        TestBytes.load(buffer, 0, bytes(head + "\n0123"));
        decoder.feed(buffer, 0, head.length());
        assertEquals(3, decoder.dataBytes(), "the size line is not complete yet");
        decoder.feed(buffer, head.length(), head.length() + 1);
        assertEquals(3 + 16, decoder.dataBytes());
        decoder.feed(buffer, head.length() + 1, head.length() + 5);
        assertEquals(3 + 16, decoder.dataBytes(), "the data of a counted chunk is not counted again");
    }

    @Test
    void resetStartsTheNextBodyFromZero() {
        String body = "4\r\nwiki\r\n0\r\n\r\n";
        TestBytes.load(buffer, 0, bytes(body));
        decoder.feed(buffer, 0, body.length());
        assertEquals(4, decoder.dataBytes());
        decoder.reset();
        assertEquals(0, decoder.dataBytes());
    }
}
