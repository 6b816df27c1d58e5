package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Criticality;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Filling a record and logging it (format, ring copy, writer wake-up) allocates
 * nothing on the loop's thread, as EchoAllocationTest measures for the I/O path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogAllocationTest {
    private static final int LINES = 200_000;
    /** Slack for one-off allocations (a JIT deoptimisation), far below one byte per line. */
    private static final long ALLOWED_BYTES = 16 * 1024;

    @Test
    void loggingHundredsOfThousandsOfLinesAllocatesNothingOnTheLoopThread() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            LogTarget target = LogTarget.udp((InetSocketAddress) receiver.getLocalSocketAddress(), LogFacility.LOCAL0);
            Logging.Builder b = Logging.builder(SyslogIdentity.ofThisProcess());
            ProxyLog http = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target),
                    EnumSet.of(LogOption.LOG_SEPARATE_ERRORS));
            ProxyLog clf = b.proxy("fe2", LogFormat.httplogClf(LogMode.HTTP), List.of(target), EnumSet.noneOf(LogOption.class));
            ProxyLog custom = b.proxy("fe3", LogFormat.compile("%{+Q}o %ci:%cp %t %T %Tl %trg %ID %HM %HU %HP %HQ %HV"
                    + " %Tb %Tbn %lc %{+X}Ts %{+E}r", LogMode.HTTP), List.of(target), EnumSet.noneOf(LogOption.class));
            try (Logging logging = b.start(1)) {
                LoopLog log = logging.loop(0);
                LogRecord record = new LogRecord();
                record.client(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000));
                record.frontend("fe1");
                ByteBuffer head = ByteBuffer.allocateDirect(256);
                head.put("GET /index.html?user=7 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                ProxyLog[] proxies = {http, clf, custom};
                for (int i = 0; i < LINES; i++) {
                    logOne(log, proxies[i % 3], record, head, i);
                }
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < LINES; i++) {
                    logOne(log, proxies[i % 3], record, head, i);
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.println("loop thread allocated " + allocated + " bytes for " + LINES + " lines ("
                        + log.queued() + " queued, " + log.dropped() + " dropped in all)");
                assertTrue(allocated < ALLOWED_BYTES, "allocated " + allocated + " bytes");
                assertTrue(log.queued() > 0);
            }
        }
    }

    /** What a session's logging phase does at the end of a request. */
    private static void logOne(LoopLog log, ProxyLog proxy, LogRecord r, ByteBuffer head, int i) {
        long now = System.nanoTime();
        r.reset();
        r.accepted(now - 5_000_000, System.currentTimeMillis());
        r.requestStarted(now - 4_000_000);
        r.request(head, 0, 3, 4, 18, 23, 8);
        r.requestReady(now - 3_900_000);
        r.queueLeft(now - 3_000_000);
        r.bufferWaited(Criticality.NORMAL, 900_000);
        r.connected(now - 2_000_000);
        r.responseReady(now - 1_000_000);
        r.ended(now);
        r.backend("be1");
        r.server("srv1");
        r.status(i % 50 == 0 ? 503 : 200);
        r.bytesToClient(1000 + i);
        r.bytesFromClient(45);
        r.connections(10, 5, 4, 3);
        r.queuePositions(0, 0);
        if (i % 100 == 0) {
            r.status(400);
            log.refused(proxy, r, LogLevel.WARNING, "invalid header name");
        } else {
            log.log(proxy, r);
        }
    }
}
