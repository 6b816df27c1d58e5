package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A {@link Connection} that speaks TLS over another one (its transport),
 * through a JDK {@link SSLEngine}. The session above reads and writes
 * plaintext as on any connection; records travel in buffers of the loop's
 * {@link TlsRecordArena}, and nothing is allocated per record but the
 * engine's own result objects.
 *
 * <p>Two record buffers at most, each held only while it holds bytes:
 * {@code inbound} keeps what was read from the transport and not yet
 * decrypted (a part of a record, or whole records the session had no room
 * for), preceded by the plaintext of a record that did not all fit where the
 * session asked for it; {@code outbound} keeps a record the transport has not
 * taken yet. A record's plaintext stays in the session's buffer, not
 * consumed, until its record is all out, so a write reports what the
 * transport took, as on a plain connection, and a close after the last write
 * loses nothing. Each is taken in the class of the plaintext it carries
 * ({@link SlotProgress}), completing a pair as {@code CRITICAL} when the other
 * is held. A connection that finds no record buffer waits in the arena's
 * queue with its transport's read interest off, and retries when one is
 * handed over.
 *
 * <p>The handshake runs inside the transport's events and the session's
 * calls. Its delegated tasks (certificate and key work) run inline on the
 * loop: the JDK's are short computations that never block, and running them
 * elsewhere would need a thread and a hand-back for little gain. Its records
 * go out from the arena's scratch area straight to the transport, taking no
 * record buffer: a handshake flight is a few kilobytes, sent on a socket
 * whose send queue holds nothing else; if the transport ever takes less, the
 * rest is kept in a record buffer if one is free now, and otherwise the
 * connection fails ({@link TlsFailure}).
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
    private final RecordWait inWait = new RecordWait(true);
    private final RecordWait outWait = new RecordWait(false);
    private final ByteBuffer[] unwrapTargets = new ByteBuffer[2];
    private ConnectionHandler handler;
    private SlotProgress progress = SlotProgress.DEFAULT;
    private Buffer inbound;
    /** How many of inbound's first held bytes are plaintext, owed to the session before any record. */
    private int plainAhead;
    private Buffer outbound;
    /** Plaintext of {@code pendingFrom} in the record that {@code outbound} still holds. */
    private int pendingPlain;
    private Buffer pendingFrom;
    private boolean handshaking = true;
    private boolean sessionRead;
    private boolean sessionWrite;
    /** close_notify came: no more plaintext will arrive. */
    private boolean closeNotified;
    /** The transport's end of stream came. */
    private boolean transportEnded;
    /** shutdownOutput() was asked: the FIN follows close_notify once outbound is out. */
    private boolean finPending;
    private boolean closed;
    /** The run of {@link #run()} re-offers what is waiting: a read, a write, the handshake. */
    private boolean retryRead;
    private boolean retryWrite;
    /** A failure found in an event, thrown to the session's next read or write. */
    private IOException failure;
    private String serverName;

    public TlsConnection(Connection transport, SSLEngine engine, Loop loop, TlsRecordArena arena) {
        this.transport = transport;
        this.engine = engine;
        this.loop = loop;
        this.arena = arena;
        this.pool = arena.pool();
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
        if (handshaking && !advance()) {
            updateInterest();
            return transportEnded ? -1 : 0;
        }
        int max = Math.min(maxBytes, into.writable());
        int got = deliverAhead(into, max);
        while (got < max && plainAhead == 0 && !closeNotified) {
            if (wholeRecord()) {
                int n = unwrapOne(into, max - got);
                if (n > 0) {
                    got += n;
                }
                afterPostHandshakeMessage();
            } else if (transportEnded || !fill(into)) {
                break;
            }
        }
        releaseEmpty();
        boolean more = deliverable();
        if (more && sessionRead) {
            retryRead = true;
            loop.schedule(this);
        }
        updateInterest();
        return got == 0 && !more && (closeNotified || transportEnded) ? -1 : got;
    }

    /** Reads the transport into inbound. False when nothing more can come now (none waiting, no buffer, the end). */
    private boolean fill(Buffer into) throws IOException {
        if (inbound == null && (inbound = take(true, into)) == null) {
            return false;
        }
        if (inbound.writable() == 0) {
            inbound.compact();
            if (inbound.writable() == 0) {
                throw new TlsFailure("a TLS record larger than " + inbound.capacity() + " bytes");
            }
        }
        int n = transport.read(inbound);
        if (n < 0) {
            transportEnded = true;
        }
        return n > 0;
    }

    /**
     * Unwraps one record of inbound: plaintext to {@code into} (at most
     * {@code max} bytes; none when {@code into} is null), the rest kept ahead
     * of inbound's records. Returns the bytes given to {@code into}, or -1 at
     * close_notify.
     */
    private int unwrapOne(Buffer into, int max) throws IOException {
        if (plainAhead > 0) {
            throw new IllegalStateException("an unwrap while " + plainAhead + " bytes of plaintext are kept");
        }
        ByteBuffer spill = arena.plainScratch();
        int toInto = into == null ? 0 : Math.max(0, max);
        unwrapTargets[0] = into == null ? NO_ROOM : into.writeView(toInto);
        unwrapTargets[1] = spill;
        int start = inbound.readIndex();
        inbound.mark();
        SSLEngineResult r;
        try {
            r = engine.unwrap(inbound.readView(), unwrapTargets);
        } finally {
            unwrapTargets[0] = null;
            unwrapTargets[1] = null;
        }
        int consumed = r.bytesConsumed();
        int produced = r.bytesProduced();
        int intoBytes = into == null ? 0 : Math.min(produced, toInto);
        int left = produced - intoBytes;
        if (into != null) {
            into.produced(intoBytes);
        }
        // The plaintext that did not fit goes just before the records that follow, in the room the record left.
        inbound.rewind();
        inbound.consumed(consumed - left);
        inbound.unmark();
        if (left > 0) {
            spill.flip();
            inbound.absoluteView().put(start + consumed - left, spill, spill.position(), left);
            plainAhead = left;
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            closeNotified = true;
            return intoBytes > 0 ? intoBytes : -1;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new TlsFailure("no room for a record's plaintext");
        }
        return intoBytes;
    }

    /** Gives the session the plaintext kept ahead of inbound's records. */
    private int deliverAhead(Buffer into, int max) {
        int n = Math.min(plainAhead, max);
        if (n <= 0) {
            return 0;
        }
        into.writeView(n).put(inbound.readView(n));
        into.produced(n);
        inbound.consumed(n);
        plainAhead -= n;
        return n;
    }

    /** Whether the session can read plaintext (or the end) now without the transport. */
    private boolean deliverable() {
        return plainAhead > 0 || !closeNotified && wholeRecord();
    }

    /** Whether inbound holds a whole record after what it keeps ahead. */
    private boolean wholeRecord() {
        if (inbound == null || inbound.readable() - plainAhead < 5) {
            return false;
        }
        int at = inbound.readIndex() + plainAhead;
        int type = inbound.get(at) & 0xff;
        if (type < 20 || type > 24 || inbound.get(at + 1) != 3) {
            // Not a TLS record: the engine says so and the connection fails, without waiting for more.
            return true;
        }
        int length = ((inbound.get(at + 3) & 0xff) << 8) | (inbound.get(at + 4) & 0xff);
        return inbound.readable() - plainAhead >= 5 + length;
    }

    @Override
    public int write(Buffer from, int maxBytes) throws IOException {
        checkUsable();
        if (handshaking && !advance()) {
            return 0;
        }
        int done = 0;
        if (pendingPlain > 0) {
            if (from != pendingFrom || from.readable() < pendingPlain) {
                throw new IllegalStateException("a write of " + from + " while " + pendingPlain
                        + " bytes of " + pendingFrom + " are in a record on its way");
            }
            if (!flushOutbound()) {
                return 0;
            }
            from.consumed(pendingPlain);
            done = pendingPlain;
            pendingPlain = 0;
            pendingFrom = null;
        } else if (!flushOutbound()) {
            return 0;
        }
        while (done < maxBytes && from.readable() > 0) {
            if (outbound == null && (outbound = take(false, from)) == null) {
                break;
            }
            int n = Math.min(Math.min(maxBytes - done, from.readable()), TlsRecordArena.applicationSize());
            SSLEngineResult r = engine.wrap(from.readView(n), outbound.writeView());
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new TlsFailure("the engine refused to wrap: " + r.getStatus());
            }
            outbound.produced(r.bytesProduced());
            if (!flushOutbound()) {
                pendingPlain = r.bytesConsumed();
                pendingFrom = from;
                break;
            }
            from.consumed(r.bytesConsumed());
            done += r.bytesConsumed();
        }
        releaseEmpty();
        updateInterest();
        return done;
    }

    /** Sends what outbound holds. True once it is all out; then its buffer goes back and a pending FIN goes. */
    private boolean flushOutbound() throws IOException {
        if (outbound == null) {
            return true;
        }
        while (outbound.readable() > 0) {
            if (transport.write(outbound) == 0) {
                return false;
            }
        }
        pool.release(outbound);
        outbound = null;
        if (finPending) {
            finPending = false;
            transport.shutdownOutput();
        }
        return true;
    }

    /**
     * Moves the handshake as far as the bytes at hand allow. Returns true once
     * it is done. Records it makes go out through the scratch area.
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
                    if (!flushOutbound() || !wrapHandshake()) {
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
                }
            }
        }
        releaseEmpty();
        return true;
    }

    /** One record unwrapped during the handshake, reading the transport for it. False when none is whole yet. */
    private boolean unwrapHandshake() throws IOException {
        while (!wholeRecord()) {
            if (transportEnded) {
                throw new TlsFailure("the peer closed during the handshake");
            }
            if (!fill(null)) {
                if (transportEnded) {
                    throw new TlsFailure("the peer closed during the handshake");
                }
                return false;
            }
        }
        if (unwrapOne(null, 0) < 0) {
            throw new TlsFailure("close_notify during the handshake");
        }
        return true;
    }

    /** Wraps one handshake record into the scratch area and sends it. False if it could not all go. */
    private boolean wrapHandshake() throws IOException {
        ByteBuffer record = arena.recordScratch();
        SSLEngineResult r = engine.wrap(EMPTY, record);
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new TlsFailure("the engine refused a handshake record: " + r.getStatus());
        }
        record.flip();
        transport.writePreamble(record);
        if (!record.hasRemaining()) {
            return true;
        }
        // The socket took less than a flight: keep the rest if a record buffer is free, or give up.
        outbound = pool.tryAllocate(Criticality.NORMAL);
        if (outbound == null) {
            throw new TlsFailure("a handshake record did not fit the socket and no record buffer was free");
        }
        int rest = record.remaining();
        outbound.writeView(rest).put(record);
        outbound.produced(rest);
        return flushOutbound();
    }

    /**
     * After a record that was not data (a key update, a ticket, a new
     * handshake): the engine may want to answer or run a task.
     */
    private void afterPostHandshakeMessage() throws IOException {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && hs != SSLEngineResult.HandshakeStatus.FINISHED) {
            handshaking = true;
            advance();
        }
    }

    /**
     * Takes a record buffer in the class of the plaintext it will carry:
     * {@code NORMAL} unless moving it frees a server slot, then {@code
     * URGENT}, or {@code CRITICAL} when the other record buffer is held.
     * Queues and returns null when none may be taken.
     */
    private Buffer take(boolean reading, Buffer plaintextSide) {
        boolean freesSlot = plaintextSide != null
                && (reading ? progress.readingFreesSlot() : progress.writingFreesSlot());
        Buffer other = reading ? outbound : inbound;
        Criticality c = !freesSlot ? Criticality.NORMAL : other != null ? Criticality.CRITICAL : Criticality.URGENT;
        RecordWait w = reading ? inWait : outWait;
        if (w.isWaiting()) {
            return null;
        }
        Buffer b = pool.allocateOrWait(c, w);
        if (b == null) {
            updateInterest();
        }
        return b;
    }

    /** Gives back record buffers that hold nothing: an empty buffer is never held (docs/design.md, rule 2). */
    private void releaseEmpty() {
        if (inbound != null && inbound.isEmpty()) {
            pool.release(inbound);
            inbound = null;
        }
        if (outbound != null && outbound.isEmpty()) {
            pool.release(outbound);
            outbound = null;
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
            reading = sessionRead && plainAhead == 0 && !wholeRecord();
        }
        transport.readInterest(reading && !transportEnded && !closeNotified && !inWait.isWaiting());
        boolean owed = outbound != null && outbound.readable() > 0;
        transport.writeInterest(owed || !handshaking && sessionWrite && !outWait.isWaiting());
    }

    /** Runs the handshake from an event; a failure is kept for the session's next call and the session told. */
    private void advanceInEvent() {
        try {
            if (advance() && sessionRead) {
                handler.readable();
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        updateInterest();
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        transport.readInterest(false);
        transport.writeInterest(false);
        // The session finds the failure in its next read or write, as a plain connection's reset.
        if (handler != null && !closed) {
            handler.readable();
            if (!closed) {
                handler.writable();
            }
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
            if (!flushOutbound()) {
                updateInterest();
                return;
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (handshaking) {
            advanceInEvent();
        } else if (sessionWrite || pendingPlain > 0) {
            handler.writable();
        } else {
            updateInterest();
        }
    }

    @Override
    public void connected() {
        handler.connected();
    }

    @Override
    public void connectFailed(IOException cause) {
        handler.connectFailed(cause);
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

    /** One direction's place in the arena's queue. */
    private final class RecordWait extends BufferWaiter {
        private final boolean reading;

        RecordWait(boolean reading) {
            this.reading = reading;
        }

        @Override
        protected void onBuffer(Buffer b) {
            if (closed) {
                pool.release(b);
                return;
            }
            if (reading) {
                inbound = b;
                retryRead = true;
            } else {
                outbound = b;
                retryWrite = true;
            }
            loop.schedule(TlsConnection.this);
        }
    }

    @Override
    public void readInterest(boolean on) {
        sessionRead = on;
        if (on && !handshaking && deliverable()) {
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
        if (closed || finPending) {
            return;
        }
        engine.closeOutbound();
        try {
            if (flushOutbound()) {
                while (!engine.isOutboundDone() && wrapHandshake()) {
                    // Each wrap makes one record: close_notify, after anything the engine still owed.
                }
            }
            if (outbound == null) {
                transport.shutdownOutput();
            } else {
                finPending = true;
                updateInterest();
            }
        } catch (IOException e) {
            // As a plain connection's shutdown: the next read or write reports the broken transport.
            failure = failure == null ? e : failure;
            transport.shutdownOutput();
        }
    }

    /** Sends close_notify if the transport takes it now, gives back every record buffer and closes the transport. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!handshaking && failure == null && pendingPlain == 0) {
            engine.closeOutbound();
            try {
                if (flushOutbound() && !engine.isOutboundDone()) {
                    wrapHandshake();
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
        transport.abort();
    }

    @Override
    public void discard() {
        abort();
    }

    /** Leaves the arena's queues and gives back what is held. */
    private void end() {
        closed = true;
        pool.cancel(inWait);
        pool.cancel(outWait);
        if (inbound != null) {
            pool.release(inbound);
            inbound = null;
        }
        if (outbound != null) {
            pool.release(outbound);
            outbound = null;
        }
        plainAhead = 0;
        pendingPlain = 0;
        pendingFrom = null;
    }

    @Override
    public boolean isOpen() {
        return !closed && transport.isOpen();
    }

    @Override
    public boolean idleConnectionLost() {
        return closed || deliverable() || transport.idleConnectionLost();
    }

    @Override
    public void handler(ConnectionHandler handler) {
        this.handler = handler;
    }

    @Override
    public void slotProgress(SlotProgress progress) {
        this.progress = progress;
    }

    @Override
    public boolean isTls() {
        return true;
    }

    @Override
    public String tlsServerName() {
        return serverName;
    }

    /** Whether the handshake is done. */
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
        return "TlsConnection[" + transport + (handshaking ? ", handshaking" : "") + (closed ? ", closed]" : "]");
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** An unwrap target with no room, for records that carry no data. */
    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);
}
