package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamSinkTest {
    @TempDir
    Path dir;

    @Test
    void linesAreGatheredAndWrittenWholeOnFlush() throws Exception {
        Path file = dir.resolve("out.log");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            StreamSink sink = new StreamSink(channel);
            byte[] a = "first line\n".getBytes(StandardCharsets.US_ASCII);
            byte[] b = "second line\nxxxx".getBytes(StandardCharsets.US_ASCII);
            assertTrue(sink.send(a, a.length));
            assertTrue(sink.send(b, 12));
            assertEquals("", Files.readString(file), "nothing is written before the pass ends");
            sink.flush();
            assertEquals("first line\nsecond line\n", Files.readString(file));
        }
    }

    @Test
    void aBatchThatWouldOverflowIsWrittenFirstAndAHugeLineGoesAlone() throws Exception {
        Path file = dir.resolve("big.log");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            StreamSink sink = new StreamSink(channel);
            byte[] line = new byte[40_000];
            java.util.Arrays.fill(line, (byte) 'a');
            line[line.length - 1] = '\n';
            assertTrue(sink.send(line, line.length));
            assertTrue(sink.send(line, line.length));
            assertEquals(40_000, Files.size(file), "the first line went out to make room for the second");
            byte[] huge = new byte[StreamSink.BATCH_BYTES + 10];
            assertTrue(sink.send(huge, huge.length));
            assertEquals(80_000 + huge.length, Files.size(file));
            sink.close();
            assertEquals(80_000 + huge.length, Files.size(file));
        }
    }
}
