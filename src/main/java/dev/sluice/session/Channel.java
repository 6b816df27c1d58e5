package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.BufferWaiter;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import dev.sluice.net.Connection;
import java.io.IOException;

/**
 * One direction of a session: bytes read from {@code source} wait in at most
 * one buffer until they are written to {@code sink}.
 *
 * <p>The channel is also the waiter for its own receive. When a receive finds
 * no buffer it may take, the channel queues in the pool with its current
 * criticality and drops read interest. The releasing side hands it a buffer;
 * the channel then retries the receive itself (a small task, not the session
 * task), and wakes the session task only if the receive produced something:
 * bytes or the end of the stream. This is the seed's "retry only the failed
 * I/O".
 *
 * <p>A buffer is held only while it holds bytes owed to the sink: an emptied
 * buffer goes back to the pool at once (DESIGN.md rule 2).
 *
 * <p>Not thread-safe: owned by its session's loop.
 */
final class Channel extends BufferWaiter {
    /** Which peer a channel reads from; used to name an abort. */
    enum Direction { REQUEST, RESPONSE }

    private final TcpSession session;
    private final Loop loop;
    private final BufferPool pool;
    final Direction direction;
    private final Task retry;

    Connection source;
    Connection sink;
    Buffer buffer;
    /** The source sent its end of stream. */
    boolean sourceEnded;
    /** The end of stream was passed on to the sink (FIN sent). */
    boolean sinkShut;
    /** Bytes that reached the sink. */
    long forwarded;

    Channel(TcpSession session, Loop loop, Direction direction) {
        this.session = session;
        this.loop = loop;
        this.pool = loop.pool();
        this.direction = direction;
        this.retry = new Task() {
            @Override
            protected void run() {
                retryReceive();
            }
        };
    }

    /** The source is readable: read into the buffer, queueing for one if needed. */
    void receive() {
        if (sourceEnded || source == null || session.isClosed()) {
            return;
        }
        if (buffer == null) {
            if (isWaiting()) {
                source.readInterest(false);
                return;
            }
            buffer = pool.allocateOrWait(session.criticality(direction), this);
            if (buffer == null) {
                source.readInterest(false);
                return;
            }
        }
        readIntoBuffer();
    }

    /** Reads once into the held buffer. Returns true if that gave the session something to do. */
    private boolean readIntoBuffer() {
        Buffer b = buffer;
        if (b.writable() == 0) {
            b.compact();
            if (b.writable() == 0) {
                source.readInterest(false);
                return false;
            }
        }
        int n;
        try {
            n = source.read(b);
        } catch (IOException e) {
            session.peerFailed(direction == Direction.REQUEST, e);
            return false;
        }
        if (n > 0) {
            session.activity(direction == Direction.REQUEST);
            if (b.writable() == 0 && b.readIndex() == 0) {
                source.readInterest(false);
            }
            session.wake();
            return true;
        }
        if (n < 0) {
            sourceEnded = true;
            source.readInterest(false);
            releaseIfEmpty();
            session.wake();
            return true;
        }
        releaseIfEmpty();
        return false;
    }

    /** The retry of a receive that waited: the buffer was handed over already. */
    private void retryReceive() {
        session.counters().ioRetries++;
        if (buffer == null || session.isClosed()) {
            return;
        }
        if (readIntoBuffer()) {
            session.counters().ioRetriesProductive++;
        }
        if (buffer == null && !sourceEnded && !session.isClosed()) {
            source.readInterest(true);
        }
    }

    @Override
    protected void onBuffer(Buffer handed) {
        if (handed == null) {
            // Comparison policies only: woken without a buffer, try again.
            handed = pool.allocateAfterWakeup(session.criticality(direction), this);
            if (handed == null) {
                return;
            }
        }
        if (buffer != null) {
            throw new IllegalStateException(direction + " channel handed a second buffer");
        }
        buffer = handed;
        loop.schedule(retry);
    }

    /**
     * Writes what the buffer holds to the sink and passes on the end of the
     * stream once everything went out. Returns false if the session closed.
     */
    boolean forward() {
        Buffer b = buffer;
        if (b != null && b.readable() > 0) {
            int n;
            try {
                n = sink.write(b);
            } catch (IOException e) {
                session.peerFailed(direction == Direction.RESPONSE, e);
                return false;
            }
            if (n > 0) {
                forwarded += n;
                session.activity(direction == Direction.RESPONSE);
            }
            releaseIfEmpty();
        }
        updateInterest();
        if (sourceEnded && buffer == null && !sinkShut) {
            sink.shutdownOutput();
            sinkShut = true;
        }
        return true;
    }

    /** Sets read and write interest from the buffer's state: back-pressure lives here. */
    void updateInterest() {
        Buffer b = buffer;
        if (b != null) {
            sink.writeInterest(b.readable() > 0);
            source.readInterest(!sourceEnded && (b.writable() > 0 || b.readIndex() > 0));
        } else {
            if (sink != null) {
                sink.writeInterest(false);
            }
            source.readInterest(!sourceEnded && !isWaiting());
        }
    }

    /**
     * The session's criticality for this direction changed (it took a server
     * slot): a waiter queued under the old class moves to the new one, at its tail.
     */
    void criticalityChanged() {
        if (!isWaiting()) {
            return;
        }
        Criticality now = session.criticality(direction);
        if (waitingAs() == now) {
            return;
        }
        pool.cancel(this);
        buffer = pool.allocateOrWait(now, this);
        if (buffer != null) {
            loop.schedule(retry);
        }
    }

    /** Whether bytes are still owed to the sink. */
    boolean holdsBytes() {
        return buffer != null && buffer.readable() > 0;
    }

    private void releaseIfEmpty() {
        if (buffer != null && buffer.isEmpty()) {
            Buffer b = buffer;
            buffer = null;
            pool.release(b);
        }
    }

    /** Gives everything back: the buffer, and the place in a wait queue. */
    void dispose() {
        if (isWaiting()) {
            pool.cancel(this);
        }
        if (buffer != null) {
            Buffer b = buffer;
            buffer = null;
            pool.release(b);
        }
    }
}
