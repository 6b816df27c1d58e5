package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The steady-state path (select, dispatch, read, write, interest changes, buffer
 * allocate and release) allocates no Java objects on the loop thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoAllocationTest {
    private static final int ROUND = 4 << 20;
    /** Slack for one-off allocations (a JIT deoptimisation, a lazily grown table), far below one per read. */
    private static final long ALLOWED_BYTES = 16 * 1024;

    private TestLoops loops;
    private Listener listener;

    @BeforeEach
    void start() throws IOException {
        loops = new TestLoops(1, 4, 16 * 1024);
        listener = Listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops.loops,
                (owner, connection) -> new EchoHandler(connection, owner.pool()));
    }

    @AfterEach
    void stop() {
        listener.close();
        loops.stop();
    }

    @Test
    void echoingMegabytesAllocatesNothingOnTheLoopThread() throws Exception {
        EventLoop loop = loops.get(0);
        long loopThreadId = loop.call(() -> Thread.currentThread().threadId());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] data = new byte[ROUND];
        new Random(7).nextBytes(data);
        byte[] back = new byte[ROUND];
        try (SocketChannel client = SocketChannel.open(listener.address())) {
            for (int warmup = 0; warmup < 5; warmup++) {
                echoRound(client, data, back);
            }
            long before = threads.getThreadAllocatedBytes(loopThreadId);
            int rounds = 5;
            for (int i = 0; i < rounds; i++) {
                echoRound(client, data, back);
            }
            long allocated = threads.getThreadAllocatedBytes(loopThreadId) - before;
            System.out.println("loop thread allocated " + allocated + " bytes while echoing " + rounds * ROUND / (1 << 20) + " MB");
            assertTrue(allocated < ALLOWED_BYTES, "allocated " + allocated + " bytes");
            assertArrayEquals(data, back);
        }
    }

    /** Sends and reads back one round, interleaved so the client never blocks on a full socket. */
    private static void echoRound(SocketChannel client, byte[] data, byte[] back) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.wrap(back);
        client.configureBlocking(false);
        while (in.hasRemaining()) {
            if (out.hasRemaining()) {
                client.write(out);
            }
            if (client.read(in) < 0) {
                throw new IOException("end of stream after " + in.position());
            }
        }
        client.configureBlocking(true);
    }
}
