package dev.sluice.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A simulated client's TLS, as a stunnel on the client's own machine: the
 * client speaks plaintext to the relay over a fast local link, and the relay
 * speaks TLS to Sluice over the drawn link through a JDK client engine. So
 * the simulated clients stay as they are, and every byte Sluice reads is a
 * real record.
 *
 * <p>It wraps what the client wrote up to a whole record (16 KB of plaintext)
 * at a time, so the records Sluice reads are larger than its buffers and come
 * in the link's segments. It reads from one side only what it can pass on to
 * the other: a record at a time each way. Ends pass through: the client's end
 * of stream becomes close_notify and a FIN (a FIN alone under TLS 1.2, which
 * has no half-close); Sluice's close_notify or FIN (a
 * FIN alone is a truncation, counted) becomes the client's end of stream; a
 * reset on either side becomes a reset on the other; a TLS failure resets
 * both.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimTlsRelay implements SimPeer {
    /** The client's own machine: no latency to speak of, room for a whole record and more. */
    static final SimLink LOCAL = new SimLink(1_000, 10_000_000, 65_536, 65_536);
    /** The most plaintext a record carries. */
    static final int RECORD_DATA = 16_384;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SimWorld world;
    private final String name;
    private final SSLEngine engine;
    private final SimConnection tls;
    private final SimConnection plain;
    private final SimConnection clientEnd;
    /** Write mode: ciphertext from Sluice not yet unwrapped. */
    private final ByteBuffer netIn;
    /** Read mode: a record not all written to Sluice yet. */
    private final ByteBuffer netOut;
    /** Read mode: plaintext from Sluice not all written to the client yet. */
    private final ByteBuffer appIn;
    /** Read mode: plaintext from the client not wrapped yet. */
    private final ByteBuffer appOut = ByteBuffer.allocate(RECORD_DATA).limit(0);
    private boolean clientEnded;
    private boolean sluiceEnded;
    private boolean outboundClosed;
    private boolean tlsShut;
    private boolean plainShut;
    private boolean over;

    /**
     * ClientHellos sent: 2 after a HelloRetryRequest. The handshake's round
     * trips before data may flow are this, plus one under TLS 1.2.
     */
    int clientHellos;
    /** Records of data sent to Sluice, and the largest one's plaintext. */
    int dataRecords;
    int largestRecord;
    /** Sluice's FIN came without its close_notify. */
    boolean truncated;
    /** Which side reset first ("Sluice", "client"), or null. */
    String resetBy;
    /** Why the engine gave up, or null. */
    String failure;
    /** The version the handshake agreed, once it is done. */
    String protocol;

    /**
     * @param tls the relay's end of its connection to Sluice (it becomes the end's peer)
     * @param client the simulated client, peer of the plaintext end {@link #clientEnd()} returns
     */
    SimTlsRelay(SimWorld world, String name, SSLEngine engine, SimConnection tls, SimPeer client) {
        this.world = world;
        this.name = name;
        this.engine = engine;
        this.tls = tls;
        tls.peer(this);
        SimConnection[] local = SimConnection.pair(world, name + "-local", LOCAL, null, this);
        this.clientEnd = local[0];
        clientEnd.peer(client);
        this.plain = local[1];
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(2 * packet);
        this.netOut = ByteBuffer.allocate(packet).limit(0);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).limit(0);
    }

    /** The end the client reads and writes plaintext on. */
    SimConnection clientEnd() {
        return clientEnd;
    }

    /** Sends the ClientHello. */
    void start() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw new SimFailure(name + ": the client engine refused to begin: " + e);
        }
        world.after(0, () -> changed(tls));
    }

    boolean handshakeDone() {
        return protocol != null;
    }

    /** Round trips before data could flow: one per ClientHello, and one more for TLS 1.2's second flight. */
    int roundTrips() {
        return clientHellos + ("TLSv1.2".equals(protocol) ? 1 : 0);
    }

    @Override
    public void changed(SimConnection end) {
        if (over) {
            return;
        }
        try {
            for (boolean moved = true; moved && !over; ) {
                moved = step();
            }
        } catch (SSLException e) {
            failure = e.toString();
            over = true;
            tls.abort();
            plain.abort();
        }
    }

    private boolean step() throws SSLException {
        boolean moved = flushRecord() | deliver();
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        switch (hs) {
            case NEED_TASK -> {
                for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                    t.run();
                }
                moved = true;
            }
            case NEED_WRAP -> {
                if (!netOut.hasRemaining()) {
                    moved |= wrap(EMPTY).bytesProduced() > 0;
                    // A ClientHello travels in the clear: a handshake record whose first message is type 1.
                    if (netOut.remaining() > 5 && netOut.get(0) == 22 && netOut.get(5) == 1) {
                        clientHellos++;
                    }
                }
            }
            default -> { }
        }
        boolean handshaking = hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && hs != SSLEngineResult.HandshakeStatus.FINISHED;
        if (!handshaking && protocol == null) {
            protocol = engine.getSession().getProtocol();
        }
        moved |= readSluice();
        boolean mayUnwrap = hs != SSLEngineResult.HandshakeStatus.NEED_TASK && hs != SSLEngineResult.HandshakeStatus.NEED_WRAP;
        boolean unwrapped = mayUnwrap && unwrap();
        moved |= unwrapped;
        if (!handshaking && !over) {
            moved |= takeFromClient() | wrapData();
        }
        return ends(mayUnwrap && !unwrapped) | moved;
    }

    private boolean flushRecord() {
        if (!netOut.hasRemaining() || over) {
            return false;
        }
        try {
            int n = tls.write(netOut.array(), netOut.position(), netOut.remaining());
            netOut.position(netOut.position() + n);
            return n > 0;
        } catch (IOException e) {
            sluiceReset();
            return false;
        }
    }

    private boolean deliver() {
        if (!appIn.hasRemaining() || over) {
            return false;
        }
        try {
            int n = plain.write(appIn.array(), appIn.position(), appIn.remaining());
            appIn.position(appIn.position() + n);
            return n > 0;
        } catch (IOException e) {
            clientReset();
            return false;
        }
    }

    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(src, netOut);
        netOut.flip();
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SimFailure(name + ": a record larger than the engine's packet size");
        }
        return r;
    }

    private boolean readSluice() {
        if (sluiceEnded || !netIn.hasRemaining() || over) {
            return false;
        }
        try {
            int n = tls.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) {
                sluiceEnded = true;
                return true;
            }
            netIn.position(netIn.position() + n);
            return n > 0;
        } catch (IOException e) {
            sluiceReset();
            return false;
        }
    }

    /** One record to the client's plaintext, once the client took the last one's. */
    private boolean unwrap() throws SSLException {
        if (over || appIn.hasRemaining() || netIn.position() == 0 || engine.isInboundDone()) {
            return false;
        }
        netIn.flip();
        appIn.clear();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
            appIn.flip();
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SimFailure(name + ": a record's plaintext larger than the engine's application size");
        }
        return r.bytesConsumed() > 0 || r.getStatus() == SSLEngineResult.Status.CLOSED;
    }

    private boolean takeFromClient() {
        if (clientEnded || appOut.hasRemaining() || netOut.hasRemaining() || outboundClosed) {
            return false;
        }
        try {
            int n = plain.read(appOut.array(), 0, appOut.capacity());
            if (n < 0) {
                clientEnded = true;
                appOut.limit(0);
                return true;
            }
            appOut.position(0).limit(n);
            return n > 0;
        } catch (IOException e) {
            clientReset();
            return false;
        }
    }

    private boolean wrapData() throws SSLException {
        if (!appOut.hasRemaining() || netOut.hasRemaining() || outboundClosed) {
            return false;
        }
        SSLEngineResult r = wrap(appOut);
        dataRecords++;
        largestRecord = Math.max(largestRecord, r.bytesConsumed());
        return r.bytesConsumed() > 0;
    }

    /** The ends, passed through once everything before them went; {@code drained}: no whole record is left to unwrap. */
    private boolean ends(boolean drained) {
        if (over) {
            return false;
        }
        boolean moved = false;
        if (!outboundClosed && engine.isOutboundDone() && !netOut.hasRemaining()) {
            // The engine closed its side itself (TLS 1.2 answers close_notify with its own): nothing more goes.
            outboundClosed = true;
            appOut.limit(0);
            moved = true;
        }
        if (clientEnded && !outboundClosed && !appOut.hasRemaining() && !netOut.hasRemaining()) {
            outboundClosed = true;
            moved = true;
            if ("TLSv1.2".equals(protocol)) {
                // TLS 1.2 has no half-close: a close_notify asks the peer to drop what it still owes (RFC 5246
                // 7.2.1). A client that half-closes sends its FIN alone, and Sluice reads that as the end.
                tls.shutdownOutput();
                tlsShut = true;
            } else {
                engine.closeOutbound();
            }
        }
        if (outboundClosed && !tlsShut && !netOut.hasRemaining() && engine.isOutboundDone()) {
            tls.shutdownOutput();
            tlsShut = true;
            moved = true;
        }
        boolean closeNotified = engine.isInboundDone();
        if (!plainShut && !appIn.hasRemaining() && (closeNotified || sluiceEnded && drained)) {
            truncated = !closeNotified;
            plain.shutdownOutput();
            plainShut = true;
            moved = true;
        }
        if (tlsShut && plainShut) {
            over = true;
            tls.close();
            plain.close();
        }
        return moved;
    }

    private void sluiceReset() {
        resetBy = "Sluice";
        over = true;
        plain.abort();
        tls.close();
    }

    private void clientReset() {
        resetBy = "client";
        over = true;
        tls.abort();
        plain.close();
    }

    boolean over() {
        return over;
    }

    /** What the relay holds and waits for, for the census of a stuck world. */
    String state() {
        return this + "[hs " + engine.getHandshakeStatus() + ", from Sluice " + netIn.position() + " B, to client "
                + appIn.remaining() + " B, from client " + appOut.remaining() + " B, to Sluice " + netOut.remaining()
                + " B" + (clientEnded ? ", client ended" : "") + (sluiceEnded ? ", Sluice ended" : "")
                + (tlsShut ? ", FIN sent" : "") + (plainShut ? ", client told" : "") + "]";
    }

    @Override
    public String toString() {
        return name + " relay (" + (protocol == null ? "handshaking" : protocol) + ", " + roundTrips() + " round trips"
                + (failure != null ? ", failed: " + failure : "") + (truncated ? ", truncated" : "")
                + (resetBy != null ? ", reset by " + resetBy : "") + ")";
    }
}
