package dev.sluice.net;

import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import java.io.IOException;

/**
 * What happens to a {@link TlsConnection} outside its session's calls, and
 * what its handler hears of it: the transport's events (it is the transport's
 * handler), the runs that re-offer what waited, a record buffer handed
 * over or plaintext at hand, and the handshake's turns for its key work
 * ({@link Loop#scheduleHeavy}). The handshake advances in them; its end is told
 * to the handler ({@code connected()} for a client end, {@code readable()}
 * otherwise), and so is a failure, kept by the connection for the session's
 * next read or write.
 *
 * <p>Not thread-safe: owned by its connection, on its loop.
 */
final class TlsEvents extends Task implements ConnectionHandler {
    private final TlsConnection connection;
    private final Connection transport;
    private final TlsRecords records;
    private final TlsOutbound out;
    private final TlsHandshake handshake;
    private final Loop loop;
    /** The session's handler, which hears what these events mean for it. */
    private ConnectionHandler handler;
    /** The run of {@link #run()} re-offers what is waiting: a read, a write, the handshake. */
    private boolean retryRead;
    private boolean retryWrite;
    /** Whether this end opened the connection (TLS towards a server): it reports connected once its handshake is done. */
    private final boolean client;
    /** A client end's {@code connected()} (or {@code connectFailed}) went to its handler. */
    private boolean connectReported;
    /** The handshake's turn for the engine's delegated tasks ({@link Loop#scheduleHeavy}), then on as far as it goes. */
    private final Task keyWork = new Task() {
        @Override
        protected void run() {
            if (connection.closed()) {
                return;
            }
            handshake.keyWorkTurn();
            advance();
        }
    };

    TlsEvents(TlsConnection connection, Connection transport, TlsRecords records, TlsHandshake handshake, Loop loop,
              boolean client) {
        this.connection = connection;
        this.transport = transport;
        this.records = records;
        this.out = records.out;
        this.handshake = handshake;
        this.loop = loop;
        this.client = client;
        handshake.keyWork(keyWork);
    }

    void handler(ConnectionHandler handler) {
        this.handler = handler;
    }

    /**
     * Runs the handshake from an event; a failure is kept for the session's
     * next call and the session told. Its end is told too, even to a session
     * not reading now: one that waits for the handshake before anything else
     * (a TCP session routes only then) learns it here.
     */
    void advance() {
        try {
            if (handshake.advance() && handler != null) {
                if (client && !connectReported) {
                    // A connection to a server is open for the session once its handshake is done.
                    connectReported = true;
                    handler.connected();
                    connection.updateInterest();
                    return;
                }
                handler.readable();
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        connection.updateInterest();
    }

    private void fail(IOException e) {
        connection.noteFailure(e);
        transport.readInterest(false);
        transport.writeInterest(false);
        if (client && !connectReported && handler != null && !connection.closed()) {
            // A handshake with a server that fails is a connection that failed: the session may retry it.
            connectReported = true;
            handler.connectFailed(e);
            return;
        }
        // The session finds the failure in its next read or write, as a plain connection's reset.
        if (handler != null && !connection.closed()) {
            handler.readable();
            if (!connection.closed()) {
                handler.writable();
            }
        }
    }

    /** The transport is readable. */
    @Override
    public void readable() {
        if (connection.closed()) {
            return;
        }
        if (handshake.handshaking) {
            advance();
        } else if (connection.sessionReads()) {
            handler.readable();
        } else {
            connection.updateInterest();
        }
    }

    /** The transport can take bytes. */
    @Override
    public void writable() {
        if (connection.closed()) {
            return;
        }
        try {
            if (out.owes() && !out.flush(transport)) {
                connection.updateInterest();
                return;
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (connection.outputClosing()) {
            records.continueShutdown();
            connection.updateInterest();
        } else if (handshake.handshaking) {
            advance();
        } else if (connection.sessionWrites() || out.pendingPlain > 0) {
            handler.writable();
        } else {
            connection.updateInterest();
        }
    }

    /**
     * The transport is open. A client end sends its bytes in the clear first
     * (a PROXY header, in one write: a socket just opened takes it whole, or
     * the connection counts as failed), then its ClientHello; its handler hears
     * {@code connected()} once the handshake is done.
     */
    @Override
    public void connected() {
        if (!client) {
            handler.connected();
            return;
        }
        if (connection.closed()) {
            return;
        }
        try {
            handshake.sendFirstBytes();
            connection.begin();
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void connectFailed(IOException cause) {
        connectReported = true;
        handler.connectFailed(cause);
    }

    /** Re-offers what waited: plaintext at hand, or a record buffer handed over. */
    @Override
    protected void run() {
        if (connection.closed()) {
            return;
        }
        boolean read = retryRead;
        boolean write = retryWrite;
        retryRead = false;
        retryWrite = false;
        if (write && connection.outputClosing()) {
            records.continueShutdown();
            write = false;
        }
        if (handshake.handshaking) {
            advance();
            return;
        }
        if (read && connection.sessionReads()) {
            handler.readable();
        }
        if (write && !connection.closed() && connection.sessionWrites()) {
            handler.writable();
        }
        connection.updateInterest();
    }

    /** The run retries what waited in {@code reading}'s direction: a record buffer came, or plaintext is at hand. */
    void retry(boolean reading) {
        if (reading) {
            retryRead = true;
        } else {
            retryWrite = true;
        }
        loop.schedule(this);
    }
}
