package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import java.io.IOException;

/**
 * One byte stream to a peer (a client or a server), as the sans-I/O core sees
 * it. The NIO implementation is {@link NioConnection}; the simulator has its own.
 *
 * <p>Readiness is reported to the {@link ConnectionHandler}; reads and writes
 * never block. Interest is level-triggered: while read interest is on and
 * bytes (or the end of stream) are waiting, {@code readable()} keeps coming.
 *
 * <p>Not thread-safe: used only on the loop that owns it.
 */
public interface Connection {
    /**
     * Reads into the buffer's free room (after its {@code writeIndex}) and
     * records what arrived. Returns the byte count, 0 if nothing was waiting,
     * or -1 at the end of the stream.
     */
    default int read(Buffer into) throws IOException {
        return read(into, Integer.MAX_VALUE);
    }

    /** Like {@link #read(Buffer)}, reading at most {@code maxBytes}. */
    int read(Buffer into, int maxBytes) throws IOException;

    /** Writes the buffer's held bytes, consumes what went out and returns that count (maybe 0). */
    default int write(Buffer from) throws IOException {
        return write(from, Integer.MAX_VALUE);
    }

    /** Like {@link #write(Buffer)}, writing at most the first {@code maxBytes} held bytes. */
    int write(Buffer from, int maxBytes) throws IOException;

    /**
     * Writes a few bytes that are not in a pool buffer (the PROXY header of
     * {@code send-proxy}, at most 107 bytes, on a connection that has just
     * opened and so has an empty send queue; a TLS handshake record from its
     * arena's scratch area); returns how many went out. A connection that
     * cannot send such bytes says so with an exception.
     */
    default int writePreamble(java.nio.ByteBuffer bytes) throws IOException {
        throw new IOException("this connection sends no preamble");
    }

    void readInterest(boolean on);

    void writeInterest(boolean on);

    /**
     * While corked, the connection holds written bytes that do not fill a
     * segment, so that one message written in several writes leaves as few
     * segments as it can; uncorking sends what it holds at once, and so do
     * {@link #shutdownOutput()} and every close. A hint about packets only:
     * the bytes and their order never change, and a connection that cannot
     * cork ignores it.
     */
    default void cork(boolean on) {
    }

    /** Sends FIN after what was written: the peer reads the end of the stream. Reading goes on. */
    void shutdownOutput();

    /** Closes both directions and deregisters. Idempotent. */
    void close();

    /**
     * Closes after an answer that did not read everything the peer is sending
     * (a refusal in the middle of an upload). Closing at once with unread
     * input makes the system reset the connection, and a reset can destroy the
     * answer in the peer's receive buffer before the peer reads it. So the FIN
     * goes now, and what still arrives is read and dropped until the peer
     * closes or {@code maxNanos} pass; then the connection closes. Idempotent.
     */
    default void closeLingering(long maxNanos) {
        close();
    }

    /** Closes with a reset (no lingering data), for an aborted exchange. Idempotent. */
    void abort();

    /**
     * Closes a connection at rest: nothing is owed in either direction, as for
     * a server connection whose response ended and that is not kept for reuse,
     * or an idle one pushed out of its pool. It is reset rather than closed
     * with a FIN, so that no TIME_WAIT stays on this side, where it would hold
     * an ephemeral port and slow every later connect to the same server.
     */
    default void discard() {
        abort();
    }

    boolean isOpen();

    /**
     * Whether an idle connection is known to be unusable now: its peer closed
     * it, reset it, or sent bytes nobody asked for. Checked, without blocking,
     * right before an idle server connection is reused, so that a close that
     * arrived since the last poll is not found only by the request sent on it.
     */
    default boolean idleConnectionLost() {
        return !isOpen();
    }

    void handler(ConnectionHandler handler);

    /**
     * Tells a connection that takes buffers of its own (TLS records) which of
     * its session's directions free a server slot; a plain connection takes
     * none and ignores it.
     */
    default void slotProgress(SlotProgress progress) {
    }

