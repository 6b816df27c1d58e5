package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * The reading half of a {@link TlsConnection}: one record buffer, held only
 * while it holds bytes, with what the transport gave and the engine has not
 * decrypted yet (a part of a record, or whole records the session had no
 * room for), preceded by the plaintext of a record that did not all fit where
 * the session asked for it. That plaintext sits in the room its own record
 * left, so a record and its plaintext never need more than the one buffer.
 *
 * <p>Not thread-safe: owned by its connection's loop.
 */
final class TlsInbound {
    private final SSLEngine engine;
    private final TlsRecordArena arena;
    private final BufferPool pool;
    private final ByteBuffer[] targets = new ByteBuffer[2];
    /** The record buffer, or null when nothing is held. */
    Buffer buffer;
    /** How many of the buffer's first held bytes are plaintext, owed to the session before any record. */
    int plainAhead;
    /** close_notify came: no more plaintext will arrive. */
    boolean closeNotified;
    /** The transport's end of stream came. */
    boolean transportEnded;

    TlsInbound(SSLEngine engine, TlsRecordArena arena) {
        this.engine = engine;
        this.arena = arena;
        this.pool = arena.pool();
    }

    /** Reads the transport into the held buffer, at most {@code max} bytes; true if bytes came. */
    boolean fill(Connection transport, int max) throws IOException {
        if (buffer.writable() == 0) {
            buffer.compact();
            if (buffer.writable() == 0) {
                throw new TlsFailure("a TLS record larger than " + buffer.capacity() + " bytes");
            }
        }
        int n = transport.read(buffer, max);
        if (n < 0) {
            transportEnded = true;
        }
        return n > 0;
    }

    /**
     * Unwraps one record: plaintext to {@code into} (at most {@code max}
     * bytes; none when {@code into} is null), the rest kept ahead of the
     * records that follow. Returns the bytes given to {@code into}, or -1 at
     * close_notify.
     */
    int unwrapOne(Buffer into, int max) throws IOException {
        if (plainAhead > 0) {
            throw new IllegalStateException("an unwrap while " + plainAhead + " bytes of plaintext are kept");
        }
        ByteBuffer spill = arena.plainScratch();
        int toInto = into == null ? 0 : Math.max(0, max);
        targets[0] = into == null ? NO_ROOM : into.writeView(toInto);
        targets[1] = spill;
        int start = buffer.readIndex();
        buffer.mark();
        SSLEngineResult r;
        try {
            r = engine.unwrap(buffer.readView(), targets);
        } finally {
            targets[0] = null;
            targets[1] = null;
        }
        int consumed = r.bytesConsumed();
        int produced = r.bytesProduced();
        int intoBytes = Math.min(produced, toInto);
        int left = produced - intoBytes;
        if (into != null) {
            into.produced(intoBytes);
        }
        // The plaintext that did not fit goes just before the records that follow, in the room its record left.
        buffer.rewind();
        buffer.consumed(consumed - left);
        buffer.unmark();
        if (left > 0) {
            spill.flip();
            buffer.absoluteView().put(start + consumed - left, spill, spill.position(), left);
            plainAhead = left;
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            closeNotified = true;
            return intoBytes > 0 ? intoBytes : -1;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new TlsFailure("no room for a record's plaintext");
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                || consumed == 0 && produced == 0
                && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            // Only a whole record, or bytes that are none, reach the engine: one that still wants more, or
            // takes nothing, was given something else (an SSLv2 hello, which Sluice does not accept), and
            // asking again would spin the loop.
            throw new TlsFailure("not a TLS record: the client speaks another protocol (an SSLv2 hello?)");
        }
        return intoBytes;
    }

    /** Gives the session the plaintext kept ahead of the records. */
    int deliverAhead(Buffer into, int max) {
        int n = Math.min(plainAhead, max);
        if (n <= 0) {
            return 0;
        }
        into.writeView(n).put(buffer.readView(n));
        into.produced(n);
        buffer.consumed(n);
        plainAhead -= n;
        return n;
    }

    /** Whether the session can read plaintext (or the end) now without the transport. */
    boolean deliverable() {
        return plainAhead > 0 || !closeNotified && wholeRecord();
    }

    /**
     * The bytes that complete the record the buffer begins (its header first):
     * what the handshake reads, so that nothing after the record is held
     * when the engine wants to answer it.
     */
    int restOfRecord() {
        int held = buffer == null ? 0 : buffer.readable() - plainAhead;
        if (held < 5) {
            return 5 - held;
        }
        int at = buffer.readIndex() + plainAhead;
        int length = ((buffer.get(at + 3) & 0xff) << 8) | (buffer.get(at + 4) & 0xff);
        return Math.max(1, 5 + length - held);
    }

    /** Whether the buffer holds a whole record after what it keeps ahead, or bytes that are no record at all. */
    boolean wholeRecord() {
        if (buffer == null || buffer.readable() - plainAhead < 5) {
            return false;
        }
        int at = buffer.readIndex() + plainAhead;
        int type = buffer.get(at) & 0xff;
        if (type < 20 || type > 24 || buffer.get(at + 1) != 3) {
            // Not a TLS record: the engine says so and the connection fails, without waiting for more.
            return true;
        }
        int length = ((buffer.get(at + 3) & 0xff) << 8) | (buffer.get(at + 4) & 0xff);
        return buffer.readable() - plainAhead >= 5 + length;
    }

    /** Gives the buffer back if it holds nothing (docs/design.md, rule 2), or whatever it holds when {@code all}. */
    void release(boolean all) {
        if (buffer != null && (all || buffer.isEmpty())) {
            pool.release(buffer);
            buffer = null;
            plainAhead = 0;
        }
    }

    /** An unwrap target with no room, for records that carry no data. */
    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);
}
