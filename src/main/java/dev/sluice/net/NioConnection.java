package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.loop.EventLoop;
import dev.sluice.loop.LoopCounters;
import dev.sluice.loop.Selectable;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link Connection} over a non-blocking {@link SocketChannel} registered on
 * its loop's selector. Interest changes reach the selector only when the
 * interest set really changes. Bytes moved are counted in the loop's
 * {@link LoopCounters}. A read or write on a reset peer throws its
 * {@link IOException} to the caller: the session decides what it means.
 *
 * <p>Not thread-safe: created, used and closed only on its loop's thread.
 */
public final class NioConnection implements Connection, Selectable {
    private final EventLoop loop;
    private final LoopCounters counters;
    private final SocketChannel channel;
    private SelectionKey key;
    private ConnectionHandler handler;
    /** The interest the user asked for; the key holds it unless a connect is pending. */
    private int interest;
    private boolean connecting;
    private boolean closed;
    /** A FIN went out ({@link #shutdownOutput()}) or the close is a reset: the close needs no shutdown. */
    private boolean outputShut;
    /** A read met the end of the stream: nothing unread can turn the close into a reset. */
    private boolean inputEnded;
    /** TCP_CORK is set ({@link #cork}). */
    private boolean corked;
    /** Set while the connection lingers before its close ({@link #closeLingering}). */
    private Lingering lingering;
    /** The deferred report of a connect that ended at once, and its failure if it failed. */
    private Task connectOutcome;
    private IOException connectFailure;
    /** Kept from the open channel so that {@link #peer()} still answers after close. */
    private SocketAddress peerAddress;

    private NioConnection(EventLoop loop, SocketChannel channel) {
        this.loop = loop;
        this.counters = loop.counters();
        this.channel = channel;
    }

    /** Wraps an accepted or connecting channel: non-blocking, TCP_NODELAY, registered with no interest. */
    static NioConnection register(EventLoop loop, SocketChannel channel) throws IOException {
        NioConnection connection = new NioConnection(loop, channel);
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection.key = loop.register(channel, connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** A connection whose channel could not even be opened: closed from the start. */
    static NioConnection failed(EventLoop loop, SocketAddress target) {
        NioConnection connection = new NioConnection(loop, null);
        connection.closed = true;
        connection.peerAddress = target;
        return connection;
    }

    SocketChannel channel() {
        return channel;
    }

    /** Names the peer before the connect is tried, so that a failed one is still logged with it. */
    void target(SocketAddress target) {
        peerAddress = target;
    }

    /** Whether the connection waits for {@code OP_CONNECT}. */
    boolean awaitingConnect() {
        return connecting;
    }

    /** Starts waiting for a pending connect to complete. */
    void awaitConnect() {
        connecting = true;
        key.interestOps(SelectionKey.OP_CONNECT);
    }

    @Override
    public int read(Buffer into, int maxBytes) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int n = channel.read(into.writeView(maxBytes));
        if (n > 0) {
            into.produced(n);
            counters.bytesIn += n;
        } else if (n < 0) {
            inputEnded = true;
        }
        return n;
    }

    @Override
    public int write(Buffer from, int maxBytes) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int n = channel.write(from.readView(maxBytes));
        if (n > 0) {
            from.consumed(n);
            counters.bytesOut += n;
        }
        return n;
    }

