package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.loop.Loop;
import dev.sluice.net.Connection;

/**
 * One direction of a session: bytes its reading half ({@link ChannelSource})
 * reads wait in at most one buffer until its writing half ({@link
 * ChannelSink}) writes them to the sink.
 * A receive that finds no buffer it may take waits in the pool's queue
 * ({@link BufferWait}), and is retried by itself once one is handed over.
 *
 * <p>A buffer is held only while it holds bytes owed to the sink: an emptied
 * buffer goes back to the pool at once (DESIGN.md rule 2).
 *
 * <p>Not thread-safe: owned by its session's loop.
 */
final class Channel {
    /** Which peer a channel reads from; used to name an abort. */
    enum Direction {
        REQUEST, RESPONSE;

        /** The peer this direction reads from. */
        Side source() {
            return this == REQUEST ? Side.CLIENT : Side.SERVER;
        }

        /** The peer this direction writes to. */
        Side sink() {
            return this == REQUEST ? Side.SERVER : Side.CLIENT;
        }
    }

    /** What {@link #forward()} does with the source's end of stream. */
    enum EndOfStream {
        /** Passes it on to the sink once everything went out (a TCP relay's half-close). */
        RELAY,
        /** Keeps it: the session decides what an end means (HTTP). */
        KEEP
    }

    private final ChannelOwner session;
    private final Loop loop;
    private final BufferPool pool;
    final Direction direction;
    private EndOfStream endOfStream;

    /** The reading half: the source, its end, the session's pause, the fill limit. */
    private final ChannelSource in;
    /** The writing half: the sink, its end, the bytes that reached it. */
    private final ChannelSink out;
    private Buffer buffer;
    /**
     * How many of the held bytes, from {@code readIndex}, may go to the sink:
     * unbounded for a TCP relay; for HTTP, what the analysers have cleared
     * (a rewritten head, the body bytes of the current message).
     */
    private long forwardLimit = Long.MAX_VALUE;
    /**
     * No analyser needs to see the bytes until {@link #forwardLimit} is reached
     * (a TCP relay, an HTTP body of known length): receives forward them at once.
     */
    private boolean streaming;
    /** The session's other direction: its holding a buffer or not changes this channel's class. */
    private Channel peer;
    /** The channel's place in its pool's wait queue. */
    private final BufferWait wait;

    Channel(ChannelOwner session, Loop loop, Direction direction, EndOfStream endOfStream) {
        this(session, loop, loop.pool(), direction, endOfStream);
    }

    /** A channel that takes its buffers from {@code pool}: the loop's, or its applet arena for a frontend that serves itself. */
    Channel(ChannelOwner session, Loop loop, BufferPool pool, Direction direction, EndOfStream endOfStream) {
        this.session = session;
        this.loop = loop;
        this.pool = pool;
        this.direction = direction;
        this.endOfStream = endOfStream;
        this.wait = new BufferWait(this, pool, loop.clock());
        this.in = new ChannelSource(this, session, direction);
        this.out = new ChannelSink(this, session, direction, in);
    }

    /** Counts this channel's buffers to its session's claim ({@link dev.sluice.buffer.BufferClaim}). */
    void claimWith(dev.sluice.buffer.BufferClaim claim) {
        wait.claimWith(claim);
    }

    /** The source is readable: read into the buffer, queueing for one if needed. */
    void receive() {
        in.receive();
    }

    /** Whether the reading half's retry waits in the run queue (a buffer was handed to it). */
    boolean isQueued() {
        return in.isQueued();
    }

    /** A receive tried before any readiness (a new connection's first bytes); it never queues. */
    void tryReceive() {
        in.tryReceive();
    }

    /** Takes a buffer for the reading half, or queues for one; false when it must wait. */
    boolean takeBuffer(BufferWait.Purpose purpose) {
        buffer = wait.take(session.criticality(direction), purpose);
        if (buffer == null) {
            return false;
        }
        peerChanged();
        return true;
    }

    /** Takes a buffer if one may be taken now, without queueing. */
    boolean tryTakeBuffer() {
        Buffer b = pool.tryAllocate(session.criticality(direction), wait);
        if (b == null) {
            return false;
        }
        buffer = b;
        peerChanged();
        return true;
    }

    /**
     * Passes fresh bytes on to the sink right here, without a session task run,
     * when no analyser needs to see them; false when one does. The session is
     * woken only once the whole current message has arrived (its analysers
     * then close the exchange).
     */
    boolean streamsOn() {
        if (!streaming || !out.attached()) {
            return false;
        }
        if (forward()) {
            session.streamed();
            if (buffer == null ? forwardLimit == 0 : completesMessage(buffer.readable())) {
                session.wake();
            }
        }
        return true;
    }

    /** Whether {@code held} bytes reach the end of the current message (a TCP relay has none). */
    boolean completesMessage(int held) {
        return forwardLimit != Long.MAX_VALUE && held >= forwardLimit;
    }

