package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.Criticality;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated network behaves like TCP where Sluice can tell: windows, order, end of stream, resets, connects. */
class SimConnectionTest {
    private static final long LATENCY = 1_000_000L;
    private final SimWorld world = new SimWorld(3);
    private final SimLoop loop = world.addLoop(4, 256, 0);
    private final List<String> events = new ArrayList<>();
    private final SimConnection[] pair = SimConnection.pair(world, "c", new SimLink(LATENCY, 10_000, 64, 100), loop, end -> { });
    private final SimConnection sluice = pair[0];
    private final SimConnection peer = pair[1];

    SimConnectionTest() {
        sluice.handler(recorder());
    }

    private ConnectionHandler recorder() {
        return new ConnectionHandler() {
            @Override
            public void readable() {
                events.add("readable");
            }

            @Override
            public void writable() {
                events.add("writable");
            }

            @Override
            public void connected() {
                events.add("connected");
            }

            @Override
            public void connectFailed(IOException cause) {
                events.add("failed: " + cause.getMessage());
            }
        };
    }

    private void settle() {
        world.run(() -> true, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    @Test
    void aWriteTakesNoMoreThanTheWindowAndRoomReturnsAsThePeerReads() throws IOException {
        byte[] data = bytes(250);
        assertEquals(100, peer.write(data, 0, 250));
        assertEquals(0, peer.write(data, 100, 150));
        settle();
        Buffer b = loop.pool().tryAllocate(Criticality.CRITICAL);
        assertEquals(100, sluice.read(b));
        assertEquals(100, peer.write(data, 100, 150));
    }

    @Test
    void bytesArriveInOrderAfterTheLatencyAndTheEndOfStreamAfterTheLastByte() throws IOException {
        byte[] data = bytes(100);
        peer.write(data, 0, 100);
        peer.shutdownOutput();
        Buffer b = loop.pool().tryAllocate(Criticality.CRITICAL);
        assertEquals(0, sluice.read(b), "nothing arrives before the latency");
        settle();
        assertTrue(world.now() >= LATENCY);
        assertEquals(100, sluice.read(b));
        byte[] got = new byte[100];
        b.readView().get(got);
        assertArrayEquals(data, got);
        assertEquals(-1, sluice.read(b));
    }

    @Test
    void readinessIsLevelTriggeredUntilEveryByteIsRead() throws IOException {
        List<Integer> reads = new ArrayList<>();
        sluice.handler(new ConnectionHandler() {
            @Override
            public void readable() {
                // Room for one byte only: each report reads one, and readiness must come back for the next.
                Buffer b = loop.pool().tryAllocate(Criticality.CRITICAL);
                b.produced(b.capacity() - 1);
                try {
                    reads.add(sluice.read(b));
                } catch (IOException e) {
                    throw new AssertionError(e);
                } finally {
                    loop.pool().release(b);
                }
            }

            @Override
            public void writable() {
            }
        });
        peer.write(bytes(10), 0, 10);
        sluice.readInterest(true);
        settle();
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), reads);
    }

    @Test
    void anAbortMakesThePeersNextReadAndWriteThrow() {
        sluice.abort();
        settle();
        assertTrue(peer.resetArrived());
        assertThrows(IOException.class, () -> peer.read(new byte[10], 0, 10));
        assertThrows(IOException.class, () -> peer.write(new byte[10], 0, 10));
        assertFalse(sluice.isOpen());
    }

    @Test
    void closingWithUnreadBytesResetsThePeer() throws IOException {
        peer.write(bytes(10), 0, 10);
        settle();
        sluice.close();
        settle();
        assertTrue(peer.resetArrived());
    }

    @Test
    void aConnectToALiveServerCompletesAndToAnUnknownAddressFails() {
        InetSocketAddress live = InetSocketAddress.createUnresolved("live", 80);
        SimServer server = new SimServer(world, live, SimServer.Mode.ECHO, 1, 1, 0, 0);
        SimConnector connector = new SimConnector(world, loop, Map.of(live, server), () -> new SimLink(LATENCY, 10_000, 64, 100));
        Connection ok = connector.connect(live, recorder());
        Connection refused = connector.connect(InetSocketAddress.createUnresolved("nobody", 80), recorder());
        settle();
        assertEquals(List.of("connected", "failed: connection refused by loop0->nobody#1"), events);
        assertTrue(ok.isOpen());
        assertFalse(refused.isOpen());
        assertEquals(1, server.accepted);
    }
}
