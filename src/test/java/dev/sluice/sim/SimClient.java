package dev.sluice.sim;

import java.io.IOException;

/**
 * A simulated client: sends its upload, half-closes, reads the whole response
 * and checks it byte by byte as it arrives, so that any byte delivered is
 * known to be a prefix of what the server sent. How it behaves is its
 * {@link Behavior}.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimClient implements SimPeer, SimClientEnd {
    enum Behavior {
        /** Writes and reads as fast as the network lets it. */
        FAST,
        /** Reads in small pieces with pauses between them. */
        SLOW,
        /** Aborts (a reset) at a random point of the exchange. */
        VANISH,
        /** Stops sending at a random point of its upload and never half-closes: only a client timeout ends it. */
        IDLE
    }

    enum Outcome {
        /** The whole response arrived, byte-exact, then the end of stream. */
        COMPLETE,
        /** The connection was reset; what arrived before was a correct prefix. */
        RESET,
        /** The end of stream came after part of the response: a cut that looks like an end. */
        TRUNCATED,
        /**
         * The end of stream came before any byte of the response: the clean close
         * Sluice gives a session refused before it reached a server (queue
         * timeout, queue full, connect error).
         */
        REFUSED,
        /** The client aborted on purpose. */
        VANISHED,
        /** HTTP: Sluice answered with a complete reply of its own, then ended the connection. */
        REPLIED,
        /**
         * HTTP: the connection ended cleanly between two responses with requests
         * not answered (a server closed its keep-alive connection); every
         * response before was complete and byte-exact. An HTTP client retries.
         */
        UNANSWERED,
        /**
         * HTTP: the client stopped between two requests and Sluice closed the idle
         * connection (keep-alive timeout); every request it sent whole was answered byte-exact.
         */
        IDLE_CLOSED
    }

    static final int SLOW_READ = 64;

    private final SimWorld world;
    final int id;
    final Behavior behavior;
    private final byte[] upload;
    private final byte[] expected;
    private final int sendLimit;
    private final long vanishAt;
    private final long slowPauseNanos;
    private final byte[] scratch = new byte[4096];
    private SimConnection end;
    private int sent;
    private boolean shut;
    private int received;
    private long nextReadAt;
    private Outcome outcome;
    private Runnable onFinish = () -> { };
    private long startedAt;
    private long finishedAt;

    SimClient(SimWorld world, int id, Behavior behavior, byte[] upload, byte[] expected, long slowPauseNanos) {
        this.world = world;
        this.id = id;
        this.behavior = behavior;
        this.upload = upload;
        this.expected = expected;
        this.slowPauseNanos = slowPauseNanos;
        this.sendLimit = behavior == Behavior.IDLE ? world.random().nextInt(upload.length) : upload.length;
        this.vanishAt = behavior == Behavior.VANISH ? world.random().nextLong(upload.length + (long) expected.length) : -1;
    }

    /** The client's end of its connection to the proxy is open: start sending. */
    void start(SimConnection connection) {
        this.end = connection;
        this.startedAt = world.now();
        world.after(0, () -> changed(end));
    }

    /** Called once, when the client's exchange is over. */
    void onFinish(Runnable r) {
        this.onFinish = r;
    }

    @Override
    public Outcome outcome() {
        return outcome;
    }

    boolean finished() {
        return outcome != null;
    }

    @Override
    public long received() {
        return received;
    }

    @Override
    public long expectedLength() {
        return expected.length;
    }

    @Override
    public long startedAt() {
        return startedAt;
    }

    @Override
    public long finishedAt() {
        return finishedAt;
    }

    @Override
    public String describe() {
        return "client " + id + " (" + behavior + ") ended " + outcome + " with " + received + " of " + expected.length + " bytes";
    }

    @Override
    public void changed(SimConnection ignored) {
        if (outcome != null) {
            return;
        }
        try {
            send();
            if (outcome == null) {
                receive();
            }
        } catch (IOException e) {
            finish(Outcome.RESET);
        }
    }

    private void send() throws IOException {
        while (sent < sendLimit) {
            int n = end.write(upload, sent, sendLimit - sent);
            if (n == 0) {
                break;
            }
            sent += n;
            if (vanishes()) {
                return;
            }
        }
        if (sent == upload.length && !shut) {
            end.shutdownOutput();
            shut = true;
        }
    }

    private void receive() throws IOException {
        if (behavior == Behavior.SLOW) {
            if (world.now() < nextReadAt) {
                return;
            }
            int n = end.read(scratch, 0, SLOW_READ);
            if (n > 0) {
                nextReadAt = world.now() + 1 + world.random().nextLong(slowPauseNanos);
                world.at(nextReadAt, () -> changed(end));
            }
            accept(n);
            return;
        }
        int n;
        do {
            n = end.read(scratch, 0, scratch.length);
            accept(n);
        } while (n > 0 && outcome == null);
    }

    private void accept(int n) {
        if (n < 0) {
            finish(received == expected.length ? Outcome.COMPLETE : received == 0 ? Outcome.REFUSED : Outcome.TRUNCATED);
            return;
        }
        if (received + n > expected.length) {
            throw new SimFailure("client " + id + " received " + (received + n) + " bytes of a " + expected.length + "-byte response");
        }
        for (int i = 0; i < n; i++) {
            if (scratch[i] != expected[received + i]) {
                throw new SimFailure("client " + id + " got a wrong response byte at " + (received + i)
                        + ": " + scratch[i] + " instead of " + expected[received + i]);
            }
        }
        received += n;
        vanishes();
    }

    private boolean vanishes() {
        if (vanishAt >= 0 && outcome == null && sent + (long) received >= vanishAt) {
            outcome = Outcome.VANISHED;
            finishedAt = world.now();
            end.abort();
            onFinish.run();
            return true;
        }
        return false;
    }

    private void finish(Outcome o) {
        outcome = o;
        finishedAt = world.now();
        end.close();
        onFinish.run();
    }
}
