package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import java.io.IOException;
import javax.net.ssl.SSLEngine;

/**
 * A {@link TlsConnection}'s record buffers: at most two of the loop's {@link
 * TlsRecordArena}, the inbound one ({@link TlsInbound}) and the outbound one
 * ({@link TlsOutbound}), each held only while it holds bytes, and taken
 * through the connection's {@link TlsRecordLanes} in the lane of what its
 * session still needs. A take that finds no buffer waits in the arena's
 * queue; the buffer handed over later is stored here and the connection told
 * to retry. Plaintext goes through them here: unwrapped from whole records
 * one at a time, wrapped into records sent as they are made, and, at the end
 * of the output, close_notify and then the FIN.
 *
 * <p>Not thread-safe: owned by its connection, on its loop.
 */
final class TlsRecords implements TlsRecordLanes.Owner {
    private final TlsConnection connection;
    private final Connection transport;
    private final SSLEngine engine;
    final TlsInbound in;
    final TlsOutbound out;
    final TlsRecordLanes lanes;
    /** The FIN went out, behind close_notify (or at once, the transport being broken). */
    boolean finSent;

    TlsRecords(TlsConnection connection, Connection transport, SSLEngine engine, TlsRecordArena arena) {
        this.connection = connection;
        this.transport = transport;
        this.engine = engine;
        this.in = new TlsInbound(engine, arena);
        this.out = new TlsOutbound(engine, arena);
        this.lanes = new TlsRecordLanes(arena.pool(), this);
    }

    /**
     * Plaintext into {@code into}, at most {@code max} bytes: what was
     * unwrapped ahead, then whole records unwrapped one at a time, the
     * transport read for them, until the end (close_notify, the transport's)
     * or until nothing more can come now. A record that was not data may start
     * the handshake again (the connection's {@link TlsConnection#afterPostHandshakeMessage}).
     */
    int unwrapInto(Buffer into, int max) throws IOException {
        int got = in.deliverAhead(into, max);
        while (got < max && in.plainAhead == 0 && !in.closeNotified) {
            if (in.wholeRecord()) {
                int n = in.unwrapOne(into, max - got);
                if (n > 0) {
                    got += n;
                }
                connection.afterPostHandshakeMessage();
            } else if (in.transportEnded || !fill(true, Integer.MAX_VALUE)) {
                break;
            }
        }
        return got;
    }

    /**
     * Wraps up to {@code maxBytes} of {@code from} into records and sends
     * them, in the outbound record buffer (taken, or waited for, in the
     * session's lane); returns how many plaintext bytes were taken.
     */
    int wrapFrom(Buffer from, int maxBytes) throws IOException {
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
        return done;
    }

    /**
     * The records still owed, then close_notify (and anything the engine sent
     * ahead of it), in a record buffer taken in the session's class, then the
     * FIN: as far as the socket and the arena allow now. The rest goes from
     * the transport's {@link TlsEvents#writable()} or when a record buffer is handed over.
     */
    void continueShutdown() {
        try {
            while (!finSent) {
                if (out.owes() && !out.flush(transport)) {
                    connection.updateInterest();
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
                    connection.updateInterest();
                    return;
                }
            }
        } catch (IOException e) {
            // As a plain connection's shutdown: the next read or write reports the broken transport.
            connection.keepFailure(e);
            out.release(true);
            finSent = true;
            transport.shutdownOutput();
        }
    }

    /** Sends close_notify (after anything the engine still owed) if the transport takes it now; nothing waits for it. */
    void closeNotifyNow() {
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

    /**
     * Reads the transport into the inbound record buffer, at most {@code max}
     * bytes. False when nothing more can come now (none waiting, no buffer, the end).
     */
    boolean fill(boolean forSession, int max) throws IOException {
        if (in.buffer == null && !takeIn(forSession)) {
            return false;
        }
        return in.fill(transport, max);
    }

    /** Takes the inbound record buffer, or queues for it; true when it is held now. */
    private boolean takeIn(boolean forSession) {
        in.buffer = lanes.take(true, forSession);
        return took(in.buffer);
    }

    /** Takes the outbound record buffer, or queues for it; true when it is held now. */
    boolean takeOut(boolean forSession) {
        out.buffer = lanes.take(false, forSession);
        return took(out.buffer);
    }

    /** Once a record buffer is held (and counted), the other waits move lanes; without one, interest follows. */
    private boolean took(Buffer b) {
        if (b == null) {
            connection.updateInterest();
            return false;
        }
        lanes.took();
        return true;
    }

    /** Gives back record buffers that hold nothing: an empty buffer is never held (docs/design.md, rule 2). */
    void releaseEmpty() {
        Buffer held = in.buffer != null ? in.buffer : out.buffer;
        in.release(false);
        out.release(false);
        if (held != null) {
            lanes.released();
        }
    }

    /** Leaves the arena's queues and gives back what is held. */
    void end() {
        lanes.cancel();
        in.release(true);
        out.release(true);
    }

    @Override
    public boolean closed() {
        return connection.closed();
    }

    /** Record buffers this connection holds now. */
    @Override
    public int held() {
        return (in.buffer != null ? 1 : 0) + (out.buffer != null ? 1 : 0);
    }

    @Override
    public void handedOver(boolean reading, Buffer b) {
        if (reading) {
            in.buffer = b;
        } else {
            out.buffer = b;
        }
        connection.retry(reading);
    }
}
