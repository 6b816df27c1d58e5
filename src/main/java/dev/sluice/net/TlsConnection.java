package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A {@link Connection} that speaks TLS over another one (its transport),
 * through a JDK {@link SSLEngine}. The session above reads and writes
 * plaintext as on any connection. Records travel in at most two buffers of
 * the loop's {@link TlsRecordArena}, each held only while it holds bytes
 * ({@link TlsInbound}, {@link TlsOutbound}), and taken in the class of the
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
 * <p>The handshake runs inside the transport's events and the session's
 * calls. Its delegated tasks (certificate and key work) run inline on the
 * loop: the JDK's are short computations that never block, and running them
 * elsewhere would need a thread and a hand-back for little gain.
 *
 * <p>The end of the input is the peer's close_notify or the transport's end;
 * {@link #shutdownOutput()} sends close_notify and then the FIN, so either
 * direction may end first.
 *
 * <p>Not thread-safe: created, used and closed on its loop's thread.
 */
public final class TlsConnection extends Task implements Connection, ConnectionHandler {
    private final Connection transport;
    private final SSLEngine engine;
    private final Loop loop;
    private final TlsRecordArena arena;
    private final BufferPool pool;
    private final TlsRecordLanes lanes;
    private final TlsInbound in;
    private ConnectionHandler handler;
    private final TlsOutbound out;
    private boolean handshaking = true;
    /** {@link #shutdownOutput()} was called: close_notify and then the FIN go once every record is out. */
    private boolean outputClosing;
    private boolean finSent;
    private boolean sessionRead;
    private boolean sessionWrite;
    private boolean closed;
    /** The run of {@link #run()} re-offers what is waiting: a read, a write, the handshake. */
    private boolean retryRead;
    private boolean retryWrite;
    /** A failure found in an event, thrown to the session's next read or write. */
    private IOException failure;
    private String serverName;
    /** The version agreed on, once the handshake is done. */
    private String protocol;
    /** Whether the client gave a certificate (that checked out) in the handshake ({@code ssl_c_used}). */
    private boolean clientCertificate;
    /** The suite agreed on, by OpenSSL's name, once the handshake is done. */
    private String cipher;
    /** When the handshake ended, on the loop's clock. */
    private long handshakeEnd = NO_HANDSHAKE;
    /** Whether a refused handshake's alert went out, so that the end is a FIN behind it, not a reset. */
    private boolean alertSent;
    /** Why the handshake failed, once it has. */
    private TlsHandshakeFailure handshakeFailure;
    /** The accepting listener's name, for the handshake's log line. */
    private String listenerName;
    /** Whether this end opened the connection (TLS towards a server): it reports connected once its handshake is done. */
    private final boolean client;
    /** A client end's {@code connected()} (or {@code connectFailed}) went to its handler. */
    private boolean connectReported;
    /** A client end's bytes to send in the clear before its ClientHello (a PROXY header), or null. */
    private java.nio.ByteBuffer firstBytes;
    /** The name a client end asked for (SNI), or null. */
    private String requestedName;

    public TlsConnection(Connection transport, SSLEngine engine, Loop loop, TlsRecordArena arena) {
        this.transport = transport;
        this.engine = engine;
        this.loop = loop;
        this.arena = arena;
        this.pool = arena.pool();
        this.in = new TlsInbound(engine, arena);
        this.out = new TlsOutbound(engine, arena);
        this.client = engine.getUseClientMode();
        this.lanes = new TlsRecordLanes(pool, new Lanes());
        if (engine.getSession().getPacketBufferSize() > pool.bufferSize()) {
            throw new IllegalArgumentException("a TLS record of " + engine.getSession().getPacketBufferSize()
                    + " bytes does not fit a record buffer of " + pool.bufferSize());
        }
        transport.handler(this);
    }

    /** Starts the handshake (the server waits for the ClientHello; a client sends it). */
    public void begin() throws SSLException {
        engine.beginHandshake();
        advanceInEvent();
    }

    @Override
    public int read(Buffer into, int maxBytes) throws IOException {
        checkUsable();
        if (handshaking && !handshakeForSession()) {
            updateInterest();
            return in.transportEnded ? -1 : 0;
        }
        int max = Math.min(maxBytes, into.writable());
        int got = in.deliverAhead(into, max);
        while (got < max && in.plainAhead == 0 && !in.closeNotified) {
            if (in.wholeRecord()) {
                int n = in.unwrapOne(into, max - got);
                if (n > 0) {
                    got += n;
                }
                afterPostHandshakeMessage();
            } else if (in.transportEnded || !fill(true, Integer.MAX_VALUE)) {
                break;
            }
        }
        releaseEmpty();
        boolean more = in.deliverable();
        // An end found behind the data just given is reported by the next read, which nothing else would prompt.
        boolean endBehind = got > 0 && (in.closeNotified || in.transportEnded);
        if ((more || endBehind) && sessionRead) {
            retryRead = true;
            loop.schedule(this);
        }
        updateInterest();
        return got == 0 && !more && (in.closeNotified || in.transportEnded) ? -1 : got;
    }

    /**
     * Reads the transport into the inbound record buffer, at most {@code max}
     * bytes. False when nothing more can come now (none waiting, no buffer, the end).
     */
    private boolean fill(boolean forSession, int max) throws IOException {
        if (in.buffer == null && !takeIn(forSession)) {
            return false;
        }
        return in.fill(transport, max);
    }

    @Override
    public int write(Buffer from, int maxBytes) throws IOException {
        checkUsable();
        // Only bytes owed are flushed first: a record buffer just handed over, still empty, is kept for the wrap
        // below. Flushing it would give it back at once, to the next waiter, and leave this write to queue
        // behind it for another: two sessions that each need one would hand it to each other forever.
        if (handshaking && !handshakeForSession() || out.owes() && !out.flush(transport)) {
            return 0;
        }
        int done = out.settlePending(from);
        while (done < maxBytes && from.readable() > 0) {
            if (out.buffer == null && !takeOut(true)) {
                break;
            }
            int n = out.wrapAndSend(from, Math.min(maxBytes - done, from.readable()), transport);
            if (n < 0) {
                // The engine's own message (a session ticket) went ahead of the data: wrap the data now.
                continue;
            }
            if (n == 0) {
                break;
            }
            done += n;
        }
        releaseEmpty();
        updateInterest();
        return done;
    }

    /**
     * Moves the handshake as far as the bytes at hand allow. Returns true once
     * it is done. It reads a record at a time, to its exact length, so that
     * when the engine answers, no record buffer is held coming in; and its
     * records go out in a record buffer taken in the request's class ({@code
     * NORMAL} before a slot), waiting in the arena's queue, holding nothing,
     * when none may be taken (docs/design.md, "Why it cannot deadlock", TLS).
     */
    private boolean advance() throws IOException {
        while (handshaking) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                }
                case NEED_WRAP -> {
                    if (!wrapHandshake()) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        return false;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    handshaking = false;
                    serverName = TlsNames.requestedServerName(engine);
                    protocol = engine.getSession().getProtocol();
                    cipher = TlsNames.opensslSuite(engine.getSession().getCipherSuite());
                    clientCertificate = !client && TlsNames.peerCertified(engine);
                    handshakeEnd = loop.clock().nanoTime();
                }
            }
        }
        releaseEmpty();
        return true;
    }

    /** One handshake record made and sent; false when it waits for a record buffer or for the socket. */
    private boolean wrapHandshake() throws IOException {
        if (out.owes() && !out.flush(transport)) {
            return false;
        }
        in.release(false);
        if (out.buffer == null && !takeOut(false)) {
            return false;
        }
        return out.wrapHeld(transport);
    }

    /** One record unwrapped during the handshake, reading the transport for it. False when none is whole yet. */
    private boolean unwrapHandshake() throws IOException {
        while (!in.wholeRecord()) {
            if (in.transportEnded) {
                throw new PeerClosed("the peer closed during the handshake");
            }
            if (!fill(false, in.restOfRecord())) {
                if (in.transportEnded) {
                    throw new PeerClosed("the peer closed during the handshake");
                }
                return false;
            }
        }
        if (in.unwrapOne(null, 0) < 0) {
            throw new PeerClosed("close_notify during the handshake");
        }
        return true;
    }

    /**
     * After a record that was not data (a key update, a new handshake): the
     * engine may want to run a task, answer, or read more. An answer waits
     * for the next data record, which the engine puts it ahead of (a key
     * update's answer need only come before our next data, RFC 8446 4.6.3),
     * so that reading never waits for an outgoing buffer.
     */
    private void afterPostHandshakeMessage() throws IOException {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
            hs = engine.getHandshakeStatus();
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
            handshaking = true;
            handshakeForSession();
        }
    }

    /** Takes the inbound record buffer, or queues for it; true when it is held now. */
    private boolean takeIn(boolean forSession) {
        in.buffer = lanes.take(true, forSession);
        return took(in.buffer);
    }

    /** Takes the outbound record buffer, or queues for it; true when it is held now. */
    private boolean takeOut(boolean forSession) {
        out.buffer = lanes.take(false, forSession);
        return took(out.buffer);
    }

    /** Once a record buffer is held (and counted), the other waits move lanes; without one, interest follows. */
    private boolean took(Buffer b) {
        if (b == null) {
            updateInterest();
            return false;
        }
        lanes.took();
        return true;
    }

    /** Record buffers this connection holds now. */
    private int held() {
        return (in.buffer != null ? 1 : 0) + (out.buffer != null ? 1 : 0);
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

    /** Gives back record buffers that hold nothing: an empty buffer is never held (docs/design.md, rule 2). */
    private void releaseEmpty() {
        Buffer held = in.buffer != null ? in.buffer : out.buffer;
        in.release(false);
        out.release(false);
        if (held != null) {
            lanes.released();
        }
    }

    /** The transport's interest, from what the handshake and the session want and what is held. */
    private void updateInterest() {
        if (closed) {
            return;
        }
        boolean reading;
        if (handshaking) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            reading = hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
        } else {
            reading = sessionRead && in.plainAhead == 0 && !in.wholeRecord();
        }
        transport.readInterest(reading && !in.transportEnded && !in.closeNotified && !lanes.waiting(true));
        transport.writeInterest(out.owes() || !handshaking && sessionWrite && !lanes.waiting(false));
    }

    /**
     * Runs the handshake from an event; a failure is kept for the session's
     * next call and the session told. Its end is told too, even to a session
     * not reading now: one that waits for the handshake before anything else
     * (a TCP session routes only then) learns it here.
     */
    private void advanceInEvent() {
        try {
            if (advance() && handler != null) {
                if (client && !connectReported) {
                    // A connection to a server is open for the session once its handshake is done.
                    connectReported = true;
                    handler.connected();
                    updateInterest();
                    return;
                }
                handler.readable();
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        updateInterest();
    }

    private void fail(IOException e) {
        noteFailure(e);
        transport.readInterest(false);
        transport.writeInterest(false);
        if (client && !connectReported && handler != null && !closed) {
            // A handshake with a server that fails is a connection that failed: the session may retry it.
            connectReported = true;
            handler.connectFailed(e);
            return;
        }
        // The session finds the failure in its next read or write, as a plain connection's reset.
        if (handler != null && !closed) {
            handler.readable();
            if (!closed) {
                handler.writable();
            }
        }
    }

    /** Keeps the first failure; the engine's own refusal sends its alert. */
    private void noteFailure(IOException e) {
        if (failure == null) {
            failure = e;
            if (handshaking) {
                handshakeFailure = e instanceof PeerClosed ? TlsHandshakeFailure.CLOSED
                        : e instanceof SSLException ? TlsHandshakeFailure.REFUSED : TlsHandshakeFailure.BROKEN;
            }
            if (e instanceof SSLException && !(e instanceof TlsFailure)) {
                sendAlert();
            }
        }
    }

    /** The handshake run from the session's read or write: a failure is kept (and its alert sent), then thrown. */
    private boolean handshakeForSession() throws IOException {
        try {
            return advance();
        } catch (IOException e) {
            noteFailure(e);
            throw e;
        }
    }

    /**
     * The engine refused the peer (no common group, suite or version, a bad
     * message): the alert it made for that goes out if the socket takes it
     * now, so the client learns why instead of seeing a reset. Made in the
     * scratch area like a close's close_notify; nothing waits for it.
     */
    private void sendAlert() {
        try {
            if (out.flush(transport)) {
                alertSent = true;
                // The engine may still owe what it made before it failed (a ServerHello, a change_cipher_spec)
                // ahead of the alert: a handful of records, each into the scratch area.
                for (int i = 0; i < 8 && !engine.isOutboundDone() && out.wrapAtClose(transport); i++) {
                    // One record a turn.
                }
            }
        } catch (IOException ignored) {
            // The transport is gone too: the reset is all the peer gets.
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

    /** The transport is readable. */
    @Override
    public void readable() {
        if (closed) {
            return;
        }
        if (handshaking) {
            advanceInEvent();
        } else if (sessionRead) {
            handler.readable();
        } else {
            updateInterest();
        }
    }

    /** The transport can take bytes. */
    @Override
    public void writable() {
        if (closed) {
            return;
        }
        try {
            if (out.owes() && !out.flush(transport)) {
                updateInterest();
                return;
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (outputClosing) {
            continueShutdown();
            updateInterest();
        } else if (handshaking) {
            advanceInEvent();
        } else if (sessionWrite || out.pendingPlain > 0) {
            handler.writable();
        } else {
            updateInterest();
        }
    }

    /**
     * The transport is open. A client end sends its bytes in the clear first
     * (a PROXY header, in one write: a socket just opened takes it whole, or
     * the connection counts as failed), then its ClientHello; its handler hears
     * {@code connected()} once the handshake is done.
     */
    @Override
    public void connected() {
        if (!client) {
            handler.connected();
            return;
        }
        if (closed) {
            return;
        }
        try {
            if (firstBytes != null) {
                transport.writePreamble(firstBytes);
                if (firstBytes.hasRemaining()) {
                    throw new TlsFailure("the connection did not take its " + firstBytes.limit()
                            + "-byte PROXY header at once");
                }
                firstBytes = null;
            }
            begin();
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void connectFailed(IOException cause) {
        connectReported = true;
        handler.connectFailed(cause);
    }

    /** A client end: what it sends in the clear before its ClientHello (a PROXY header). */
    void sendFirst(java.nio.ByteBuffer bytes) {
        this.firstBytes = bytes;
    }

    /** A client end: the server name it asks for, for reuse (a connection carries one name). */
    void requestedName(String name) {
        this.requestedName = name;
    }

    @Override
    public String requestedServerName() {
        return requestedName;
    }

    /** Re-offers what waited: plaintext at hand, or a record buffer handed over. */
    @Override
    protected void run() {
        if (closed) {
            return;
        }
        boolean read = retryRead;
        boolean write = retryWrite;
        retryRead = false;
        retryWrite = false;
        if (write && outputClosing) {
            continueShutdown();
            write = false;
        }
        if (handshaking) {
            advanceInEvent();
            return;
        }
        if (read && sessionRead) {
            handler.readable();
        }
        if (write && !closed && sessionWrite) {
            handler.writable();
        }
        updateInterest();
    }

    /** What the record lanes need of this connection. */
    private final class Lanes implements TlsRecordLanes.Owner {
        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public int held() {
            return TlsConnection.this.held();
        }

        @Override
        public void handedOver(boolean reading, Buffer b) {
            if (reading) {
                in.buffer = b;
                retryRead = true;
            } else {
                out.buffer = b;
                retryWrite = true;
            }
            loop.schedule(TlsConnection.this);
        }
    }

    @Override
    public void readInterest(boolean on) {
        sessionRead = on;
        if (on && !handshaking && (in.deliverable() || in.closeNotified || in.transportEnded)) {
            retryRead = true;
            loop.schedule(this);
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
        continueShutdown();
    }

    /**
     * The records still owed, then close_notify (and anything the engine sent
     * ahead of it), in a record buffer taken in the session's class, then the
     * FIN: as far as the socket and the arena allow now. The rest goes from
     * {@link #writable()} or when a record buffer is handed over.
     */
    private void continueShutdown() {
        try {
            while (!finSent) {
                if (out.owes() && !out.flush(transport)) {
                    updateInterest();
                    return;
                }
                if (engine.isOutboundDone()) {
                    out.release(false);
                    finSent = true;
                    transport.shutdownOutput();
                    return;
                }
                if (out.buffer == null && !takeOut(true)) {
                    return;
                }
                if (!out.wrapHeld(transport)) {
                    updateInterest();
                    return;
                }
            }
        } catch (IOException e) {
            // As a plain connection's shutdown: the next read or write reports the broken transport.
            failure = failure == null ? e : failure;
            out.release(true);
            finSent = true;
            transport.shutdownOutput();
        }
    }

    /** Sends close_notify if the transport takes it now, gives back every record buffer and closes the transport. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!handshaking && failure == null && out.pendingPlain == 0) {
            engine.closeOutbound();
            try {
                if (out.flush(transport)) {
                    while (!engine.isOutboundDone() && out.wrapAtClose(transport)) {
                        // Each wrap makes one record: close_notify, after anything the engine still owed.
                    }
                }
            } catch (IOException e) {
                // The transport is broken: closing is all that is left.
            }
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
        if (alertSent) {
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
        lanes.cancel();
        in.release(true);
        out.release(true);
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
        this.handler = handler;
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
        return serverName;
    }

    @Override
    public String tlsProtocol() {
        return protocol;
    }

    @Override
    public boolean tlsClientCertificate() {
        return clientCertificate;
    }

    @Override
    public String tlsCipher() {
        return cipher;
    }

    @Override
    public long handshakeEndNanos() {
        return handshakeEnd;
    }

    @Override
    public TlsHandshakeFailure handshakeFailure() {
        if (handshakeFailure == null && handshaking && (in.transportEnded || in.closeNotified)) {
            return TlsHandshakeFailure.CLOSED;
        }
        return handshakeFailure;
    }

    @Override
    public String listenerName() {
        return listenerName;
    }

    /** Names the listener that accepted the connection. */
    void listenerName(String name) {
        this.listenerName = name;
    }

    /** The peer ended its side in the middle of the handshake. */
    static final class PeerClosed extends TlsFailure {
        private static final long serialVersionUID = 1L;

        PeerClosed(String reason) {
            super(reason);
        }
    }

    @Override
    public boolean handshakeDone() {
        return !handshaking;
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
        return "TlsConnection[" + transport + (handshaking ? ", handshaking " + engine.getHandshakeStatus() : "")
                + (in.buffer != null ? ", in " + in.buffer.readable() + " B" : "") + (lanes.waiting(true) ? ", in waits" : "")
                + (out.buffer != null ? ", out " + out.buffer.readable() + " B" : "") + (lanes.waiting(false) ? ", out waits" : "")
                + (outputClosing ? finSent ? ", FIN sent" : ", closing" : "") + (failure != null ? ", failed" : "")
                + (closed ? ", closed]" : "]");
    }

}
