package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Loop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * A {@link Connection} that speaks TLS over another one (its transport),
 * through a JDK {@link SSLEngine}. The session above reads and writes
 * plaintext as on any connection. Records travel in at most two buffers of
 * the loop's {@link TlsRecordArena}, each held only while it holds bytes
 * ({@link TlsRecords}), and taken in the class of the
 * plaintext it carries ({@link SlotProgress}): for a slot holder, in the lane
 * of what its session still needs, counted over its client and server
 * connections when both speak TLS ({@link #shareRecordsWith}). A connection that finds no record buffer
 * waits in the arena's queue with its transport's read interest off, and
 * retries when one is handed over. Nothing is allocated per record but the
 * engine's own objects.
 *
 * <p>A connection Sluice opens to a server (client mode) sends its clear
 * bytes first (a PROXY header), then its ClientHello once the transport is
 * connected, and tells its handler {@code connected()} only when the
 * handshake is done ({@code connectFailed} if it fails).
 *
 * <p>The handshake ({@link TlsHandshake}) runs inside the transport's events
 * ({@link TlsEvents}) and the session's calls, its delegated tasks inline on
 * the loop.
 *
 * <p>The end of the input is the peer's close_notify or the transport's end;
 * {@link #shutdownOutput()} sends close_notify and then the FIN, so either
 * direction may end first.
 *
 * <p>Not thread-safe: created, used and closed on its loop's thread.
 */
public final class TlsConnection implements Connection {
    private final Connection transport;
    private final SSLEngine engine;
    private final TlsRecordArena arena;
    private final TlsRecords records;
    private final TlsRecordLanes lanes;
    private final TlsInbound in;
    private final TlsOutbound out;
    private final TlsHandshake handshake;
    private final TlsEvents events;
    /** {@link #shutdownOutput()} was called: close_notify and then the FIN go once every record is out. */
    private boolean outputClosing;
    private boolean sessionRead;
    private boolean sessionWrite;
    private boolean closed;
    /** A failure found in an event, thrown to the session's next read or write. */
    private IOException failure;
    /** The accepting listener's name, for the handshake's log line. */
    private String listenerName;
    /** The name a client end asked for (SNI), or null. */
    private String requestedName;

    public TlsConnection(Connection transport, SSLEngine engine, Loop loop, TlsRecordArena arena) {
        this.transport = transport;
        this.engine = engine;
        this.arena = arena;
        BufferPool pool = arena.pool();
        this.records = new TlsRecords(this, transport, engine, arena);
        this.in = records.in;
        this.out = records.out;
        this.lanes = records.lanes;
        this.handshake = new TlsHandshake(engine, records, transport, loop);
        this.events = new TlsEvents(this, transport, records, handshake, loop, engine.getUseClientMode());
        if (engine.getSession().getPacketBufferSize() > pool.bufferSize()) {
            throw new IllegalArgumentException("a TLS record of " + engine.getSession().getPacketBufferSize()
                    + " bytes does not fit a record buffer of " + pool.bufferSize());
        }
        transport.handler(events);
    }

    /** Starts the handshake (the server waits for the ClientHello; a client sends it). */
    public void begin() throws SSLException {
        engine.beginHandshake();
        events.advance();
    }

    @Override
    public int read(Buffer into, int maxBytes) throws IOException {
        checkUsable();
        if (handshake.handshaking && !handshakeForSession()) {
            updateInterest();
            return in.transportEnded ? -1 : 0;
        }
        int max = Math.min(maxBytes, into.writable());
        int got = records.unwrapInto(into, max);
        records.releaseEmpty();
        boolean more = in.deliverable();
        // An end found behind the data just given is reported by the next read, which nothing else would prompt.
        boolean endBehind = got > 0 && (in.closeNotified || in.transportEnded);
        if ((more || endBehind) && sessionRead) {
            events.retry(true);
        }
        updateInterest();
        return got == 0 && !more && (in.closeNotified || in.transportEnded) ? -1 : got;
    }

    @Override
    public int write(Buffer from, int maxBytes) throws IOException {
        checkUsable();
        // Only bytes owed are flushed first: a record buffer just handed over, still empty, is kept for the wrap
        // below. Flushing it would give it back at once, to the next waiter, and leave this write to queue
        // behind it for another: two sessions that each need one would hand it to each other forever.
        if (handshake.handshaking && !handshakeForSession() || out.owes() && !out.flush(transport)) {
            return 0;
        }
        int done = records.wrapFrom(from, maxBytes);
        records.releaseEmpty();
        updateInterest();
        return done;
    }

    /**
     * Counts this connection's record buffers with {@code other}'s, when it
     * is a TLS connection too: a session's client and server connections, so
     * that each takes in the lane of what the session as a whole still needs.
     */
    @Override
    public void shareRecordsWith(Connection other) {
        if (other instanceof TlsConnection t && t != this && !closed) {
            lanes.pairWith(t.lanes);
        }
    }

    @Override
    public dev.sluice.buffer.ClaimGate claims() {
        return arena.claims();
    }

    @Override
    public void claimWith(dev.sluice.buffer.BufferClaim claim) {
        lanes.claimWith(claim);
    }

    @Override
    public void stopSharingRecords() {
        lanes.unpair();
    }

    /** The session's state changed: the record waits move to the lanes that now follow. */
    @Override
    public void slotProgressChanged() {
        lanes.changed();
    }

    /** The transport's interest, from what the handshake and the session want and what is held. */
    void updateInterest() {
        if (closed) {
            return;
        }
        boolean reading;
        if (handshake.handshaking) {
            reading = handshake.wantsToRead();
        } else {
            reading = sessionRead && in.plainAhead == 0 && !in.wholeRecord();
        }
        transport.readInterest(reading && !in.transportEnded && !in.closeNotified && !lanes.waiting(true));
        transport.writeInterest(out.owes() || !handshake.handshaking && sessionWrite && !lanes.waiting(false));
    }

    /** A record that was not data came in: the handshake goes on if the engine wants to read again. */
    void afterPostHandshakeMessage() throws IOException {
        if (handshake.afterPostHandshakeMessage()) {
            handshakeForSession();
        }
    }

    /** Keeps the transport's failure for the session's next read or write, unless one is kept already. */
    void keepFailure(IOException e) {
        failure = failure == null ? e : failure;
    }

    /** Keeps the first failure; the engine's own refusal sends its alert. */
    void noteFailure(IOException e) {
        if (failure == null) {
            failure = e;
            handshake.failed(e);
        }
    }

    /** The handshake run from the session's read or write: a failure is kept (and its alert sent), then thrown. */
    private boolean handshakeForSession() throws IOException {
        try {
            return handshake.advance();
        } catch (IOException e) {
            noteFailure(e);
            throw e;
        }
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A client end: what it sends in the clear before its ClientHello (a PROXY header). */
    void sendFirst(java.nio.ByteBuffer bytes) {
        handshake.firstBytes(bytes);
    }

    /** A client end: the server name it asks for, for reuse (a connection carries one name). */
    void requestedName(String name) {
        this.requestedName = name;
    }

    @Override
    public String requestedServerName() {
        return requestedName;
    }

    /** A record buffer for {@code reading}'s direction was handed over: the run retries what waited for it. */
    void retry(boolean reading) {
        events.retry(reading);
    }

    /** Whether the connection is closed: a record buffer handed over then goes straight back. */
    boolean closed() {
        return closed;
    }

    /** The session's read interest. */
    boolean sessionReads() {
        return sessionRead;
    }

    /** The session's write interest. */
    boolean sessionWrites() {
        return sessionWrite;
    }

    /** Whether {@link #shutdownOutput()} was called: close_notify and the FIN go once every record is out. */
    boolean outputClosing() {
        return outputClosing;
    }

    @Override
    public void readInterest(boolean on) {
        sessionRead = on;
        if (on && !handshake.handshaking && (in.deliverable() || in.closeNotified || in.transportEnded)) {
            events.retry(true);
        }
        updateInterest();
    }

    @Override
    public void writeInterest(boolean on) {
        sessionWrite = on;
        updateInterest();
    }

    @Override
    public void cork(boolean on) {
        transport.cork(on);
    }

    /** Sends close_notify, then the FIN once every record is out. Reading goes on. */
    @Override
    public void shutdownOutput() {
        if (closed || outputClosing) {
            return;
        }
        outputClosing = true;
        engine.closeOutbound();
        records.continueShutdown();
    }

    /** Sends close_notify if the transport takes it now, gives back every record buffer and closes the transport. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!handshake.handshaking && failure == null && out.pendingPlain == 0) {
            records.closeNotifyNow();
        }
        end();
        transport.close();
    }

    @Override
    public void closeLingering(long maxNanos) {
        if (closed) {
            return;
        }
        shutdownOutput();
        end();
        transport.closeLingering(maxNanos);
    }

    @Override
    public void abort() {
        if (closed) {
            return;
        }
        end();
        if (handshake.alertSent) {
            // A reset would throw away the alert the client has not read yet: it gets a FIN behind it instead.
            transport.close();
        } else {
            transport.abort();
        }
    }

    @Override
    public void discard() {
        abort();
    }

    /** Leaves the arena's queues and gives back what is held. */
    private void end() {
        closed = true;
        records.end();
    }

    @Override
    public boolean isOpen() {
        return !closed && transport.isOpen();
    }

    @Override
    public boolean idleConnectionLost() {
        return closed || in.deliverable() || transport.idleConnectionLost();
    }

    @Override
    public void handler(ConnectionHandler handler) {
        events.handler(handler);
    }

    @Override
    public void slotProgress(SlotProgress progress) {
        lanes.progress(progress);
    }

    @Override
    public boolean isTls() {
        return true;
    }

    @Override
    public String tlsServerName() {
        return handshake.serverName();
    }

    @Override
    public String tlsProtocol() {
        return handshake.protocol();
    }

    @Override
    public boolean tlsClientCertificate() {
        return handshake.clientCertificate();
    }

    @Override
    public TlsPeer tlsPeer() {
        return handshake.peer();
    }

    @Override
    public String tlsCipher() {
        return handshake.cipher();
    }

    @Override
    public long handshakeEndNanos() {
        return handshake.endNanos();
    }

    @Override
    public TlsHandshakeFailure handshakeFailure() {
        return handshake.failure();
    }

    @Override
    public String listenerName() {
        return listenerName;
    }

    /** Names the listener that accepted the connection. */
    void listenerName(String name) {
        this.listenerName = name;
    }

    @Override
    public boolean handshakeDone() {
        return !handshake.handshaking;
    }

    /** The engine, for what the handshake agreed (protocol, cipher, ALPN). */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public String peer() {
        return transport.peer();
    }

    @Override
    public InetAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public int remotePort() {
        return transport.remotePort();
    }

    @Override
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public String toString() {
        return "TlsConnection[" + transport + (handshake.handshaking ? ", handshaking " + engine.getHandshakeStatus() : "")
                + (in.buffer != null ? ", in " + in.buffer.readable() + " B" : "") + (lanes.waiting(true) ? ", in waits" : "")
                + (out.buffer != null ? ", out " + out.buffer.readable() + " B" : "") + (lanes.waiting(false) ? ", out waits" : "")
                + (outputClosing ? records.finSent ? ", FIN sent" : ", closing" : "") + (failure != null ? ", failed" : "")
                + (closed ? ", closed]" : "]");
    }

}
