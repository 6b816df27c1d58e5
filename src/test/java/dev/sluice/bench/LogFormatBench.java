package dev.sluice.bench;

import dev.sluice.log.LineFormatter;
import dev.sluice.log.LogFacility;
import dev.sluice.log.LogFormat;
import dev.sluice.log.LogMode;
import dev.sluice.log.LogOption;
import dev.sluice.log.LogRecord;
import dev.sluice.log.LogTarget;
import dev.sluice.log.Logging;
import dev.sluice.log.LoopLog;
import dev.sluice.log.ProxyLog;
import dev.sluice.log.SyslogIdentity;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a loop pays per logged request: filling the record and formatting one
 * {@code option httplog} line ({@link #formatHttplog}), and the same plus the copy
 * into the loop's ring and the writer's wake-up check ({@link #logHttplog}; the
 * writer thread drains the ring to a UDP socket meanwhile, and a full ring drops
 * and counts, as in production). Run with {@code -prof gc}: both must show about
 * 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class LogFormatBench {
    private final LogRecord record = new LogRecord();
    private final LineFormatter formatter = new LineFormatter(1024);
    private final LogFormat httplog = LogFormat.httplog(LogMode.HTTP);
    private final ByteBuffer head = ByteBuffer.allocateDirect(256);
    private DatagramSocket receiver;
    private Logging logging;
    private LoopLog loopLog;
    private ProxyLog proxy;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        head.put("GET /static/app/main.css?v=20240611 HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        record.client(new InetSocketAddress(InetAddress.getLoopbackAddress(), 51234));
        record.frontend("www");
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Logging.Builder b = Logging.builder(SyslogIdentity.ofThisProcess());
        proxy = b.proxy("www", httplog, List.of(LogTarget.udp((InetSocketAddress) receiver.getLocalSocketAddress(),
                LogFacility.LOCAL0)), EnumSet.noneOf(LogOption.class));
        logging = b.start(1);
        loopLog = logging.loop(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nlogHttplog: " + loopLog.queued() + " lines queued, " + loopLog.dropped() + " dropped,"
                + " " + logging.linesWritten() + " written");
        logging.close();
        receiver.close();
    }

    /** The record as a session's logging phase fills it at the end of a request. */
    private void fill() {
        long now = System.nanoTime();
        record.reset();
        record.accepted(now - 5_000_000, System.currentTimeMillis());
        record.requestStarted(now - 4_000_000);
        record.request(head, 0, 3, 4, 31, 36, 8);
        record.requestReady(now - 3_900_000);
        record.queueLeft(now - 3_000_000);
        record.connected(now - 2_000_000);
        record.responseReady(now - 1_000_000);
        record.ended(now);
        record.backend("static");
        record.server("srv1");
        record.status(200);
        record.bytesToClient(2750 + (n++ & 1023));
        record.connections(10, 5, 4, 3);
    }

    @Benchmark
    public int formatHttplog() {
        fill();
        return formatter.format(httplog, record);
    }

    @Benchmark
    public boolean logHttplog() {
        fill();
        return loopLog.log(proxy, record);
    }
}
