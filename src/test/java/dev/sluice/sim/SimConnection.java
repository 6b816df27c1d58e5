package dev.sluice.sim;

import dev.sluice.buffer.Buffer;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One end of a simulated TCP connection. Two ends are joined by a {@link SimLink}:
 * a write is cut into segments of random size, each arriving after the link's
 * latency and bandwidth allow; a write takes at most the room left in the send
 * window, and room comes back as the peer reads. {@link #shutdownOutput()}
 * delivers the end of stream after the last byte; {@link #abort()} delivers a
 * reset that makes the peer's next read or write throw; bytes arriving at an
 * end that was closed make it answer with a reset, as a kernel does.
 *
 * <p>An end owned by a {@link SimLoop} is Sluice's: its readiness goes to its
 * {@link ConnectionHandler} in the loop's dispatch. Any other end belongs to a
 * {@link SimPeer}, told of changes through world events.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimConnection implements Connection {
    private enum ConnectState { CONNECTING, SUCCEEDED, FAILED, CONNECTED }

    /** One direction: bytes written at one end, in flight, then waiting to be read at the other. */
    private static final class Pipe {
        final byte[] ring;
        long written;
        /** Written bytes whose arrival is scheduled; the rest are held by a cork. */
        long sent;
        long arrived;
        long read;
        boolean finSent;
        boolean finArrived;
        long linkFreeAt;

        Pipe(int window) {
            ring = new byte[window];
        }

        int room() {
            return (int) (ring.length - (written - read));
        }

        int waiting() {
            return (int) (arrived - read);
        }

        /**
         * Whether the writer is told it may write: as in Linux, only once a
         * third of the window is free, so that a slow reader's byte-by-byte
         * progress does not cut the stream into tiny writes.
         */
        boolean writable() {
            return 3 * room() >= ring.length;
        }
    }

    private final SimWorld world;
    private final String name;
    private final SimLink link;
    private final SimLoop loop;
    private final Pipe in;
    private SimConnection other;
    private SimPeer peer;
    private ConnectionHandler handler;
    private ConnectState connectState = ConnectState.CONNECTED;
    private boolean readInterest;
    private boolean writeInterest;
    private boolean closed;
    private boolean resetArrived;
    private boolean resetSent;
    private boolean peerNotified;
    /** Corked: written bytes are held until the cork is lifted, a shutdown, or a close (as Linux's TCP_CORK holds partial segments). */
    private boolean corked;
    private boolean preambleSent;
    /**
     * A connection of Sluice's own housekeeping (a health check): its bytes and
     * its close are not progress, so that periodic checks cannot hide a deadlock
     * of the sessions from the world's stall detection.
     */
    private boolean background;
    /** The transport of a TLS connection: its preambles are handshake records, delivered as any bytes. */
    private boolean carriesTls;
    boolean inReadySet;

    private SimConnection(SimWorld world, String name, SimLink link, SimLoop loop) {
        this.world = world;
        this.name = name;
        this.link = link;
        this.loop = loop;
        this.in = new Pipe(link.window());
        if (loop != null) {
            loop.opened(this);
        }
    }

    /**
     * Creates a connected pair. {@code sluiceLoop} owns the first end (null for
     * a pair of peers); the second end belongs to {@code peer}.
     */
    static SimConnection[] pair(SimWorld world, String name, SimLink link, SimLoop sluiceLoop, SimPeer peer) {
        SimConnection a = new SimConnection(world, name, link, sluiceLoop);
        SimConnection b = new SimConnection(world, name + "'", link, null);
        a.other = b;
        b.other = a;
        b.peer = peer;
        return new SimConnection[] {a, b};
    }

    /** Marks both ends as background traffic (see {@link #background}). */
    void background() {
        background = true;
        other.background = true;
    }

    /** This Sluice end is a {@link dev.sluice.net.TlsConnection}'s transport (see {@link #writePreamble}). */
    void carriesTls() {
        carriesTls = true;
    }

    /** An outgoing connection: nothing moves until {@link #connectResult} is delivered. */
    void connecting() {
        connectState = ConnectState.CONNECTING;
    }

    /** The connect attempt's outcome reaches this end; the loop reports it in its next dispatch. */
    void connectResult(boolean succeeded) {
        if (closed) {
            return;
        }
        connectState = succeeded ? ConnectState.SUCCEEDED : ConnectState.FAILED;
        changed();
    }

    boolean isConnecting() {
        return connectState == ConnectState.CONNECTING;
    }

    void peer(SimPeer p) {
        this.peer = p;
    }

    SimConnection other() {
        return other;
    }

    // ---- Connection, as Sluice sees it ----

    @Override
    public int read(Buffer into, int maxBytes) throws IOException {
        int n = receive(into.writeView(maxBytes), Math.min(maxBytes, into.writable()));
        if (n > 0) {
            into.produced(n);
            loop.counters().bytesIn += n;
        }
        return n;
    }

    @Override
    public int write(Buffer from, int maxBytes) throws IOException {
        int n = transmit(from.readView(maxBytes), Math.min(maxBytes, from.readable()));
        if (n > 0) {
            from.consumed(n);
            loop.counters().bytesOut += n;
        }
        return n;
    }

    /**
     * A PROXY header ({@code send-proxy}): it takes the send window's room as
     * any write does, but is counted rather than delivered, since the simulated
     * servers speak no PROXY protocol (nginx parses the real bytes in
     * SendProxyEndToEndTest). It must come first, and once. On a TLS transport
     * the bytes are a handshake record, sent as any others.
     */
    @Override
    public int writePreamble(ByteBuffer bytes) throws IOException {
        if (carriesTls) {
            // A handshake record from the arena's scratch area: bytes on the wire like any others.
            int n = transmit(bytes, bytes.remaining());
            loop.counters().bytesOut += n;
            return n;
        }
        requireUsable("write");
        if (other.in.written > 0 || preambleSent) {
            throw new IllegalStateException(name + ": a PROXY header after other bytes");
        }
        preambleSent = true;
        int n = Math.min(bytes.remaining(), other.in.room());
        bytes.position(bytes.position() + n);
        world.preamblesSent++;
        world.preambleBytes += n;
        loop.counters().bytesOut += n;
        return n;
    }

    @Override
    public void readInterest(boolean on) {
        if (readInterest != on) {
            readInterest = on;
            changed();
        }
    }

    @Override
    public void writeInterest(boolean on) {
        if (writeInterest != on) {
            writeInterest = on;
            changed();
        }
    }

    /**
     * Holds what is written while corked; lifting the cork sends it. The model
     * holds every byte, where Linux sends full segments and holds the tail for
     * at most 200 ms: a cork that is never lifted stalls the exchange here, so
     * a run that leaves one behind fails instead of being merely slow.
     */
    @Override
    public void cork(boolean on) {
        if (closed || connectState != ConnectState.CONNECTED || on == corked) {
            return;
        }
        corked = on;
        if (!on && other.in.written > other.in.sent) {
            send(other.in);
        }
    }

    @Override
    public void shutdownOutput() {
        if (closed || connectState != ConnectState.CONNECTED) {
            return;
        }
        Pipe out = other.in;
        if (out.finSent) {
            return;
        }
        // The FIN carries out what a cork held.
        corked = false;
        if (out.written > out.sent) {
            send(out);
        }
        out.finSent = true;
        SimConnection receiver = other;
        long at = Math.max(world.now(), out.linkFreeAt) + link.latencyNanos();
        world.at(at, () -> {
            out.finArrived = true;
            receiver.changed();
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        shutdownOutput();
        boolean unread = in.waiting() > 0;
        markClosed();
        // Closing with unread bytes resets the connection, as a kernel does.
        if (unread) {
            sendReset();
        }
    }

    @Override
    public void abort() {
        if (closed) {
            return;
        }
        markClosed();
        sendReset();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void handler(ConnectionHandler h) {
        this.handler = h;
    }

    @Override
    public String peer() {
        return name;
    }

    // ---- The same stream, as a simulated peer sees it ----

    /** Reads up to {@code len} bytes; -1 at the end of stream. Throws once a reset arrived. */
    int read(byte[] dst, int off, int len) throws IOException {
        return receive(ByteBuffer.wrap(dst, off, len), len);
    }

    /** Writes what fits in the send window; returns how much did. Throws once a reset arrived. */
    int write(byte[] src, int off, int len) throws IOException {
        return transmit(ByteBuffer.wrap(src, off, len), len);
    }

    private int receive(ByteBuffer dst, int max) throws IOException {
        requireUsable("read");
        if (resetArrived) {
            throw new IOException("connection reset");
        }
        int n = Math.min(in.waiting(), max);
        if (n > 0) {
            copyOut(in, dst, n);
            afterRead(n);
            return n;
        }
        return in.waiting() == 0 && in.finArrived ? -1 : 0;
    }

    private int transmit(ByteBuffer src, int max) throws IOException {
        requireUsable("write");
        if (resetArrived) {
            throw new IOException("connection reset");
        }
        Pipe out = other.in;
        if (out.finSent) {
            throw new IllegalStateException(name + ": write after shutdownOutput");
        }
        int n = Math.min(max, out.room());
        if (n > 0) {
            copyIn(out, src, n);
            out.written += n;
            if (!corked) {
                send(out);
            }
        }
        return n;
    }

    boolean resetArrived() {
        return resetArrived;
    }

    // ---- Dispatch, for a Sluice end ----

    /** Whether the loop's dispatch would report something now. */
    boolean isReady() {
        return switch (connectState) {
            case SUCCEEDED, FAILED -> true;
            case CONNECTING -> false;
            case CONNECTED -> !closed && ((readInterest && (in.waiting() > 0 || in.finArrived || resetArrived))
                    || (writeInterest && (other.in.writable() || resetArrived)));
        };
    }

    /** Reports readiness to the handler, as a selector's selected key would. Returns whether it called anything. */
    boolean dispatch() {
        if (connectState == ConnectState.FAILED) {
            connectState = ConnectState.CONNECTED;
            markClosed();
            handler.connectFailed(new IOException("connection refused by " + name));
            return true;
        }
        boolean did = false;
        if (connectState == ConnectState.SUCCEEDED) {
            connectState = ConnectState.CONNECTED;
            handler.connected();
            did = true;
        }
        if (closed || connectState != ConnectState.CONNECTED) {
            return did;
        }
        if (readInterest && (in.waiting() > 0 || in.finArrived || resetArrived)) {
            handler.readable();
            did = true;
        }
        if (!closed && writeInterest && (other.in.writable() || resetArrived)) {
            handler.writable();
            did = true;
        }
        return did;
    }

    // ---- The wire ----

    private void requireUsable(String what) {
        if (closed) {
            throw new IllegalStateException(name + ": " + what + " after close");
        }
        if (connectState != ConnectState.CONNECTED) {
            throw new IllegalStateException(name + ": " + what + " before the connection completed");
        }
    }

    private static void copyOut(Pipe p, ByteBuffer dst, int n) {
        int cap = p.ring.length;
        int at = (int) (p.read % cap);
        int first = Math.min(n, cap - at);
        dst.put(p.ring, at, first);
        if (first < n) {
            dst.put(p.ring, 0, n - first);
        }
    }

    private static void copyIn(Pipe p, ByteBuffer src, int n) {
        int cap = p.ring.length;
        int at = (int) (p.written % cap);
        int first = Math.min(n, cap - at);
        src.get(p.ring, at, first);
        if (first < n) {
            src.get(p.ring, 0, n - first);
        }
    }

    /** Cuts the written bytes not sent yet into segments and schedules their arrival, in order. */
    private void send(Pipe out) {
        SimConnection receiver = other;
        long start = out.sent;
        int n = (int) (out.written - start);
        out.sent = out.written;
        int sent = 0;
        while (sent < n) {
            int seg = 1 + world.random().nextInt(Math.min(link.segmentMax(), n - sent));
            sent += seg;
            long upTo = start + sent;
            long begin = Math.max(world.now(), out.linkFreeAt);
            out.linkFreeAt = begin + link.transmitNanos(seg);
            world.at(out.linkFreeAt + link.latencyNanos(), () -> receiver.arrived(out, upTo));
        }
    }

    private void arrived(Pipe p, long upTo) {
        if (closed) {
            // Bytes for a closed socket: the kernel answers with a reset.
            sendReset();
            return;
        }
        p.arrived = Math.max(p.arrived, upTo);
        changed();
    }

    private void afterRead(int n) {
        in.read += n;
        if (!background) {
            world.progressed(n);
        }
        if (in.writable()) {
            other.changed();
        }
    }

    private void sendReset() {
        if (resetSent) {
            return;
        }
        resetSent = true;
        SimConnection receiver = other;
        world.after(link.latencyNanos(), () -> {
            if (!receiver.closed) {
                receiver.resetArrived = true;
                receiver.changed();
            }
        });
    }

    private void markClosed() {
        closed = true;
        if (!background) {
            world.progressed(1);
        }
    }

    /** Something this end may care about happened: tell its loop or its peer. */
    private void changed() {
        if (loop != null) {
            loop.markReady(this);
        } else if (peer != null && !peerNotified && !closed) {
            peerNotified = true;
            world.after(0, () -> {
                peerNotified = false;
                if (!closed) {
                    peer.changed(this);
                }
            });
        }
    }

    /** What an open Sluice end is doing, for the census of a stuck world; null when closed or not yet connected. */
    String stuckAs() {
        if (closed || connectState != ConnectState.CONNECTED) {
            return null;
        }
        String reading = in.waiting() > 0 ? (readInterest ? "bytes waiting" : "bytes waiting, not read") : "nothing to read";
        String writing = other.in.room() == 0 ? "send window full" : writeInterest ? "wants to write" : "no write";
        return reading + " / " + writing;
    }

    @Override
    public String toString() {
        return name;
    }
}
