package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
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
 * <p>Handshake records are made in a record buffer taken as a data
 * record's is, and sent ({@link #wrapHeld}); a message the engine sends
 * after the handshake (a session ticket, the answer to a key update) goes
 * ahead of the next data record, in that record's buffer. Only a close's
 * close_notify is made in the arena's scratch area, and sent if the socket
 * takes it then.
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

    TlsOutbound(SSLEngine engine, TlsRecordArena arena) {
        this.engine = engine;
        this.arena = arena;
        this.pool = arena.pool();
    }

    /** Whether bytes are owed to the transport. */
    boolean owes() {
        return buffer != null && buffer.readable() > 0;
    }

    /** Sends what the buffer holds. True once all is out; the buffer then goes back. */
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
     * stays pending in {@code from}. -1 when the engine put a message of its
     * own ahead of the data and all of it went: wrap again, into a new buffer.
     */
    int wrapAndSend(Buffer from, int n, Connection transport) throws IOException {
        SSLEngineResult r = engine.wrap(from.readView(Math.min(n, TlsRecordArena.applicationSize())),
                buffer.writeView());
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new TlsFailure("the engine refused to wrap: " + r.getStatus());
        }
        buffer.produced(r.bytesProduced());
        if (r.bytesConsumed() == 0 && r.bytesProduced() > 0) {
            return flush(transport) ? -1 : 0;
        }
        if (!flush(transport)) {
            pendingPlain = r.bytesConsumed();
            pendingFrom = from;
            return 0;
        }
        from.consumed(r.bytesConsumed());
        return r.bytesConsumed();
    }

    /**
     * Wraps one record of the engine's own (a handshake message,
     * close_notify) into the held, empty buffer and sends it. True once all
     * of it went (the buffer is then back).
     */
    boolean wrapHeld(Connection transport) throws IOException {
        SSLEngineResult r = engine.wrap(EMPTY, buffer.writeView());
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new TlsFailure("the engine refused a handshake record: " + r.getStatus());
        }
        buffer.produced(r.bytesProduced());
        return flush(transport);
    }

    /**
     * A close's close_notify, made in the scratch area: what the socket takes
     * now goes, the rest is dropped with the connection. True if it all went;
     * false too when the engine had no record left to make.
     */
    boolean wrapAtClose(Connection transport) throws IOException {
        ByteBuffer record = arena.recordScratch();
        SSLEngineResult r = engine.wrap(EMPTY, record);
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new TlsFailure("the engine refused a handshake record: " + r.getStatus());
        }
        record.flip();
        if (!record.hasRemaining()) {
            return false;
        }
        transport.writePreamble(record);
        return !record.hasRemaining();
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
