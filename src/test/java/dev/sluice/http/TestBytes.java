package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;

import java.nio.charset.StandardCharsets;

/** Test helpers: buffers from a small pool, messages as Latin-1 strings (one char per byte). */
final class TestBytes {
    static final int BUFFER_SIZE = 1 << 16;

    private TestBytes() {
    }

    static Buffer newBuffer() {
        return new BufferPool(1, BUFFER_SIZE, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Empties the buffer, then writes {@code prefix} junk bytes before a non-empty message and consumes them, so the message starts at {@code prefix}. */
    static void load(Buffer buffer, int prefix, byte[] message) {
        buffer.consumed(buffer.readable());
        buffer.append(new byte[prefix], 0, prefix);
        if (buffer.append(message, 0, message.length) != message.length) {
            throw new IllegalArgumentException("message larger than the test buffer");
        }
        // The message is not empty, so consuming the junk does not rewind the buffer.
        buffer.consumed(prefix);
    }

    static String text(Buffer buffer, int start, int end) {
        byte[] out = new byte[end - start];
        for (int i = start; i < end; i++) {
            out[i - start] = buffer.get(i);
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Re-serializes a parsed head from its offsets, in canonical form ("Name: value"). */
    static String reserialize(Buffer buffer, HttpHeadParser parser) {
        StringBuilder sb = new StringBuilder();
        sb.append(text(buffer, parser.headStart(), parser.startLineStart()));
        if (parser.kind() == MessageKind.REQUEST) {
            sb.append(text(buffer, parser.methodStart(), parser.methodEnd())).append(' ')
                    .append(text(buffer, parser.targetStart(), parser.targetEnd())).append(' ')
                    .append("HTTP/1.").append(parser.minorVersion());
        } else {
            sb.append("HTTP/1.").append(parser.minorVersion()).append(' ').append(parser.statusCode())
                    .append(' ').append(text(buffer, parser.reasonStart(), parser.reasonEnd()));
        }
        sb.append("\r\n");
        for (int i = 0; i < parser.headerCount(); i++) {
            sb.append(text(buffer, parser.nameStart(i), parser.nameEnd(i))).append(": ")
                    .append(text(buffer, parser.valueStart(i), parser.valueEnd(i))).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Feeds {@code message} to a fresh parse one byte at a time; returns the final progress. */
    static HttpHeadParser.Progress parseByteByByte(Buffer buffer, HttpHeadParser parser, byte[] message) {
        buffer.consumed(buffer.readable());
        parser.reset();
        HttpHeadParser.Progress p = HttpHeadParser.Progress.NEED_MORE;
        for (int i = 0; i < message.length && p == HttpHeadParser.Progress.NEED_MORE; i++) {
            buffer.append(message, i, 1);
            p = parser.parse(buffer);
        }
        return p;
    }
}