    /**
     * The buffer the channel waited for was handed over, in the middle of
     * another holder's release: it is kept, and the receive retried, or the
     * reply written, from a task (no I/O here).
     */
    void handed(Buffer b, BufferWait.Purpose purpose) {
        if (buffer != null) {
            throw new IllegalStateException(direction + " channel handed a second buffer");
        }
        gotBuffer(b, purpose);
    }

    /**
     * Gets a buffer to produce bytes into (an error page, a reply), allocated
     * with the session's current class. Returns false when the channel must
     * wait: {@link ChannelOwner#bufferForProducing} is called once it has one.
     */
    boolean bufferToProduce() {
        if (buffer != null) {
            return true;
        }
        if (wait.waitsToProduce()) {
            return false;
        }
        // A receive that waited gives its place to the reply.
        wait.cancel();
        buffer = wait.take(session.criticality(direction), BufferWait.Purpose.PRODUCE);
        if (buffer == null) {
            return false;
        }
        peerChanged();
        return true;
    }

    /** This channel got or gave back its buffer: the other direction's class may change. */
    private void peerChanged() {
        if (peer != null) {
            peer.criticalityChanged();
        }
    }

    /**
     * Writes what the buffer holds to the sink and passes on the end of the
     * stream once everything went out ({@link ChannelSink#forward()}).
     * Returns false if the session closed.
     */
    boolean forward() {
        return out.forward();
    }

    /** {@code n} held bytes reached the sink: the forward limit, when there is one, is that much lower. */
    void sent(int n) {
        if (forwardLimit != Long.MAX_VALUE) {
            forwardLimit -= n;
        }
    }

    boolean streaming() {
        return streaming;
    }

    /** Whether the source's end of stream goes on to the sink ({@link EndOfStream#RELAY}). */
    boolean relaysEnd() {
        return endOfStream == EndOfStream.RELAY;
    }

    /** Whether the session's other direction passed its end on to its sink. */
    boolean peerSinkShut() {
        return peer != null && peer.sinkShut();
    }

    /** Sets read and write interest from the buffer's state: back-pressure lives here. */
    void updateInterest() {
        Buffer b = buffer;
        out.updateInterest(b);
        in.updateInterest(b);
    }

    /**
     * Whether the channel is reading from its source now: the session then waits
     * on that peer. A channel that stopped because its buffer is full, because
     * it waits for a buffer, or because the session paused it, waits on nobody.
     */
    boolean wantsInput() {
        return in.wantsInput();
    }

    /** Bytes held that the analysers have cleared for the sink and that have not gone yet. */
    boolean holdsForwardable() {
        return buffer != null && buffer.readable() > 0 && forwardLimit > 0;
    }

    /** Gives back the buffer if it holds nothing (DESIGN.md rule 2). */
    void releaseIfEmpty() {
        if (buffer != null && buffer.isEmpty()) {
            Buffer b = buffer;
            buffer = null;
            b.pool().release(b);
            peerChanged();
        }
    }

    /**
     * The session's criticality for this direction changed (it took a server
     * slot): a waiter queued under the old class moves to the new one, at its tail.
     */
    void criticalityChanged() {
        // A TLS connection on either end takes record buffers in the same classes.
        in.slotProgressChanged();
        out.slotProgressChanged();
        if (!wait.isWaiting()) {
            return;
        }
        boolean producing = wait.waitsToProduce();
        Buffer b = wait.reclassify(session.criticality(direction));
        if (b != null) {
            gotBuffer(b, producing ? BufferWait.Purpose.PRODUCE : BufferWait.Purpose.RECEIVE);
        }
    }

    /** A buffer arrived while this channel waited (handoff or reclassification). */
    private void gotBuffer(Buffer b, BufferWait.Purpose purpose) {
        buffer = b;
        if (peer != null) {
            peer.criticalityChanged();
        }
        if (purpose == BufferWait.Purpose.PRODUCE) {
            session.bufferForProducing(this);
        } else {
            loop.schedule(in);
        }
    }

    /** Whether the channel waits for a buffer now. */
    boolean isWaiting() {
        return wait.isWaiting();
    }

    /**
     * Time this channel has spent waiting for a buffer, the wait going on now
     * included: Sluice's time, never its peer's.
     */
    long waitedNanos() {
        return wait.waitedNanos();
    }

    /** The same, by the class it waited in, for waits that ended (the access log's {@code %Tb}). */
    long waitedNanos(Criticality c) {
        return wait.waitedNanos(c);
    }

    // --- what the session does with a channel ---

    /** Pairs a session's two directions: each one's class depends on whether the other holds a buffer. */
    static void pair(Channel request, Channel response) {
        request.peer = response;
        response.peer = request;
    }

    /** Reads from {@code c} from now on: a new source, whose stream has not ended. */
    void readFrom(Connection c) {
        in.readFrom(c);
    }

    /** Writes to {@code c} from now on: a new sink, not shut yet. */
    void writeTo(Connection c) {
        out.writeTo(c);
    }

