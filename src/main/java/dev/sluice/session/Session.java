package dev.sluice.session;

import dev.sluice.loop.Loop;
import dev.sluice.loop.LoopCounters;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.TlsHandshakeFailure;
import dev.sluice.util.IntrusiveList;

/**
 * What every session (TCP or HTTP) is to its loop: a task, a member of the
 * loop's {@link SessionSet}, and something a hard stop can abort.
 *
 * <p>Not thread-safe: owned by the loop that accepted its client.
 */
public abstract class Session extends Task implements ChannelOwner {
    /** The loop that owns the session, both its connections and its buffers. */
    final Loop loop;
    /** One timer per session, armed at its earliest deadline; the session task finds what expired. */
    final Timer timer;
    /** When bytes last moved on each side: the inactivity timeouts count from here. */
    long clientActiveAt;
    long serverActiveAt;
    /** The session's place in its loop's {@link SessionSet}. */
    final IntrusiveList.Link<Session> setLink = new IntrusiveList.Link<>(this);
    /**
     * A soft stop, or a reload for the sessions of the configuration it
     * replaced: the session ends after its current exchange instead of
     * waiting for another. Set on the owning loop by {@link SessionSet#softStop}.
     */
    boolean stopping;

    Session(Loop loop) {
        this.loop = loop;
        this.timer = new Timer(this);
    }

    /**
     * The events of a connection that {@code reading} reads from: readable
     * goes to its receive, writable (the connection drains what the other
     * channel sends it) wakes the session task.
     */
    final ConnectionHandler eventsFor(Channel reading) {
        return new ConnectionHandler() {
            @Override
            public void readable() {
                reading.receive();
            }

            @Override
            public void writable() {
                wake();
            }
        };
    }

    /** The earliest deadline the session has now, or 0 for none. */
    abstract long nextDeadline();

    /**
     * Why a TLS client's handshake did not finish, when the session ends
     * before it did ({@code why} tells a timeout apart); null when it did, or
     * for a plain connection.
     */
    static TlsHandshakeFailure unfinishedHandshake(Connection client, SessionOutcome why) {
        if (!client.isTls() || client.handshakeDone()) {
            return null;
        }
        if (why == SessionOutcome.CLIENT_TIMEOUT || why == SessionOutcome.REQUEST_TIMEOUT) {
            return TlsHandshakeFailure.TIMEOUT;
        }
        TlsHandshakeFailure f = client.handshakeFailure();
        return f != null ? f : TlsHandshakeFailure.CLOSED;
    }

    @Override
    public final LoopCounters counters() {
        return loop.counters();
    }

    /** Bytes moved on one side: its inactivity clock starts again. */
    @Override
    public final void activity(Side side) {
        long now = loop.clock().nanoTime();
        if (side == Side.CLIENT) {
            clientActiveAt = now;
        } else {
            serverActiveAt = now;
        }
    }

    /** Arms the session's timer at its earliest deadline, or disarms it when there is none. */
    final void armTimer() {
        if (isClosed()) {
            return;
        }
        long next = nextDeadline();
        if (next == 0) {
            loop.cancel(timer);
        } else if (!timer.isArmed() || timer.deadline() != next) {
            loop.arm(timer, next);
        }
    }

    @Override
    public final void streamed() {
        armIfEarlier();
    }

    @Override
    public final void bufferWaitEnded() {
        armIfEarlier();
    }

    private void armIfEarlier() {
        if (isClosed()) {
            return;
        }
        long next = nextDeadline();
        // Only an earlier deadline needs the timer now; a later one is found when the armed one fires.
        if (next != 0 && (!timer.isArmed() || next - timer.deadline() < 0)) {
            loop.arm(timer, next);
        }
    }

    /** {@code from + timeout}, or 0 (no deadline) when the timeout is 0; never 0 otherwise. */
    static long deadline(long from, long timeout) {
        if (timeout == 0) {
            return 0;
        }
        long d = from + timeout;
        return d == 0 ? 1 : d;
    }

    /** The earlier of two deadlines, 0 meaning none. */
    static long earliest(long a, long b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    /** Ends the session at once, resetting its connections. */
    abstract void abort(SessionOutcome why);

    /**
     * The soft stop reached this session: it ends after its current exchange,
     * and closes now if it has sat idle between two exchanges for at least
     * {@code idleGraceNanos}. Returns whether it closed.
     */
    abstract boolean softStop(long now, long idleGraceNanos);

    /** Whether the session holds a slot of {@code server}, or an exchange in flight with it. */
    abstract boolean uses(dev.sluice.backend.Server server);
}
