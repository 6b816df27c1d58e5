package dev.sluice.bench;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.MessageKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Cost of parsing one typical browser request head (about 300 bytes, 7 fields)
 * that sits in a pool buffer. Run with {@code -prof gc}: the parse must show
 * {@code gc.alloc.rate.norm} of about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class HttpParserBench {
    static final String REQUEST = "GET /static/app/main.css?v=20240611 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0\r\n"
            + "Accept: text/css,*/*;q=0.1\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Referer: https://www.example.com/\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    private Buffer buffer;
    private HttpHeadParser parser;

    @Setup
    public void setUp() {
        buffer = new BufferPool(1, 16384, 0, System::nanoTime).tryAllocate(Criticality.NORMAL);
        byte[] bytes = REQUEST.getBytes(StandardCharsets.ISO_8859_1);
        buffer.append(bytes, 0, bytes.length);
        parser = new HttpHeadParser(MessageKind.REQUEST, HttpLimits.forBuffer(16384, 1024));
    }

    @Benchmark
    public int parseTypicalRequest() {
        parser.reset();
        parser.parse(buffer);
        return parser.headLength() + parser.headerCount();
    }

    /** Control: one absolute get per head byte, the least any in-place parser must do. */
    @Benchmark
    public int baselineReadEveryByte() {
        int sum = 0;
        for (int i = buffer.readIndex(); i < buffer.writeIndex(); i++) {
            sum += buffer.get(i);
        }
        return sum;
    }
}