    /** The source's end of stream goes on to the sink from now on (an HTTP exchange that became a tunnel). */
    void relayEnd() {
        endOfStream = EndOfStream.RELAY;
    }

    /** Stops reading from the source (a server connection that leaves the session); its end stays known. */
    void detachSource() {
        in.detach();
    }

    /** Stops writing to the sink. */
    void detachSink() {
        out.detach();
    }

    /** How many held bytes, from the buffer's read index, may go to the sink. */
    long forwardLimit() {
        return forwardLimit;
    }

    /** Lets exactly {@code bytes} more of what arrives through (a head, a body of known length); 0 holds everything. */
    void allow(long bytes) {
        forwardLimit = bytes;
    }

    /** Lets {@code bytes} more through, past what is already allowed (chunks found by an analyser). */
    void allowMore(long bytes) {
        forwardLimit += bytes;
    }

    /** Lets everything through, to the end of the stream (a body that ends with its connection). */
    void allowAll() {
        forwardLimit = Long.MAX_VALUE;
    }

    /** Lets through exactly what is held now, and nothing after it. */
    void allowHeld() {
        forwardLimit = buffer == null ? 0 : buffer.readable();
    }

    /** Reads may fill the buffer only up to {@code writeIndex} (room kept to rewrite a head). */
    void limitFill(int writeIndex) {
        in.limitFill(writeIndex);
    }

    /** Reads may fill the whole buffer. */
    void fillAll() {
        in.limitFill(Integer.MAX_VALUE);
    }

    /** The session wants no more bytes from the source for now; {@link #updateInterest()} applies it. */
    void pauseInput() {
        in.pause();
    }

    /** The session reads the source again; {@link #updateInterest()} applies it. */
    void resumeInput() {
        in.resume();
    }

    boolean inputPaused() {
        return in.paused();
    }

    /** Receives pass bytes on by themselves up to the forward limit: no analyser needs to see them. */
    void startStreaming() {
        streaming = true;
    }

    /** Every receive wakes the session, whose analysers see the bytes. */
    void stopStreaming() {
        streaming = false;
    }

    /** The buffer the channel holds, or {@code null}; the session parses and rewrites heads in it. */
    Buffer buffer() {
        return buffer;
    }

    boolean hasBuffer() {
        return buffer != null;
    }

    /** Whether the reading half can take no more bytes before some are sent on: its buffer is full. */
    boolean inputFull() {
        return buffer != null && in.full(buffer);
    }

    /** How many bytes the buffer holds; 0 without one. */
    int held() {
        return buffer == null ? 0 : buffer.readable();
    }

    /**
     * Keeps the bytes about to be forwarded in the buffer, however many go out,
     * so that a request can be sent again on another connection (a retry
     * after its response failed). The buffer stays held meanwhile.
     */
    void keepForReplay() {
        buffer.mark();
    }

    /** Makes the kept request held again and lets {@code bytes} of it through, for a retry. */
    void replay(long bytes) {
        buffer.rewind();
        forwardLimit = bytes;
    }

    /** The kept bytes are not needed any more (the response began, or Sluice answers): they go. */
    void dropReplay() {
        if (buffer != null && buffer.isMarked()) {
            buffer.unmark();
            releaseIfEmpty();
        }
    }

    /** Drops every held byte (a response cut short, what a server sent past its message). */
    void dropHeld() {
        Buffer b = buffer;
        if (b != null && b.readable() > 0) {
            b.consumed(b.readable());
        }
    }

    boolean sourceEnded() {
        return in.ended();
    }

    boolean sinkShut() {
        return out.shut();
    }

    /** Bytes read from the source, in total. */
    long received() {
        return in.received();
    }

    /** Bytes that reached the sink, in total. */
    long forwarded() {
        return out.forwarded();
    }

    /** The channel's state, for failure reports. */
    String describe() {
        return "buffer=" + (buffer == null ? "none" : buffer.readable() + "B" + (buffer.isMarked() ? " kept" : ""))
                + (wait.isWaiting() ? " waiting-as-" + wait.waitingAs() : "")
                + in.describe() + (out.shut() ? " sink-shut" : "")
                + (streaming ? " streaming" : "") + " forwardLimit=" + forwardLimit + " forwarded=" + out.forwarded();
    }

    /** Whether bytes are still owed to the sink. */
    boolean holdsBytes() {
        return buffer != null && buffer.readable() > 0;
    }

    /** Gives everything back: the buffer, and the place in a wait queue. */
    void dispose() {
        wait.cancel();
        if (buffer != null) {
            Buffer b = buffer;
            buffer = null;
            b.pool().release(b);
        }
    }

    /**
     * Takes {@code b}, filled by an applet from its loop's applet arena, as the
     * channel's buffer: it is forwarded as any other, and given back to the
     * arena it came from once empty.
     */
    void adopt(Buffer b) {
        if (buffer != null) {
            throw new IllegalStateException(direction + " channel adopts a second buffer");
        }
        buffer = b;
        peerChanged();
    }
}