    /**
     * What {@link #slotProgress} answers may have changed (the session took a
     * slot, or one of its directions got or gave back its buffer): a
     * connection waiting for buffers of its own moves its waits to the class
     * that follows, as a session's channel does.
     */
    default void slotProgressChanged() {
    }

    /**
     * Counts this connection's own buffers (TLS records) with {@code other}'s,
     * the other connection of the same session, so that each takes in the lane
     * of what the session as a whole still needs (docs/design.md, "Why it
     * cannot deadlock", TLS). Nothing for a connection without buffers of its own.
     */
    default void shareRecordsWith(Connection other) {
    }

    /** Undoes {@link #shareRecordsWith}: the connection leaves its session (parked, kept, closed). */
    default void stopSharingRecords() {
    }

    /**
     * The gate over the loop's client pool and the pool this connection's own
     * buffers (TLS records) come from, where its session claims both together
     * ({@link dev.sluice.buffer.BufferClaim}); null for a connection without
     * buffers of its own, or whose records are a health check's.
     */
    default dev.sluice.buffer.ClaimGate claims() {
        return null;
    }

    /** Counts this connection's own buffers to its session's claim ({@code null}: to none). */
    default void claimWith(dev.sluice.buffer.BufferClaim claim) {
    }

    /** Whether the TLS client gave a certificate that checked out ({@code ssl_c_used}); false on a plain one. */
    default boolean tlsClientCertificate() {
        return false;
    }

    /** What the TLS client's certificate says ({@code ssl_c_s_dn} and the like), or null without one. */
    default TlsPeer tlsPeer() {
        return null;
    }

    /** The server name this connection asked a server for (SNI), when it opened one over TLS; else null. */
    default String requestedServerName() {
        return null;
    }

    /** Whether bytes on this connection are TLS-protected ({@code ssl_fc}). */
    default boolean isTls() {
        return false;
    }

    /** The server name the TLS client asked for ({@code ssl_fc_sni}), or {@code null}. */
    default String tlsServerName() {
        return null;
    }

    /**
     * Whether the connection's own handshake (TLS) is done, so that what it
     * agreed can be read; true for a plain connection. The handler hears
     * {@code readable()} when it ends, whether or not it asked to read.
     */
    default boolean handshakeDone() {
        return true;
    }

    /**
     * Why this connection's handshake failed, or null when it did not (or
     * has none): a session that ends before the handshake is done logs it.
     */
    default TlsHandshakeFailure handshakeFailure() {
        return null;
    }

    /** The name of the listener that accepted this connection, for its handshake's log line, or null. */
    default String listenerName() {
        return null;
    }

    /** What {@link #handshakeEndNanos()} gives for a connection without a handshake, or one not done yet. */
    long NO_HANDSHAKE = Long.MIN_VALUE;

    /** When, on its loop's clock, the connection's TLS handshake ended ({@code %Th}); {@link #NO_HANDSHAKE} if not. */
    default long handshakeEndNanos() {
        return NO_HANDSHAKE;
    }

    /** The suite the TLS handshake agreed on, by OpenSSL's name ({@code %sslc}), or {@code null}. */
    default String tlsCipher() {
        return null;
    }

    /** The TLS version the handshake agreed on ({@code ssl_fc_protocol}: {@code TLSv1.3}), or {@code null}. */
    default String tlsProtocol() {
        return null;
    }

    /** A short description of the peer, for logs ("127.0.0.1:51234"). */
    String peer();

    /** The peer's IP address (for X-Forwarded-For and {@code src} ACLs), or {@code null} when unknown. */
    default java.net.InetAddress remoteAddress() {
        return null;
    }

    /** The peer's port, or 0 when unknown. */
    default int remotePort() {
        return 0;
    }

    /**
     * This end's address and port: for an accepted connection, where the
     * client connected to ({@code dst}, {@code dst_port}); {@code null} when unknown.
     */
    default java.net.InetSocketAddress localAddress() {
        return null;
    }
}
