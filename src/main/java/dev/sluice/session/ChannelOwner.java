package dev.sluice.session;

import dev.sluice.buffer.Criticality;
import dev.sluice.loop.LoopCounters;
import java.io.IOException;

/**
 * What a {@link Channel} needs from the session it belongs to. TCP and HTTP
 * sessions both implement it; the channel stays the same.
 */
interface ChannelOwner {
    /** The class this session's allocations in {@code direction} belong to now. */
    Criticality criticality(Channel.Direction direction);

    /** Wakes the session task. */
    void wake();

    boolean isClosed();

    LoopCounters counters();

    /** Bytes moved on one side: its inactivity clock starts again. */
    void activity(Side side);

    /** A read or write on one side failed (a reset, a broken pipe). */
    void peerFailed(Side side, IOException cause);

    /**
     * A write to one side failed. What that side sent before may still be in
     * its socket, unread; a session that can use it says so here. By default,
     * the same as any failure.
     */
    default void writeFailed(Side side, IOException cause) {
        peerFailed(side, cause);
    }

    /**
     * A channel passed bytes on by itself, without a session task run: the
     * session's deadlines may need a timer that its last run did not arm.
     */
    void streamed();

    /**
     * A wait for a buffer ended without giving the session anything to do: the
     * deadlines the wait suspended (a client's head timeout) need their timer.
     */
    void bufferWaitEnded();

    /**
     * A buffer this channel waited for in order to produce bytes itself (an
     * error page, a reply) has been handed over: the session may write it now.
     */
    default void bufferForProducing(Channel channel) {
        throw new IllegalStateException(channel.direction + " channel: no producer waits for a buffer");
    }

    /**
     * Whether the sink of this direction closes as soon as its current message
     * has gone out (HTTP close mode): the close then sends what a cork holds.
     */
    default boolean closesAfterMessage(Channel.Direction direction) {
        return false;
    }
}