    @Override
    public int writePreamble(ByteBuffer bytes) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int n = channel.write(bytes);
        counters.bytesOut += n;
        return n;
    }

    @Override
    public void readInterest(boolean on) {
        interest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
    }

    @Override
    public void writeInterest(boolean on) {
        interest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
    }

    private void interest(int ops) {
        if (ops == interest) {
            return;
        }
        interest = ops;
        // While connecting the key waits for OP_CONNECT alone; the wish is applied once connected.
        if (!connecting && !closed) {
            key.interestOps(ops);
        }
    }

    @Override
    public void ready(int readyOps) {
        if (connecting) {
            if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
                finishConnect();
            }
            return;
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && (interest & SelectionKey.OP_READ) != 0) {
            handler.readable();
        }
        // The read handler may have closed the connection or dropped write interest.
        if (!closed && (readyOps & SelectionKey.OP_WRITE) != 0 && (interest & SelectionKey.OP_WRITE) != 0) {
            handler.writable();
        }
    }

    private void finishConnect() {
        boolean done;
        try {
            done = channel.finishConnect();
        } catch (IOException e) {
            close();
            handler.connectFailed(e);
            return;
        }
        if (done) {
            connecting = false;
            key.interestOps(interest);
            handler.connected();
        }
    }

    /** Reports a connect that completed at once, as a connect that completed later would be. */
    /**
     * Tells the handler, from the loop's run queue, how a connect that ended
     * inside {@link NioConnector#connect} went: after connect() has returned
     * the connection, as for one that waited for OP_CONNECT. One task per
     * connection, made once: it allocates nothing and needs no room in the
     * loop's inbox, so a full inbox cannot lose a connect's outcome.
     *
     * @param failure the reason the connect failed, or null when it succeeded
     */
    void reportConnectLater(IOException failure) {
        connectFailure = failure;
        if (connectOutcome == null) {
            connectOutcome = new Task() {
                @Override
                protected void run() {
                    if (connectFailure != null) {
                        handler.connectFailed(connectFailure);
                    } else if (!closed) {
                        handler.connected();
                    }
                }
            };
        }
        loop.schedule(connectOutcome);
    }

    @Override
    public void cork(boolean on) {
        if (on == corked || closed || outputShut || connecting || !TcpCork.available()) {
            return;
        }
        try {
            TcpCork.set(channel, on);
            corked = on;
        } catch (IOException e) {
            // As for a shutdown: the socket is broken, and the next write says why.
        }
    }

    @Override
    public void shutdownOutput() {
        if (closed) {
            return;
        }
        outputShut = true;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // Not counted or thrown here: the socket is broken, and the next
            // read or write reports why to the session, which owns that decision.
        }
    }

    /**
     * Closes the connection. A connection that has neither sent its FIN nor
     * read the peer's is shut down for writing first, so that the peer reads
     * the end of what was sent before any reset that unread input could cause.
     * So is a corked one: the shutdown sends what the cork holds now, not when
     * the descriptor is closed after the next select.
     * The descriptor itself is closed right after the loop's next select has
     * dropped its key (see {@link EventLoop#closeAfterDeregistration}).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!outputShut && (!inputEnded || corked) && !connecting && key != null && channel.isConnected()) {
            shutdownOutput();
        }
        closed = true;
        if (lingering != null) {
            loop.cancel(lingering.timer);
            loop.endLingering();
            lingering = null;
        }
        rememberPeer();
        try {
            if (key != null) {
                loop.closeAfterDeregistration(key);
            } else if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            System.err.println("sluice-loop-" + loop.id() + ": closing " + peer() + " failed: " + e);
        }
    }

    @Override
    public void closeLingering(long maxNanos) {
        if (closed || lingering != null) {
            return;
        }
        if (inputEnded || connecting || key == null || !channel.isConnected() || maxNanos <= 0
                || !loop.startLingering()) {
            close();
            return;
        }
        shutdownOutput();
        Lingering l = new Lingering();
        lingering = l;
        handler = l;
        interest(SelectionKey.OP_READ);
        counters.lingeringCloses++;
        loop.arm(l.timer, loop.clock().nanoTime() + maxNanos);
    }

    /** Reads and drops what the peer still sends, then closes: at its end of stream, a reset, or the deadline. */
    private final class Lingering extends Task implements ConnectionHandler {
        final Timer timer = new Timer(this);

        @Override
        public void readable() {
            ByteBuffer drain = loop.drainBuffer();
            // A few reads per event at most: a peer that keeps sending is dropped at the deadline.
            for (int i = 0; i < 4; i++) {
                drain.clear();
                int n;
                try {
                    n = channel.read(drain);
                } catch (IOException e) {
                    end();
                    return;
                }
                if (n < 0) {
                    inputEnded = true;
                    end();
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        }

        @Override
        public void writable() {
        }

        /** The deadline passed. */
        @Override
        protected void run() {
            end();
        }

        private void end() {
            close();
        }
    }

    @Override
    public void abort() {
        if (closed) {
            return;
        }
        try {
            // A zero linger makes the close send RST and drop unsent bytes.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            outputShut = true;
        } catch (IOException e) {
            System.err.println("sluice-loop-" + loop.id() + ": SO_LINGER 0 on " + peer() + " failed: " + e);
        }
        close();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public boolean idleConnectionLost() {
        if (closed) {
            return true;
        }
        try {
            // An idle connection has nothing to read: any byte, or the end of stream, means it is lost.
            ByteBuffer probe = loop.drainBuffer().clear().limit(1);
            int n = channel.read(probe);
            if (n < 0) {
                inputEnded = true;
            }
            return n != 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void handler(ConnectionHandler handler) {
        this.handler = handler;
    }

    @Override
    public java.net.InetAddress remoteAddress() {
        rememberPeer();
        return peerAddress instanceof InetSocketAddress address ? address.getAddress() : null;
    }

    @Override
    public int remotePort() {
        rememberPeer();
        return peerAddress instanceof InetSocketAddress address ? address.getPort() : 0;
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return channel.getLocalAddress() instanceof InetSocketAddress address ? address : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String peer() {
        rememberPeer();
        if (peerAddress instanceof InetSocketAddress address) {
            return address.getHostString() + ":" + address.getPort();
        }
        return String.valueOf(peerAddress);
    }

    private void rememberPeer() {
        if (peerAddress != null || channel == null || !channel.isOpen()) {
            return;
        }
        try {
            peerAddress = channel.getRemoteAddress();
        } catch (IOException e) {
            // Only a closed channel refuses, and that case is checked above.
            throw new IllegalStateException(e);
        }
    }

    /** The loop that owns this connection. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String toString() {
        return "NioConnection[" + peer() + (closed ? ", closed]" : "]");
    }
}
