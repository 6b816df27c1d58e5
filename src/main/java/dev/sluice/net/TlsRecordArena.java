package dev.sluice.net;

import dev.sluice.buffer.BufferPool;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * One loop's memory for TLS records, carved at start-up apart from the client
 * pool: a pool of record buffers, each large enough for one whole record with
 * its header, padding and tag (the engine's packet size, 16709 bytes for the
 * JDK), with a wait queue of its own; and two scratch areas that a {@link
 * TlsConnection} uses only inside one call and never keeps (a record being
 * made for the handshake, a record's plaintext that did not fit where it was
 * asked to go).
 *
 * <p>A record buffer of the client pool would not do: the JDK's engine wraps
 * only into at least a packet's room and a record may carry 16384 bytes of
 * data, more than {@code tune.bufsize}'s default. The arena's rules are the
 * client pool's (docs/design.md, "Why it cannot deadlock", TLS): a record
 * buffer is taken in the class of the plaintext it carries, and it is held
 * only while it holds bytes owed to a peer or to the session.
 *
 * <p>Not thread-safe: owned by one loop.
 */
public final class TlsRecordArena {
    /** The arena's reserve: what a session without a server slot leaves free. */
    public static final int RESERVE = 2;

    private final BufferPool pool;
    /** Where sessions claim client buffers and records together; null for an arena built without its loop's pool. */
    private final dev.sluice.buffer.ClaimGate claims;
    private final ByteBuffer recordScratch;
    private final ByteBuffer plainScratch;

    /**
     * @param buffers record buffers on this loop, at least {@link #RESERVE} + 2
     * @param recordSize bytes per record buffer, at least {@link #packetSize()}
     */
    public TlsRecordArena(int buffers, int recordSize, LongSupplier clock) {
        this(buffers, recordSize, 1, clock);
    }

    /**
     * An arena for sessions that hold up to {@code depth + 1} record buffers
     * at once: 2 with TLS on one side (depth 1), 4 with TLS towards both the
     * client and the server (depth 3). Its reserve is {@code depth + 1}, so
     * that a slot holder's first record buffer finds all it may need (docs/design.md).
     *
     * @param buffers record buffers on this loop, at least {@link #reserve(int)} + 2
     */
    public TlsRecordArena(int buffers, int recordSize, int depth, LongSupplier clock) {
        this(null, buffers, recordSize, depth, clock);
    }

    /**
     * The same beside {@code clientPool}, the loop's client pool: a session
     * whose exchange moves records claims its buffers of both together
     * ({@link #claims()}); null builds an arena without (a health check's).
     */
    public TlsRecordArena(BufferPool clientPool, int buffers, int recordSize, int depth, LongSupplier clock) {
        this(clientPool, null, buffers, recordSize, depth, clock);
    }

    /**
     * The same, its record buffers carved from {@code memory} (at least
     * {@code buffers * recordSize} direct bytes, mapped on demand so that
     * records never used are never resident), or from a direct buffer of its
     * own when null.
     */
    public TlsRecordArena(BufferPool clientPool, ByteBuffer memory, int buffers, int recordSize, int depth,
                          LongSupplier clock) {
        int reserve = reserve(depth);
        if (buffers < reserve + 2) {
            throw new IllegalArgumentException("a TLS record arena needs at least " + (reserve + 2)
                    + " buffers, got " + buffers);
        }
        if (recordSize < packetSize()) {
            throw new IllegalArgumentException("a TLS record buffer needs " + packetSize() + " bytes, got " + recordSize);
        }
        this.pool = new BufferPool(memory, buffers, recordSize, reserve, depth, clock);
        this.claims = clientPool == null ? null : new dev.sluice.buffer.ClaimGate(clientPool, pool);
        this.recordScratch = ByteBuffer.allocateDirect(recordSize);
        this.plainScratch = ByteBuffer.allocateDirect(applicationSize());
    }

    /** The reserve of an arena of that depth: what a session without a server slot leaves free. */
    public static int reserve(int depth) {
        return Math.max(RESERVE, depth + 1);
    }

    /** The gate where sessions claim this arena's records and the client pool's buffers together, or null. */
    public dev.sluice.buffer.ClaimGate claims() {
        return claims;
    }

    /** The record buffers and their wait queue, counted as any pool is. */
    public BufferPool pool() {
        return pool;
    }

    /** Room for one record, used and emptied inside one call. */
    ByteBuffer recordScratch() {
        return recordScratch.clear();
    }

    /** Room for one record's plaintext, used and emptied inside one call. */
    ByteBuffer plainScratch() {
        return plainScratch.clear();
    }

    /** Bytes carved for TLS on this loop: the record buffers and both scratch areas. */
    public long bytes() {
        return (long) pool.capacity() * pool.bufferSize() + recordScratch.capacity() + plainScratch.capacity();
    }

    private static SSLSession probe() {
        try {
            return SSLContext.getDefault().createSSLEngine().getSession();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }

    /** The largest record the JDK's engine reads or writes by default, header included. */
    public static int packetSize() {
        return Sizes.PACKET;
    }

    /** The most plaintext one record carries. */
    public static int applicationSize() {
        return Sizes.APPLICATION;
    }

    /** Asked once of a throwaway engine. */
    private static final class Sizes {
        static final int PACKET;
        static final int APPLICATION;

        static {
            SSLSession s = probe();
            PACKET = s.getPacketBufferSize();
            APPLICATION = s.getApplicationBufferSize();
        }
    }
}
