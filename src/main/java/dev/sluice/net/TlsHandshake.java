package dev.sluice.net;

import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import java.io.IOException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A {@link TlsConnection}'s handshake: it moves the engine through it as far
 * as the bytes at hand allow, and keeps what it agreed (the server name asked
 * for, the version, the suite, whether the client's certificate checked out,
 * when it ended) or why it failed, and sends the alert a refusal made. Its
 * records go through the connection's {@link TlsRecords}.
 *
 * <p>Its delegated tasks (certificate and key work) run on the loop: the
 * JDK's are computations that never block, and running them elsewhere would
 * need a thread and a hand-back for little gain. But those of the peer's
 * first flight (a ClientHello's key exchange and signature, a server's
 * certificate and key share) are the costliest thing a loop does, about a
 * millisecond each, so they run in the loop's turns for heavy work ({@link
 * Loop#scheduleHeavy}), one a pass, never inside the I/O event that brought
 * the flight: a burst of new connections would otherwise hold every
 * connection at work on the loop for the whole burst. The later flights'
 * tasks (checking the peer's Finished) are cheap and run at once, so that a
 * handshake begun ends before new ones begin.
 *
 * <p>Not thread-safe: owned by its connection, on its loop.
 */
final class TlsHandshake {
    private final SSLEngine engine;
    private final TlsRecords records;
    private final Connection transport;
    private final Loop loop;
    /** Whether this end opened the connection (TLS towards a server). */
    private final boolean client;
    /** True until the handshake is done, and again while a post-handshake message is answered. */
    boolean handshaking = true;
    private String serverName;
    /** The version agreed on, once the handshake is done. */
    private String protocol;
    /** Whether the client gave a certificate (that checked out) in the handshake ({@code ssl_c_used}). */
    private boolean clientCertificate;
    /** What the client's certificate says ({@code ssl_c_*}), or null when it gave none. */
    private TlsPeer peer;
    /** The suite agreed on, by OpenSSL's name, once the handshake is done. */
    private String cipher;
    /** When the handshake ended, on the loop's clock. */
    private long handshakeEnd = Connection.NO_HANDSHAKE;
    /** Whether a refused handshake's alert went out, so that the end is a FIN behind it, not a reset. */
    boolean alertSent;
    /** Why the handshake failed, once it has. */
    private TlsHandshakeFailure failure;
    /** A client end's bytes to send in the clear before its ClientHello (a PROXY header), or null. */
    private java.nio.ByteBuffer firstBytes;
    /** The run that gives the engine's delegated tasks their turn ({@link Loop#scheduleHeavy}), then advances. */
    private Task keyWork;
    /** The loop gave {@link #keyWork} its turn: the next {@link #advance()} runs the engine's tasks. */
    private boolean keyWorkTurn;
    /** The first flight's tasks ran, in their turn: the later ones run at once. */
    private boolean keyWorkDone;

    TlsHandshake(SSLEngine engine, TlsRecords records, Connection transport, Loop loop) {
        this.engine = engine;
        this.records = records;
        this.transport = transport;
        this.loop = loop;
        this.client = engine.getUseClientMode();
    }

    /** The run that takes the engine's delegated tasks' turn and then advances the handshake. */
    void keyWork(Task run) {
        this.keyWork = run;
    }

    /** The loop's turn for heavy work came: the next {@link #advance()} runs the engine's tasks. */
    void keyWorkTurn() {
        keyWorkTurn = true;
    }

    /** A client end: what it sends in the clear before its ClientHello (a PROXY header). */
    void firstBytes(java.nio.ByteBuffer bytes) {
        this.firstBytes = bytes;
    }

    /**
     * A client end's bytes in the clear, before its ClientHello: in one write,
     * since a socket just opened takes them whole, or the connection fails.
     */
    void sendFirstBytes() throws IOException {
        if (firstBytes != null) {
            transport.writePreamble(firstBytes);
            if (firstBytes.hasRemaining()) {
                throw new TlsFailure("the connection did not take its " + firstBytes.limit()
                        + "-byte PROXY header at once");
            }
            firstBytes = null;
        }
    }

    /**
     * Moves the handshake as far as the bytes at hand allow. Returns true once
     * it is done. It reads a record at a time, to its exact length, so that
     * when the engine answers, no record buffer is held coming in; and its
     * records go out in a record buffer taken in the request's class ({@code
     * NORMAL} before a slot), waiting in the arena's queue, holding nothing,
     * when none may be taken (docs/design.md, "Why it cannot deadlock", TLS).
     * The engine's delegated tasks for the peer's first flight run only in
     * a turn of {@link #keyWork}: without one, it is queued for one, holding
     * nothing either, and false returned.
     */
    boolean advance() throws IOException {
        // A turn covers this call: a flight whose tasks come in several batches is made in one turn.
        boolean turn = keyWorkTurn;
        keyWorkTurn = false;
        while (handshaking) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    if (!turn && !keyWorkDone) {
                        // The record just read is consumed: its buffer goes back while the tasks wait their turn.
                        records.releaseEmpty();
                        loop.scheduleHeavy(keyWork);
                        return false;
                    }
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    keyWorkDone = true;
                }
                case NEED_WRAP -> {
                    if (!wrap()) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrap()) {
                        return false;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    handshaking = false;
                    serverName = TlsNames.requestedServerName(engine);
                    protocol = engine.getSession().getProtocol();
                    cipher = TlsNames.opensslSuite(engine.getSession().getCipherSuite());
                    clientCertificate = !client && TlsNames.peerCertified(engine);
                    peer = clientCertificate ? TlsPeer.of(engine) : null;
                    handshakeEnd = loop.clock().nanoTime();
                }
            }
        }
        records.releaseEmpty();
        return true;
    }

    /** One handshake record made and sent; false when it waits for a record buffer or for the socket. */
    private boolean wrap() throws IOException {
        TlsOutbound out = records.out;
        if (out.owes() && !out.flush(transport)) {
            return false;
        }
        records.in.release(false);
        if (out.buffer == null && !records.takeOut(false)) {
            return false;
        }
        return out.wrapHeld(transport);
    }

    /** One record unwrapped during the handshake, reading the transport for it. False when none is whole yet. */
    private boolean unwrap() throws IOException {
        TlsInbound in = records.in;
        while (!in.wholeRecord()) {
            if (in.transportEnded) {
                throw new PeerClosed("the peer closed during the handshake");
            }
            if (!records.fill(false, in.restOfRecord())) {
                if (in.transportEnded) {
                    throw new PeerClosed("the peer closed during the handshake");
                }
                return false;
            }
        }
        if (in.unwrapOne(null, 0) < 0) {
            throw new PeerClosed("close_notify during the handshake");
        }
        return true;
    }

    /**
     * After a record that was not data (a key update, a new handshake): the
     * engine may want to run a task, answer, or read more. An answer waits
     * for the next data record, which the engine puts it ahead of (a key
     * update's answer need only come before our next data, RFC 8446 4.6.3),
     * so that reading never waits for an outgoing buffer. True when the
     * engine wants to read: the handshake is on again, for the caller to advance.
     */
    boolean afterPostHandshakeMessage() {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
            hs = engine.getHandshakeStatus();
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
            handshaking = true;
            return true;
        }
        return false;
    }

    /** Whether the engine, in the handshake, wants bytes from the peer now. */
    boolean wantsToRead() {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        return hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
    }

    /** The connection's first failure: why a handshake failed, and the engine's own refusal sends its alert. */
    void failed(IOException e) {
        if (handshaking) {
            failure = e instanceof PeerClosed ? TlsHandshakeFailure.CLOSED
                    : e instanceof SSLException ? TlsHandshakeFailure.REFUSED : TlsHandshakeFailure.BROKEN;
        }
        if (e instanceof SSLException && !(e instanceof TlsFailure)) {
            sendAlert();
        }
    }

    /**
     * The engine refused the peer (no common group, suite or version, a bad
     * message): the alert it made for that goes out if the socket takes it
     * now, so the client learns why instead of seeing a reset. Made in the
     * scratch area like a close's close_notify; nothing waits for it.
     */
    private void sendAlert() {
        TlsOutbound out = records.out;
        try {
            if (out.flush(transport)) {
                alertSent = true;
                // The engine may still owe what it made before it failed (a ServerHello, a change_cipher_spec)
                // ahead of the alert: a handful of records, each into the scratch area.
                for (int i = 0; i < 8 && !engine.isOutboundDone() && out.wrapAtClose(transport); i++) {
                    // One record a turn.
                }
            }
        } catch (IOException ignored) {
            // The transport is gone too: the reset is all the peer gets.
        }
    }

    /** Why the handshake failed, or null: a peer that ended in the middle of it closed it. */
    TlsHandshakeFailure failure() {
        if (failure == null && handshaking && (records.in.transportEnded || records.in.closeNotified)) {
            return TlsHandshakeFailure.CLOSED;
        }
        return failure;
    }

    String serverName() {
        return serverName;
    }

    String protocol() {
        return protocol;
    }

    boolean clientCertificate() {
        return clientCertificate;
    }

    TlsPeer peer() {
        return peer;
    }

    String cipher() {
        return cipher;
    }

    long endNanos() {
        return handshakeEnd;
    }

    /** The peer ended its side in the middle of the handshake. */
    static final class PeerClosed extends TlsFailure {
        private static final long serialVersionUID = 1L;

        PeerClosed(String reason) {
            super(reason);
        }
    }
}
