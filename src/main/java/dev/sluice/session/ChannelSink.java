package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.net.Connection;
import java.io.IOException;

/**
 * The writing half of a {@link Channel}: the connection it writes to, whether
 * the end of the stream went on to it (FIN sent), and how many bytes reached
 * it. It writes what the channel's buffer holds, as far as the channel's
 * forward limit allows, refills the buffer from the reading half ({@link
 * ChannelSource}) in the middle of a streamed message, and corks the sink
 * around a message's last two parts.
 *
 * <p>Not thread-safe: owned by its session's loop.
 */
final class ChannelSink {
    /**
     * Reads that {@link #forward()} makes at most, each after a write that
     * emptied the buffer in the middle of a streamed message, before it leaves
     * the rest to the next readiness: 64 KB with 16 KB buffers, so that a fast
     * transfer does not hold the loop.
     */
    static final int MAX_REFILLS = 4;

    private final Channel channel;
    private final ChannelOwner session;
    private final Channel.Direction direction;
    private final ChannelSource in;
    private Connection sink;
    /** The end of stream was passed on to the sink (FIN sent). */
    private boolean shut;
    /** Bytes that reached the sink. */
    private long forwarded;

    ChannelSink(Channel channel, ChannelOwner session, Channel.Direction direction, ChannelSource in) {
        this.channel = channel;
        this.session = session;
        this.direction = direction;
        this.in = in;
    }

    /**
     * Writes what the buffer holds to the sink and passes on the end of the
     * stream once everything went out. Returns false if the session closed.
     *
     * <p>A streamed message bigger than the buffer (a 20 KB response through a
     * 16 KB buffer) would leave in two segments a loop pass apart, and wake its
     * reader twice. So when the last read filled the buffer and the message
     * goes on past it, the write that empties the buffer is followed at once by
     * a read of the rest, up to {@link #MAX_REFILLS} times. When one more buffer
     * completes the message, the sink is corked ({@link Connection#cork}) first,
     * so that the last two parts leave as one segment. The cork is lifted as
     * soon as the writes stop, unless the message is complete and the sink
     * closes after it: its FIN then carries the held bytes out. A TCP relay,
     * whose length is unknown, is refilled but never corked.
     */
    boolean forward() {
        boolean corked = false;
        int refills = 0;
        Buffer b;
        long limit;
        while ((b = channel.buffer()) != null && b.readable() > 0 && (limit = channel.forwardLimit()) > 0
                && sink != null) {
            boolean more = channel.streaming() && in.mayRefill() && limit > b.readable() && refills < MAX_REFILLS;
            // Only the message's last part is worth a cork: one more buffer completes it, so the
            // cork is lifted or closed within this call. Corking every part of a big download
            // would cost two calls per readiness for nothing (each write fills segments anyway).
            if (more && !corked && limit - b.readable() <= b.capacity()) {
                sink.cork(true);
                corked = true;
            }
            int n;
            try {
                n = sink.write(b, (int) Math.min(limit, Integer.MAX_VALUE));
            } catch (IOException e) {
                session.writeFailed(direction.sink(), e);
                return false;
            }
            if (n > 0) {
                forwarded += n;
                channel.sent(n);
                session.activity(direction.sink());
            }
            if (!more || !b.isEmpty()) {
                channel.releaseIfEmpty();
                break;
            }
            // The write emptied the buffer and the message goes on: its next part is read into the
            // same buffer at once. Given back, the buffer would go to the head waiter, and the rest
            // of a message half sent would wait in the queue behind it, holding its server longer.
            if (!in.refill(b)) {
                break;
            }
            refills++;
        }
        if (session.isClosed()) {
            return false;
        }
        if (refills > 0) {
            session.streamed();
        }
        channel.updateInterest();
        if (channel.relaysEnd() && in.ended() && !channel.hasBuffer() && !shut) {
            // With the other direction over too, the session closes now, and the
            // close passes this end on: a shutdown first would be a wasted call.
            if (!channel.peerSinkShut()) {
                sink.shutdownOutput();
            }
            shut = true;
        }
        if (corked && !shut && !(channel.forwardLimit() == 0 && session.closesAfterMessage(direction))) {
            sink.cork(false);
        }
        return true;
    }

    /** Write interest when the buffer {@code b} holds bytes the forward limit lets through. */
    void updateInterest(Buffer b) {
        if (sink != null) {
            sink.writeInterest(b != null && b.readable() > 0 && channel.forwardLimit() > 0);
        }
    }

    /** The session's state changed: a TLS sink takes its record buffers in the new class. */
    void slotProgressChanged() {
        if (sink != null) {
            sink.slotProgressChanged();
        }
    }

    /** Whether there is a sink to write to. */
    boolean attached() {
        return sink != null;
    }

    /** Writes to {@code c} from now on: a new sink, not shut yet. */
    void writeTo(Connection c) {
        sink = c;
        shut = false;
    }

    /** Stops writing to the sink. */
    void detach() {
        sink = null;
    }

    boolean shut() {
        return shut;
    }

    /** Bytes that reached the sink, in total. */
    long forwarded() {
        return forwarded;
    }
}
