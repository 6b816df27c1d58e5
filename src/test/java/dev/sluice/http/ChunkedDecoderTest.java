package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.sluice.http.HttpError.*;
import static dev.sluice.http.TestBytes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ChunkedDecoderTest {
    private static final HttpLimits LIMITS = new HttpLimits(256, 64, 8, 32, 64);

    private final Buffer buffer = TestBytes.newBuffer();
    private final ChunkedDecoder decoder = new ChunkedDecoder(MessageKind.REQUEST, LIMITS);

    private int feedWhole(String body) {
        TestBytes.load(buffer, 5, bytes(body));
        return decoder.feed(buffer, buffer.readIndex(), buffer.writeIndex());
    }

    @Test
    void wholeBodyIsConsumedAndTheMessageEnds() {
        String body = "5\r\nhello\r\n1A\r\n" + "x".repeat(26) + "\r\n0\r\n\r\n";
        assertEquals(body.length(), feedWhole(body));
        assertTrue(decoder.isComplete());
        assertNull(decoder.error());
        assertEquals(body.length(), decoder.bodyBytes());
    }

    @Test
    void bytesAfterTheLastChunkBelongToTheNextMessage() {
        String body = "3\r\nabc\r\n0\r\n\r\n";
        assertEquals(body.length(), feedWhole(body + "GET / HTTP/1.1\r\n"));
        assertTrue(decoder.isComplete());
    }

    @Test
    void extensionsAndTrailersAreWalkedOver() {
        String body = "4 ; name=\"v a\" ;x\r\nwiki\r\n0;last\r\nExpires: never\r\nX-Sum:\tabc\r\n\r\n";
        assertEquals(body.length(), feedWhole(body));
        assertTrue(decoder.isComplete());
    }

    @Test
    void partialBodyIsAllConsumedAndNotComplete() {
        String body = "10\r\n0123456789";
        assertEquals(body.length(), feedWhole(body));
        assertFalse(decoder.isComplete());
        assertNull(decoder.error());
    }

    @Test
    void bodyFedByteByByteEndsAtTheSameByteAsFedWhole() {
        String body = "5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\nNEXT";
        byte[] b = bytes(body);
        TestBytes.load(buffer, 0, b);
        int total = 0;
        for (int i = 0; i < b.length && !decoder.isComplete(); i++) {
            total += decoder.feed(buffer, i, i + 1);
        }
        assertTrue(decoder.isComplete());
        assertEquals(body.length() - "NEXT".length(), total);
    }

    @Test
    void largestChunkSizeIsAccepted() {
        assertEquals(20, feedWhole("4000000000000000\r\nab"));
        assertNull(decoder.error());
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                arguments("x\r\n", BAD_CHUNK_SIZE),
                arguments("\r\n", BAD_CHUNK_SIZE),
                arguments("-1\r\n", BAD_CHUNK_SIZE),
                arguments("0x5\r\n", BAD_CHUNK_SIZE),
                arguments("5 \r\nhello\r\n", BAD_CHUNK_SIZE),
                arguments(" 5\r\nhello\r\n", BAD_CHUNK_SIZE),
                arguments("5;a\u0000b\r\nhello\r\n", BAD_CHUNK_SIZE),
                arguments("5;ext\nhello\r\n", BAD_CHUNK_SIZE),
                arguments("4000000000000001\r\n", CHUNK_SIZE_OVERFLOW),
                arguments("10000000000000000\r\n", CHUNK_SIZE_OVERFLOW),
                arguments("5\nhello\r\n", BAD_CHUNK_SIZE),
                arguments("5\rhello\r\n", BAD_CHUNK_FRAMING),
                arguments("5\r\nhelloX\r\n0\r\n\r\n", BAD_CHUNK_FRAMING),
                arguments("5\r\nhello\n0\r\n\r\n", BAD_CHUNK_FRAMING),
                arguments("5\r\nhello\r\r0\r\n\r\n", BAD_CHUNK_FRAMING),
                arguments("5;" + "e".repeat(40) + "\r\nhello\r\n", CHUNK_LINE_TOO_LONG),
                arguments("0" + "0".repeat(40) + "\r\n\r\n", CHUNK_LINE_TOO_LONG),
                arguments("0\r\n folded: x\r\n\r\n", BAD_TRAILER),
                arguments("0\r\nBad Name: x\r\n\r\n", BAD_TRAILER),
                arguments("0\r\nT: a\u0001\r\n\r\n", BAD_TRAILER),
                arguments("0\r\nT: a\r\r\n\r\n", BAD_TRAILER),
                arguments("0\r\nT: " + "v".repeat(70) + "\r\n\r\n", TRAILER_TOO_LARGE),
                arguments("0\r\n\rX", BAD_CHUNK_FRAMING));
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void malformedChunkedBodyIsRefused(String body, HttpError expected) {
        assertEquals(-1, feedWhole(body));
        assertEquals(expected, decoder.error());
        assertEquals(400, decoder.errorStatus());
        assertEquals(-1, decoder.feed(buffer, buffer.readIndex(), buffer.writeIndex()), "a refused body stays refused");
    }

    @Test
    void malformedResponseBodyBecomesBadGateway() {
        ChunkedDecoder responseDecoder = new ChunkedDecoder(MessageKind.RESPONSE, LIMITS);
        TestBytes.load(buffer, 0, bytes("zz\r\n"));
        assertEquals(-1, responseDecoder.feed(buffer, 0, 4));
        assertEquals(502, responseDecoder.errorStatus());
    }

    @Test
    void resetPreparesForTheNextBody() {
        feedWhole("0\r\n\r\n");
        decoder.reset();
        assertFalse(decoder.isComplete());
        assertEquals(8, feedWhole("1\r\na\r\n0\r\n\r\n".substring(0, 8)));
        assertEquals(8, decoder.bodyBytes());
    }
}
