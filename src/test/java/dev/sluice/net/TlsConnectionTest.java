package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link TlsConnection}s, a client and a server, over an in-memory pipe
 * that cuts the stream as each test likes; the certificate is made by keytool
 * here, never committed.
 */
class TlsConnectionTest {
    @TempDir
    static Path dir;

    static SSLContext context;

    @BeforeAll
    static void certificate() throws Exception {
        KeyStore ks = TestCertificates.keyStore(dir, "site", false, "localhost", "localhost");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    /** One end: a loop, its arena, its plaintext pool, the TLS connection and a plaintext user of it. */
    static final class Side implements ConnectionHandler {
        final BufferPool plain;
        final TlsRecordArena arena;
        final MemoryLoop loop;
        final TlsConnection tls;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        int readMax = Integer.MAX_VALUE;
        boolean ended;
        IOException failed;
        byte[] toSend = new byte[0];
        int sent;
        boolean shutdownAfterSend;
        Buffer out;

        Side(MemoryPipe.End end, SSLEngine engine, int plainBufferSize, int recordBuffers) {
            plain = new BufferPool(8, plainBufferSize, 0, System::nanoTime);
            arena = new TlsRecordArena(recordBuffers, TlsRecordArena.packetSize(), System::nanoTime);
            loop = new MemoryLoop(plain);
            tls = new TlsConnection(end, engine, loop, arena);
            tls.handler(this);
        }

        void start() throws IOException {
            tls.readInterest(true);
            tls.begin();
        }

        void send(byte[] bytes, boolean thenShutdown) {
            toSend = bytes;
            sent = 0;
            shutdownAfterSend = thenShutdown;
            writable();
        }

        @Override
        public void readable() {
            Buffer in = plain.tryAllocate(Criticality.NORMAL);
            try {
                int n;
                while ((n = tls.read(in, readMax)) > 0) {
                    byte[] chunk = new byte[n];
                    in.readView().get(chunk);
                    in.consumed(n);
                    got.write(chunk, 0, n);
                }
                if (n < 0) {
                    ended = true;
                    tls.readInterest(false);
                }
            } catch (IOException e) {
                failed = e;
                tls.readInterest(false);
            } finally {
                plain.release(in);
            }
        }

        @Override
        public void writable() {
            try {
                while (sent < toSend.length || out != null) {
                    if (out == null) {
                        out = plain.tryAllocate(Criticality.URGENT);
                        sent += out.append(toSend, sent, toSend.length - sent);
                    }
                    if (tls.write(out) == 0 && out.readable() > 0) {
                        tls.writeInterest(true);
                        return;
                    }
                    if (out.readable() == 0) {
                        plain.release(out);
                        out = null;
                    }
                }
                tls.writeInterest(false);
                if (shutdownAfterSend) {
                    shutdownAfterSend = false;
                    tls.shutdownOutput();
                }
            } catch (IOException e) {
                failed = e;
            }
        }
    }

    /** Bytes the two engines allocate alone per record wrapped and unwrapped, between direct buffers. */
    static long bareEngineAllocation(int size, int rounds) throws IOException {
        SSLEngine s = server();
        SSLEngine c = client("TLSv1.3");
        java.nio.ByteBuffer wire = java.nio.ByteBuffer.allocateDirect(TlsRecordArena.packetSize());
        java.nio.ByteBuffer app = java.nio.ByteBuffer.allocateDirect(TlsRecordArena.applicationSize() + 64);
        java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(0);
        s.beginHandshake();
        c.beginHandshake();
        for (int i = 0; i < 50; i++) {
            pass(c, s, wire, app, none);
            pass(s, c, wire, app, none);
        }
        java.nio.ByteBuffer plain = java.nio.ByteBuffer.allocateDirect(size);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int i = -2000; i < rounds; i++) {
            if (i == 0) {
                before = mx.getCurrentThreadAllocatedBytes();
            }
            plain.clear();
            wire.clear();
            s.wrap(plain, wire);
            wire.flip();
            app.clear();
            c.unwrap(wire, app);
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / rounds;
    }

    /** One handshake flight from {@code from} to {@code to}, tasks run. */
    static void pass(SSLEngine from, SSLEngine to, java.nio.ByteBuffer wire, java.nio.ByteBuffer app,
            java.nio.ByteBuffer none) throws IOException {
        wire.clear();
        from.wrap(none, wire);
        wire.flip();
        while (wire.hasRemaining()) {
            app.clear();
            if (to.unwrap(wire, app).bytesConsumed() == 0) {
                break;
            }
            for (Runnable t = to.getDelegatedTask(); t != null; t = to.getDelegatedTask()) {
                t.run();
            }
        }
        for (Runnable t = from.getDelegatedTask(); t != null; t = from.getDelegatedTask()) {
            t.run();
        }
    }

    static SSLEngine server() {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        return e;
    }

    static SSLEngine client(String protocol) {
        SSLEngine e = context.createSSLEngine("localhost", 443);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("localhost")));
        p.setProtocols(new String[] {protocol});
        e.setSSLParameters(p);
        return e;
    }

    /** Pumps events and run queues until {@code done} holds; fails if nothing moves any more first. */
    static void runUntil(MemoryPipe pipe, Side s, Side c, BooleanSupplier done) {
        int idle = 0;
        for (int round = 0; round < 2_000_000 && !done.getAsBoolean(); round++) {
            boolean moved = pipe.pump();
            moved |= s.loop.runQueued() > 0;
            moved |= c.loop.runQueued() > 0;
            idle = moved ? 0 : idle + 1;
            if (idle > 3) {
                break;
            }
        }
        assertTrue(done.getAsBoolean(), "stalled: server " + s.tls + ", client " + c.tls);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void assertAllBack(Side... sides) {
        for (Side s : sides) {
            s.arena.pool().checkInvariants();
            assertEquals(s.arena.pool().size(), s.arena.pool().free(), "record buffers not returned");
            assertEquals(s.plain.size(), s.plain.free(), "plaintext buffers not returned");
        }
    }

    @Test
    void handshakesThenCarriesBytesBothWaysAndReadsTheServerName() throws IOException {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
            Side s = new Side(pipe.a, server(), 4096, 4);
            Side c = new Side(pipe.b, client(protocol), 4096, 4);
            s.start();
            c.start();
            c.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
            runUntil(pipe, s, c, () -> s.got.size() == 18);
            assertTrue(s.tls.handshakeDone() && c.tls.handshakeDone());
            assertEquals(protocol, s.tls.engine().getSession().getProtocol());
            assertEquals("localhost", s.tls.tlsServerName());
            assertTrue(s.tls.isTls());
            s.send("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
            runUntil(pipe, s, c, () -> c.got.size() == 19);
            assertEquals("HTTP/1.1 200 OK\r\n\r\n", c.got.toString(StandardCharsets.US_ASCII));
            s.tls.close();
            c.tls.close();
            assertAllBack(s, c);
        }
    }

    @Test
    void aClientHelloIsAnsweredInTheLoopsTurnForHeavyWorkNotInsideItsReadEvent() throws IOException {
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        s.start();
        c.start();
        // Readiness only, no run queue: the server reads the ClientHello and leaves the key work to its turn.
        for (int i = 0; i < 4; i++) {
            pipe.pump();
        }
        assertEquals(0, pipe.a.waiting(), "the ClientHello was not read");
        assertEquals(1, s.loop.heavyQueued(), "the key work is not waiting for the loop's turn");
        assertEquals(0, pipe.b.waiting(), "the server answered inside the read event");
        assertFalse(s.tls.handshakeDone());
        TlsRecordArena records = s.arena;
        assertEquals(records.pool().size(), records.pool().free(), "a record buffer is held while the key work waits");
        // Its turn comes: the handshake goes on, and the connection carries bytes.
        c.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
        runUntil(pipe, s, c, () -> s.got.size() == 18);
        assertTrue(s.tls.handshakeDone() && c.tls.handshakeDone());
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void recordsCutIntoSmallSegmentsAndReadIntoSmallRoomsArriveWhole() throws IOException {
        // 7-byte segments: every record (up to 16 KB) comes in many reads (BUFFER_UNDERFLOW each time);
        // the server reads at most 100 bytes at a time, so most of each record's plaintext is kept ahead.
        MemoryPipe pipe = new MemoryPipe(1 << 16, 7);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        s.readMax = 100;
        s.start();
        c.start();
        byte[] body = random(100_000, 1);
        c.send(body, true);
        runUntil(pipe, s, c, () -> s.ended);
        assertArrayEquals(body, s.got.toByteArray());
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void aSmallTransportWindowHoldsRecordsUntilTheyAreOutAndLosesNothing() throws IOException {
        // A 3000-byte window takes a fraction of a 16 KB record: the plaintext stays unconsumed until its record is out.
        MemoryPipe pipe = new MemoryPipe(3000, 3000);
        Side s = new Side(pipe.a, server(), 16384, 4);
        Side c = new Side(pipe.b, client("TLSv1.2"), 16384, 4);
        s.start();
        c.start();
        runUntil(pipe, s, c, () -> s.tls.handshakeDone() && c.tls.handshakeDone());
        byte[] body = random(300_000, 2);
        s.send(body, true);
        runUntil(pipe, s, c, () -> c.ended);
        assertArrayEquals(body, c.got.toByteArray());
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void eitherSideMayEndFirstAndTheOtherStillAnswers() throws IOException {
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1000);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        s.start();
        c.start();
        c.send("request".getBytes(StandardCharsets.US_ASCII), true);
        runUntil(pipe, s, c, () -> s.ended);
        assertEquals("request", s.got.toString(StandardCharsets.US_ASCII));
        assertFalse(c.ended);
        // The client's close_notify ended its direction only: the server answers and then ends its own.
        s.send("answer".getBytes(StandardCharsets.US_ASCII), true);
        runUntil(pipe, s, c, () -> c.ended);
        assertEquals("answer", c.got.toString(StandardCharsets.US_ASCII));
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void aTransportEndWithoutCloseNotifyEndsTheInputAndAGarbledRecordFails() throws IOException {
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        s.start();
        c.start();
        runUntil(pipe, s, c, () -> s.tls.handshakeDone() && c.tls.handshakeDone());
        pipe.b.shutdownOutput();
        runUntil(pipe, s, c, () -> s.ended);

        MemoryPipe pipe2 = new MemoryPipe(1 << 16, 1 << 16);
        Side s2 = new Side(pipe2.a, server(), 4096, 4);
        s2.start();
        java.nio.ByteBuffer junk = java.nio.ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        pipe2.b.writePreamble(junk);
        pipe2.pump();
        s2.loop.runQueued();
        Buffer in = s2.plain.tryAllocate(Criticality.NORMAL);
        assertThrows(IOException.class, () -> s2.tls.read(in));
        s2.plain.release(in);
        s.tls.close();
        c.tls.close();
        s2.tls.close();
        assertAllBack(s, c, s2);
    }

    /**
     * An SSLv2-format ClientHello (as old clients and scanners send it) is
     * no TLS record; the JDK's engine, which does not accept it, waits for
     * more of it without taking any. The connection must fail at once, not
     * ask the engine again forever on its loop (testssl.sh's "IE 6 XP"
     * client once spun a loop at full CPU this way).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.SECONDS,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anSslV2HelloFailsTheHandshakeInsteadOfSpinningTheLoop() throws IOException {
        byte[] hello = new byte[81];
        // Length 79 with the high bit set, CLIENT-HELLO, version 3.1, 54 bytes of cipher specs, no session, 16 of challenge.
        byte[] head = {(byte) 0x80, 0x4f, 0x01, 0x03, 0x01, 0x00, 0x36, 0x00, 0x00, 0x00, 0x10};
        System.arraycopy(head, 0, hello, 0, head.length);
        for (int i = head.length; i < hello.length; i++) {
            hello[i] = (byte) (i * 7);
        }
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
        Side s = new Side(pipe.a, server(), 4096, 4);
        s.start();
        pipe.b.writePreamble(java.nio.ByteBuffer.wrap(hello));
        pipe.pump();
        for (int i = 0; i < 10; i++) {
            s.loop.runQueued();
        }
        Buffer in = s.plain.tryAllocate(Criticality.NORMAL);
        IOException refused = assertThrows(IOException.class, () -> s.tls.read(in));
        assertEquals(true, refused.getMessage().contains("not a TLS record"), refused.getMessage());
        assertEquals(TlsHandshakeFailure.REFUSED, s.tls.handshakeFailure());
        s.plain.release(in);
        s.tls.close();
        assertAllBack(s);
    }

    @Test
    void aConnectionWithoutARecordBufferWaitsWithReadingOffAndGoesOnWhenOneIsHanded() throws IOException {
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        // Four record buffers, a reserve of two: two taken NORMAL leave nothing a handshake may take.
        Buffer x = s.arena.pool().tryAllocate(Criticality.NORMAL);
        Buffer y = s.arena.pool().tryAllocate(Criticality.NORMAL);
        s.start();
        c.start();
        for (int i = 0; i < 20; i++) {
            pipe.pump();
            s.loop.runQueued();
            c.loop.runQueued();
        }
        assertFalse(s.tls.handshakeDone());
        assertEquals(1, s.arena.pool().waiting(Criticality.NORMAL));
        assertFalse(pipe.a.readInterest(), "a waiting connection reads nothing");
        s.arena.pool().release(x);
        c.send("after the wait".getBytes(StandardCharsets.US_ASCII), false);
        runUntil(pipe, s, c, () -> s.got.size() == 14);
        assertEquals("after the wait", s.got.toString(StandardCharsets.US_ASCII));
        s.arena.pool().release(y);
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    /**
     * A server flight larger than the socket's window, with the arena down to
     * one buffer a handshake may take: the ClientHello's record buffer goes
     * back before the flight takes one, and the rest of the flight waits in
     * it for the window. (Before, the flight was made in the scratch area and
     * its rest needed a second buffer at once, or the handshake failed.)
     */
    @Test
    void aFlightLargerThanTheWindowNeedsOneRecordBufferAndWaitsForTheSocket() throws IOException {
        MemoryPipe pipe = new MemoryPipe(512, 512);
        Side s = new Side(pipe.a, server(), 4096, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 4096, 4);
        // Four record buffers, a reserve of two: with one taken, a handshake may hold one at a time.
        Buffer x = s.arena.pool().tryAllocate(Criticality.NORMAL);
        s.start();
        c.start();
        runUntil(pipe, s, c, () -> s.tls.handshakeDone() && c.tls.handshakeDone());
        c.send("through a small window".getBytes(StandardCharsets.US_ASCII), false);
        runUntil(pipe, s, c, () -> s.got.size() == 22);
        assertEquals(null, s.failed);
        assertEquals("through a small window", s.got.toString(StandardCharsets.US_ASCII));
        s.arena.pool().release(x);
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void aRecordBufferCarryingASlotHoldersBytesIsTakenUrgentThenCritical() throws IOException {
        MemoryPipe pipe = new MemoryPipe(2000, 1 << 16);
        Side s = new Side(pipe.a, server(), 16384, 6);
        Side c = new Side(pipe.b, client("TLSv1.3"), 16384, 6);
        s.tls.slotProgress(SlotProgress.SERVER);
        s.start();
        c.start();
        runUntil(pipe, s, c, () -> s.tls.handshakeDone() && c.tls.handshakeDone());
        long urgent = s.arena.pool().counters().allocations(Criticality.URGENT);
        s.send(random(50_000, 3), false);
        assertTrue(s.arena.pool().counters().allocations(Criticality.URGENT) > urgent, "an answer's record is URGENT");
        runUntil(pipe, s, c, () -> c.got.size() == 50_000);
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }

    @Test
    void steadyStateRecordsAllocateNoBuffers() throws IOException {
        MemoryPipe pipe = new MemoryPipe(1 << 16, 1 << 16);
        Side s = new Side(pipe.a, server(), 16384, 4);
        Side c = new Side(pipe.b, client("TLSv1.3"), 16384, 4);
        s.start();
        c.start();
        runUntil(pipe, s, c, () -> s.tls.handshakeDone() && c.tls.handshakeDone());
        Buffer out = s.plain.tryAllocate(Criticality.URGENT);
        Buffer in = c.plain.tryAllocate(Criticality.NORMAL);
        byte[] record = random(16_000, 4);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        int rounds = 2000;
        for (int i = -2000; i < rounds; i++) {
            if (i == 0) {
                before = mx.getCurrentThreadAllocatedBytes();
            }
            out.append(record, 0, record.length);
            assertEquals(record.length, s.tls.write(out));
            int n = 0;
            while (n < record.length) {
                int r = c.tls.read(in);
                assertTrue(r > 0);
                n += r;
                in.consumed(r);
            }
        }
        long perRecord = (mx.getCurrentThreadAllocatedBytes() - before) / rounds;
        long engineAlone = bareEngineAllocation(record.length, rounds);
        System.out.println("TLS steady state: " + perRecord + " B allocated per 16 KB record (wrap + unwrap), "
                + engineAlone + " B by the bare engines");
        // What the JDK's engines allocate themselves (their ciphers' work areas) is theirs, and how much of
        // the rest the JIT removes varies from run to run; a buffer per record would be 16 KB more.
        assertTrue(perRecord < engineAlone + 2048, perRecord + " B allocated per record, the engines alone " + engineAlone);
        s.plain.release(out);
        c.plain.release(in);
        s.tls.close();
        c.tls.close();
        assertAllBack(s, c);
    }
}
