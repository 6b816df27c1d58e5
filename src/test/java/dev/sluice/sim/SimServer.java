package dev.sluice.sim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated origin server. Every connection it accepts checks the upload
 * byte by byte against {@link Payload} and then, by {@link Mode}:
 * <ul>
 * <li>{@code DOWNLOAD}: reads the request to its end, then sends a response
 *     drawn from the upload's hash and closes;</li>
 * <li>{@code ECHO}: sends back what it reads, holding at most one window of
 *     unsent bytes (it stops reading when its own output is stuck, like any
 *     echo server), and closes after the end of the request.</li>
 * <li>{@code HTTP}: speaks HTTP/1.1 on each connection, keep-alive, as
 *     {@link SimHttpServerConnection} describes; stall, reset and close are
 *     drawn per request.</li>
 * </ul>
 * Faults, drawn per connection: stall (read, never answer) and reset in the
 * middle of the response. A dead server refuses every connect; a silent one
 * never answers it. An HTTP server answers {@code /health} (a health check's
 * request) with {@code 200} and closes.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimServer {
    enum Mode { DOWNLOAD, ECHO, HTTP }

    private final SimWorld world;
    private final InetSocketAddress address;
    private final Mode mode;
    private final int downloadMin;
    private final int downloadMax;
    private final double stallChance;
    private final double resetChance;
    private double closeChance;
    private long idleCloseNanos;
    /** HTTP connections still open, kept only for a server that dies mid-run. */
    private final List<SimConnection> open = new ArrayList<>();
    private boolean tracksOpen;
    private boolean alive = true;
    private boolean silent;
    private final byte[] scratch = new byte[4096];
    int accepted;
    int completed;
    int stalled;
    int resetsSent;
    int resetsSeen;
    int requests;
    int idleCloses;
    /** Connections opened by Sluice's health checks, and the health requests answered on them. */
    int checkConnections;
    int healthRequests;

    SimServer(SimWorld world, InetSocketAddress address, Mode mode, int downloadMin, int downloadMax,
              double stallChance, double resetChance) {
        this.world = world;
        this.address = address;
        this.mode = mode;
        this.downloadMin = downloadMin;
        this.downloadMax = downloadMax;
        this.stallChance = stallChance;
        this.resetChance = resetChance;
    }

    InetSocketAddress address() {
        return address;
    }

    boolean alive() {
        return alive;
    }

    String name() {
        return address.getHostString();
    }

    /** HTTP: the chance that a response carries {@code connection: close} and the server closes after it. */
    SimServer closeChance(double chance) {
        this.closeChance = chance;
        return this;
    }

    /** HTTP: closes a keep-alive connection that stayed idle this long after a response (0: never). */
    SimServer idleClose(long nanos) {
        this.idleCloseNanos = nanos;
        return this;
    }

    long idleCloseNanos() {
        return idleCloseNanos;
    }

    /** Dies at virtual time {@code at}: every open connection is reset and every later connect refused. */
    void dieAt(long at) {
        tracksOpen = true;
        world.at(at, () -> {
            kill();
            for (SimConnection c : open) {
                c.abort();
            }
            open.clear();
        });
    }

    /** Accepts connects again from virtual time {@code at} (a server that was restarted). */
    void reviveAt(long at) {
        world.at(at, () -> alive = true);
    }

    boolean drawStall() {
        return stallChance > 0 && world.random().nextDouble() < stallChance;
    }

    boolean drawReset() {
        return resetChance > 0 && world.random().nextDouble() < resetChance;
    }

    boolean drawClose() {
        return closeChance > 0 && world.random().nextDouble() < closeChance;
    }

    /**
     * Dies at {@code at}, resetting what is open, and accepts connects again
     * from {@code until} on.
     */
    void downBetween(long at, long until) {
        dieAt(at);
        reviveAt(until);
    }

    /** Refuses every connect from now on. */
    void kill() {
        alive = false;
    }

    /** Never answers a connect from now on (a black hole): only a connect timeout ends the attempt. */
    void silence() {
        silent = true;
    }

    boolean silent() {
        return silent;
    }

    void accept(SimConnection end) {
        accepted++;
        if (tracksOpen) {
            open.add(end);
        }
        if (mode == Mode.HTTP) {
            SimHttpServerConnection h = new SimHttpServerConnection(this, world, end);
            end.peer(h);
            world.after(0, () -> h.changed(end));
            return;
        }
        SplittableRandom r = world.random();
        boolean stall = stallChance > 0 && r.nextDouble() < stallChance;
        boolean reset = !stall && resetChance > 0 && r.nextDouble() < resetChance;
        Exchange x = new Exchange(end, stall, reset);
        end.peer(x);
        world.after(0, () -> x.changed(end));
    }

    private boolean helloFirst;

    /**
     * Every connection starts with one TLS record (a ClientHello) ahead of the
     * client's payload, as SNI routing passes it through; it is echoed but not
     * checked as payload.
     */
    SimServer helloFirst(boolean on) {
        this.helloFirst = on;
        return this;
    }

    /** One accepted connection. */
    private final class Exchange implements SimPeer {
        private final SimConnection end;
        private final boolean stall;
        private final boolean resetMidResponse;
        private final byte[] header = new byte[Payload.HEADER];
        private long got;
        private long hash = Payload.hashStart();
        private int clientId;
        private int declared;
        private boolean requestEnded;
        private boolean done;
        private byte[] response;
        private int sent;
        private int resetAt = -1;
        /** ECHO: bytes read and not yet sent back. */
        private final byte[] echo;
        /**
         * Under {@link #helloFirst()}: the ClientHello record's length with its
         * header, once its header is in (-1 before), and how much of it came.
         */
        private int helloTotal = helloFirst ? -1 : 0;
        private int helloGot;
        private final byte[] helloHeader = new byte[5];
        private int echoHead;
        private int echoCount;

        Exchange(SimConnection end, boolean stall, boolean resetMidResponse) {
            this.end = end;
            this.stall = stall;
            this.resetMidResponse = resetMidResponse;
            this.echo = mode == Mode.ECHO ? new byte[2048] : null;
            if (stall) {
                stalled++;
            }
        }

        @Override
        public void changed(SimConnection ignored) {
            if (done) {
                return;
            }
            try {
                boolean moved;
                do {
                    moved = mode == Mode.ECHO ? echoStep() : downloadStep();
                } while (moved && !done);
            } catch (IOException e) {
                resetsSeen++;
                finish(false);
            }
        }

        private boolean downloadStep() throws IOException {
            if (!requestEnded) {
                int n = end.read(scratch, 0, scratch.length);
                if (n > 0) {
                    check(scratch, 0, n);
                    return true;
                }
                if (n < 0) {
                    requestEnded();
                    response = Payload.download(hash, downloadMin, downloadMax);
                    if (resetMidResponse) {
                        resetAt = world.random().nextInt(response.length + 1);
                    }
                    return true;
                }
                return false;
            }
            if (stall) {
                return false;
            }
            if (resetAt >= 0 && sent >= resetAt) {
                resetsSent++;
                finish(true);
                return false;
            }
            int limit = resetAt >= 0 ? resetAt : response.length;
            int n = end.write(response, sent, limit - sent);
            sent += n;
            if (sent == response.length) {
                completed++;
                finish(false);
                return false;
            }
            return n > 0;
        }

        private boolean echoStep() throws IOException {
            boolean moved = false;
            int room = echo.length - echoCount;
            if (!requestEnded && room > 0) {
                int tail = (echoHead + echoCount) % echo.length;
                int n = end.read(echo, tail, Math.min(room, echo.length - tail));
                if (n > 0) {
                    check(echo, tail, n);
                    echoCount += n;
                    moved = true;
                } else if (n < 0) {
                    requestEnded();
                    moved = true;
                }
            }
            if (stall) {
                return moved;
            }
            if (echoCount > 0) {
                int n = end.write(echo, echoHead, Math.min(echoCount, echo.length - echoHead));
                echoHead = (echoHead + n) % echo.length;
                echoCount -= n;
                sent += n;
                moved |= n > 0;
                if (resetMidResponse && sent > 0 && world.random().nextInt(8) == 0) {
                    resetsSent++;
                    finish(true);
                    return false;
                }
            }
            if (requestEnded && echoCount == 0) {
                completed++;
                finish(false);
                return false;
            }
            return moved;
        }

        /** Checks request bytes as they arrive: the header names the client, the rest must match it. */
        private void check(byte[] b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                byte v = b[i];
                if (helloTotal != 0 && helloGot < (helloTotal < 0 ? helloHeader.length : helloTotal)) {
                    // The hello a TLS server would read is not the client's payload: it is passed over.
                    if (helloGot < helloHeader.length) {
                        helloHeader[helloGot] = v;
                    }
                    if (++helloGot == helloHeader.length) {
                        helloTotal = helloHeader.length + ((helloHeader[3] & 0xFF) << 8 | helloHeader[4] & 0xFF);
                    }
                    continue;
                }
                hash = Payload.hash(hash, v);
                if (got < Payload.HEADER) {
                    header[(int) got] = v;
                    if (got == Payload.HEADER - 1) {
                        clientId = Payload.getInt(header, 0);
                        declared = Payload.getInt(header, 4);
                    }
                } else if (v != Payload.byteAt(clientId, got)) {
                    throw new SimFailure("server " + address.getHostString() + " got a wrong request byte at "
                            + got + " from client " + clientId + ": " + v + " instead of " + Payload.byteAt(clientId, got));
                }
                got++;
            }
            if (got >= Payload.HEADER && got > declared) {
                throw new SimFailure("server got " + got + " request bytes from client " + clientId + ", which sent " + declared);
            }
        }

        private void requestEnded() {
            requestEnded = true;
            if (got != declared) {
                throw new SimFailure("server saw the end of client " + clientId + "'s request after " + got
                        + " of " + declared + " bytes: bytes were lost");
            }
        }

        private void finish(boolean reset) {
            done = true;
            if (reset) {
                end.abort();
            } else {
                end.close();
            }
        }
    }
}
