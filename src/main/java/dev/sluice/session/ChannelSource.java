package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.loop.Task;
import dev.sluice.net.Connection;
import java.io.IOException;

/**
 * The reading half of a {@link Channel}: the connection it reads from, whether
 * that stream has ended, whether the session paused it, and how far a read may
 * fill the buffer. It reads into the channel's buffer, taking one when the
 * channel has none, or queueing for one; a queued receive drops read interest
 * until a buffer is handed over, and is then retried here (this object is that
 * small task, not the session task, so that an idle channel holds no task of its own), waking the session only if it produced something: the
 * seed's "retry only the failed I/O".
 *
 * <p>Not thread-safe: owned by its session's loop.
 */
final class ChannelSource extends Task {
    /** What {@link #read} returns when the read failed and the session was told. */
    static final int FAILED = Integer.MIN_VALUE;

    private final Channel channel;
    private final ChannelOwner session;
    private final Channel.Direction direction;
    private Connection source;
    /** The source sent its end of stream. */
    private boolean ended;
    /** The session wants no more bytes from the source for now. */
    private boolean paused;
    /** The highest {@code writeIndex} a read may reach (HTTP keeps room to rewrite a head). */
    private int fillLimit = Integer.MAX_VALUE;
    /** The last read left no room in the buffer: the source likely holds more of the message already. */
    private boolean lastReadFilled;
    /** Bytes read from the source, in total ({@code %U}). */
    private long received;

    ChannelSource(Channel channel, ChannelOwner session, Channel.Direction direction) {
        this.channel = channel;
        this.session = session;
        this.direction = direction;
    }

    /** Bytes read from the source, in total. */
    long received() {
        return received;
    }

    /** The source is readable: read into the buffer, queueing for one if needed. */
    void receive() {
        if (ended || source == null || session.isClosed()) {
            return;
        }
        if (!channel.hasBuffer()) {
            if (channel.isWaiting() || !channel.takeBuffer(BufferWait.Purpose.RECEIVE)) {
                source.readInterest(false);
                return;
            }
        }
        readIntoBuffer();
    }

    /**
     * A receive tried before any readiness, such as the first read of a new
     * connection, whose bytes are usually there already. It never queues: with
     * no buffer free now, read interest will bring the receive later.
     */
    void tryReceive() {
        if (channel.hasBuffer() || channel.isWaiting() || ended || paused || source == null || session.isClosed()) {
            return;
        }
        if (channel.tryTakeBuffer()) {
            readIntoBuffer();
        }
    }

    /** Reads once into the held buffer. Returns true if that gave the session something to do. */
    private boolean readIntoBuffer() {
        Buffer b = channel.buffer();
        if (room(b) <= 0) {
            b.compact();
            if (room(b) <= 0) {
                source.readInterest(false);
                return false;
            }
        }
        int n = read(b);
        if (n == FAILED) {
            return false;
        }
        if (n > 0) {
            if (channel.streamsOn()) {
                return true;
            }
            if (room(b) <= 0 && b.readIndex() == 0) {
                source.readInterest(false);
            }
            session.wake();
            return true;
        }
        if (n < 0) {
            markEnded();
            channel.releaseIfEmpty();
            return true;
        }
        channel.releaseIfEmpty();
        return false;
    }

    /** Runs {@link #retry()}, when the channel scheduled this source after a buffer was handed over. */
    @Override
    protected void run() {
        retry();
    }

    /** The retry of a receive that waited: the buffer was handed over already. */
    void retry() {
        session.counters().ioRetries++;
        if (!channel.hasBuffer() || session.isClosed()) {
            return;
        }
        if (source == null || ended) {
            // The session moved on while the retry was queued (it answered by
            // itself and let its server go): nothing to read, keep no empty buffer.
            channel.releaseIfEmpty();
            return;
        }
        if (readIntoBuffer()) {
            session.counters().ioRetriesProductive++;
        } else {
            // Nothing came, so the session task will not run: the deadlines a
            // wait for a buffer suspended must still be armed.
            session.bufferWaitEnded();
        }
        if (!channel.hasBuffer() && !ended && !session.isClosed()) {
            source.readInterest(true);
        }
    }

    /**
     * Reads the next part of a streamed message into the buffer a write has
     * just emptied. Returns true if bytes came; the session is woken when they
     * complete the message, or when the source ended. When nothing came the
     * buffer goes back to the pool at once: an empty buffer is never held while
     * its channel waits (DESIGN.md rule 2).
     */
    boolean refill(Buffer b) {
        int n = read(b);
        if (n == FAILED) {
            return false;
        }
        if (n > 0) {
            session.counters().streamRefills++;
            if (channel.completesMessage(b.readable())) {
                session.wake();
            }
            return true;
        }
        if (n < 0) {
            markEnded();
        }
        channel.releaseIfEmpty();
        return false;
    }

    private void markEnded() {
        ended = true;
        source.readInterest(false);
        session.wake();
    }

    /** One read into the buffer's room: the count, -1 at the end of the stream, or {@link #FAILED}. */
    private int read(Buffer b) {
        int n;
        try {
            n = source.read(b, room(b));
        } catch (IOException e) {
            session.peerFailed(direction.source(), e);
            return FAILED;
        }
        if (n > 0) {
            received += n;
            lastReadFilled = room(b) <= 0;
            session.activity(direction.source());
        }
        return n;
    }

    /** Whether {@code b} can take no more bytes from the source until some are sent on. */
    boolean full(Buffer b) {
        return room(b) <= 0 && b.readIndex() == 0;
    }

    private int room(Buffer b) {
        return Math.min(b.capacity(), fillLimit) - b.writeIndex();
    }

    /** Sets read interest from the buffer's state: reading stops while it is full or while the channel waits. */
    void updateInterest(Buffer b) {
        if (source == null) {
            return;
        }
        boolean reading = !ended && !paused;
        source.readInterest(reading && (b != null ? room(b) > 0 || b.readIndex() > 0 : !channel.isWaiting()));
    }

    /**
     * Whether the channel is reading from its source now: the session then waits
     * on that peer. A channel that stopped because its buffer is full, because
     * it waits for a buffer, or because the session paused it, waits on nobody.
     */
    boolean wantsInput() {
        if (ended || paused || source == null || channel.isWaiting()) {
            return false;
        }
        Buffer b = channel.buffer();
        return b == null || room(b) > 0 || b.readIndex() > 0;
    }

    /** A refill right after a write may read the rest of the message: the source is open, read, and had more. */
    boolean mayRefill() {
        return lastReadFilled && source != null && !ended && !paused;
    }

    /** The session's classes changed: the connection read may move waits of its own. */
    void slotProgressChanged() {
        if (source != null) {
            source.slotProgressChanged();
        }
    }

    void readFrom(Connection c) {
        source = c;
        ended = false;
    }

    void detach() {
        source = null;
    }

    void limitFill(int writeIndex) {
        fillLimit = writeIndex;
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    boolean paused() {
        return paused;
    }

    boolean ended() {
        return ended;
    }

    String describe() {
        return (ended ? " source-ended" : "") + (paused ? " paused" : "");
    }
}
