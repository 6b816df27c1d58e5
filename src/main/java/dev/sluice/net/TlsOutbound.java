package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * The writing half of a {@link TlsConnection}: one record buffer, held only
 * while the transport has not taken all of the record in it. The plaintext
 * of that record stays in the session's buffer, not consumed, until the
 * record is out ({@code pendingPlain}), so a write reports what the
 * transport took, as on a plain connection, and a close after the last
 * write loses nothing.
 *
 * <p>Handshake records are made in the arena's scratch area and sent at once,
 * taking no record buffer; the rest of one the transport did not all take is
 * kept in a record buffer if one is free now, and otherwise the connection
 * fails (a handshake flight is a few kilobytes on a socket that has sent
 * nothing else, so this is not expected to happen).
 *
 * <p>Not thread-safe: owned by its connection's loop.
 */
final class TlsOutbound {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final SSLEngine engine;
    private final TlsRecordArena arena;
    private final BufferPool pool;
    /** The record buffer, or null when nothing is owed to the transport. */
    Buffer buffer;
    /** Plaintext of {@code pendingFrom} in the record that {@code buffer} still holds. */
    int pendingPlain;
    Buffer pendingFrom;
    /** The FIN follows close_notify once the buffer is out. */
    boolean finPending;

    TlsOutbound(SSLEngine engine, TlsRecordArena arena) {
        this.engine = engine;
        this.arena = arena;
        this.pool = arena.pool();
    }

    /** Whether bytes are owed to the transport. */
    boolean owes() {
        return buffer != null && buffer.readable() > 0;
    }

    /** Sends what the buffer holds. True once all is out; the buffer then goes back and a pending FIN goes. */
    boolean flush(Connection transport) throws IOException {
        if (buffer == null) {
            return true;
        }
        while (buffer.readable() > 0) {
            if (transport.write(buffer) == 0) {
                return false;
            }
        }
        pool.release(buffer);
        buffer = null;
        if (finPending) {
            finPending = false;
            transport.shutdownOutput();
        }
        return true;
    }

    /**
     * The plaintext whose record went out since the last write: consumed from
     * {@code from} now. Call after {@link #flush} returned true.
     */
    int settlePending(Buffer from) {
        int n = pendingPlain;
        if (n == 0) {
            return 0;
        }
        if (from != pendingFrom || from.readable() < n) {
            throw new IllegalStateException("a write of " + from + " while " + n + " bytes of " + pendingFrom
                    + " are in a record on its way");
        }
        from.consumed(n);
        pendingPlain = 0;
        pendingFrom = null;
        return n;
    }

    /**
     * Wraps up to {@code n} bytes of {@code from} into the held (empty)
     * buffer and sends it. Returns the plaintext consumed, all of whose
     * record went out; when the transport took less, 0, and the plaintext
     * stays pending in {@code from}.
     */
    int wrapAndSend(Buffer from, int n, Connection transport) throws IOException {
        SSLEngineResult r = engine.wrap(from.readView(Math.min(n, TlsRecordArena.applicationSize())),
                buffer.writeView());
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new TlsFailure("the engine refused to wrap: " + r.getStatus());
        }
        buffer.produced(r.bytesProduced());
        if (!flush(transport)) {
            pendingPlain = r.bytesConsumed();
            pendingFrom = from;
            return 0;
        }
        from.consumed(r.bytesConsumed());
        return r.bytesConsumed();
    }

    /** Wraps one handshake record (or close_notify) into the scratch area and sends it. False if it could not all go. */
    boolean wrapHandshake(Connection transport) throws IOException {
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
        buffer = pool.tryAllocate(Criticality.NORMAL);
        if (buffer == null) {
            throw new TlsFailure("a handshake record did not fit the socket and no record buffer was free");
        }
        int rest = record.remaining();
        buffer.writeView(rest).put(record);
        buffer.produced(rest);
        return flush(transport);
    }

    /** Gives the buffer back if it holds nothing, or whatever it holds when {@code all}. */
    void release(boolean all) {
        if (buffer != null && (all || buffer.isEmpty())) {
            pool.release(buffer);
            buffer = null;
        }
        if (all) {
            pendingPlain = 0;
            pendingFrom = null;
        }
    }
}
