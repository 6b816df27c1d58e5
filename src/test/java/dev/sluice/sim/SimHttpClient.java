package dev.sluice.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A simulated HTTP/1.1 client on one keep-alive connection: sends its
 * {@link HttpExchange}s, at most {@code depth} ahead of the responses
 * (depth 1: one at a time; more: pipelined), and checks every response byte
 * as it arrives: the status, the {@code x-sim} key and the framing fields of
 * each head, and the body's exact bytes on the wire. A reply of Sluice's own
 * (any status but 200) must be complete and followed by the end of stream.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimHttpClient implements SimPeer, SimClientEnd {
    enum Behavior {
        /** Writes and reads as fast as the network lets it. */
        FAST,
        /** Reads in small pieces with pauses between them. */
        SLOW,
        /** Aborts (a reset) at a random point of the exchange. */
        VANISH,
        /** Stops sending at a random byte and never closes: only a timeout ends it. */
        IDLE,
        /** One of its requests is malformed: it must get the answers before it, then Sluice's refusal. */
        MALFORMED,
        /** After its last response, keeps the connection open: only the keep-alive timeout ends it. */
        LINGER
    }

    /** How the connection ends once every response arrived (unless a request said {@code connection: close}). */
    enum Ending { CLIENT_CLOSES, HALF_CLOSE_AFTER_LAST_REQUEST, WAIT_FOR_SLUICE }

    private enum Rx { HEAD, BODY, REPLY_BODY, AFTER_REPLY }

    /** Requests Sluice refuses in its head, one per malformed client (smuggling spellings, bad syntax). */
    private static final String[] MALFORMED_REQUESTS = {
        "GET /sim HTTP/1.1\r\nhost: sim\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n",
        "GET /sim HTTP/1.1\r\nhost: sim\r\nbad header line\r\n\r\n",
        "GET /sim HTTP/1.1\r\nhost: sim\r\ncontent-length: 1x\r\n\r\n",
        "\u0001GARBAGE\r\n\r\n",
        "GET /sim HTTP/1.1\r\nhost: sim\r\ncontent-length: 4\r\ncontent-length: 5\r\n\r\n",
    };

    private final SimWorld world;
    final int id;
    final Behavior behavior;
    private final HttpExchange[] exchanges;
    private final int depth;
    private final Ending ending;
    private final long slowPauseNanos;
    /** Every request's bytes, one after the other; {@code ends[k]} is where request k ends. */
    private final byte[] wire;
    private final int[] ends;
    /** Responses a clean run gets: all of them, or those before the malformed request. */
    private final int answerable;
    private final int sendLimit;
    private final long vanishAt;
    private final long expectedBytes;
    private final byte[] scratch = new byte[4096];
    private final byte[] head = new byte[4096];
    private SimConnection end;
    private int sent;
    private boolean shut;
    private long received;
    private int answered;
    private Rx rx = Rx.HEAD;
    private int headLength;
    private byte[] body;
    private int bodyAt;
    private long replyLeft;
    private boolean lastResponse;
    private long nextReadAt;
    private SimClient.Outcome outcome;
    private int replyStatus;
    private Runnable onFinish = () -> { };
    private long startedAt;
    private long finishedAt;
    /** The longest pause after a response before the next request goes ({@link #think}); 0 for none. */
    private long thinkNanos;
    /** No request byte is sent before this time (a pause after a response). */
    private long nextSendAt;

    SimHttpClient(SimWorld world, int id, Behavior behavior, HttpExchange[] exchanges, int depth, Ending ending,
                  long slowPauseNanos) {
        this.world = world;
        this.id = id;
        this.behavior = behavior;
        this.exchanges = exchanges;
        this.depth = depth;
        this.ending = behavior == Behavior.LINGER ? Ending.WAIT_FOR_SLUICE : ending;
        this.slowPauseNanos = slowPauseNanos;
        int malformedAt = behavior == Behavior.MALFORMED ? world.random().nextInt(exchanges.length) : -1;
        this.answerable = malformedAt >= 0 ? malformedAt : exchanges.length;
        int count = malformedAt >= 0 ? malformedAt + 1 : exchanges.length;
        byte[][] parts = new byte[count][];
        long expected = 0;
        for (int k = 0; k < count; k++) {
            parts[k] = k == malformedAt ? MALFORMED_REQUESTS[id % MALFORMED_REQUESTS.length].getBytes(StandardCharsets.ISO_8859_1)
                    : exchanges[k].requestBytes();
            expected += k < answerable ? exchanges[k].responseLength() : 0;
        }
        this.expectedBytes = expected;
        this.ends = new int[count];
        int total = 0;
        for (int k = 0; k < count; k++) {
            total += parts[k].length;
            ends[k] = total;
        }
        this.wire = new byte[total];
        for (int k = 0, at = 0; k < count; at += parts[k].length, k++) {
            System.arraycopy(parts[k], 0, wire, at, parts[k].length);
        }
        this.sendLimit = behavior == Behavior.IDLE ? world.random().nextInt(total) : total;
        this.vanishAt = behavior == Behavior.VANISH ? world.random().nextLong(total + expected + 1) : -1;
    }

    void start(SimConnection connection) {
        this.end = connection;
        this.startedAt = world.now();
        world.after(0, () -> changed(end));
    }

    /** Pauses up to {@code nanos}, drawn per response, before each next request. */
    void think(long nanos) {
        this.thinkNanos = nanos;
    }

    void onFinish(Runnable r) {
        this.onFinish = r;
    }

    @Override
    public SimClient.Outcome outcome() {
        return outcome;
    }

    @Override
    public long received() {
        return received;
    }

    @Override
    public long expectedLength() {
        return expectedBytes;
    }

    @Override
    public long startedAt() {
        return startedAt;
    }

    @Override
    public long finishedAt() {
        return finishedAt;
    }

    /** The status of Sluice's own reply, or 0. */
    int replyStatus() {
        return replyStatus;
    }

    int answered() {
        return answered;
    }

    @Override
    public String describe() {
        return "http client " + id + " (" + behavior + ", " + exchanges.length + " requests, depth " + depth + ", "
                + ending + ") ended " + outcome + " after " + answered + " answers" + (replyStatus != 0 ? ", reply " + replyStatus : "");
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
            if (outcome == null) {
                // A response may have opened the pipeline for the next request.
                send();
            }
        } catch (IOException e) {
            finish(SimClient.Outcome.RESET);
        }
    }

    private void send() throws IOException {
        if (world.now() < nextSendAt) {
            return;
        }
        int allowed = Math.min(sendLimit, ends[Math.min(answered + depth, ends.length) - 1]);
        while (sent < allowed && !lastResponse) {
            int n = end.write(wire, sent, allowed - sent);
            if (n == 0) {
                break;
            }
            sent += n;
            if (vanishes()) {
                return;
            }
        }
        if (sent == wire.length && !shut && ending == Ending.HALF_CLOSE_AFTER_LAST_REQUEST) {
            end.shutdownOutput();
            shut = true;
        }
    }

    private void receive() throws IOException {
        if (behavior == Behavior.SLOW) {
            if (world.now() < nextReadAt) {
                return;
            }
            int n = end.read(scratch, 0, SimClient.SLOW_READ);
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
            endOfStream();
            return;
        }
        for (int i = 0; i < n && outcome == null; i++) {
            take(scratch[i]);
        }
        vanishes();
    }

    private void take(byte b) {
        switch (rx) {
            case HEAD -> {
                if (headLength == head.length) {
                    throw failure("a response head longer than " + head.length + " bytes");
                }
                head[headLength++] = b;
                if (headLength >= 4 && head[headLength - 4] == '\r' && head[headLength - 3] == '\n'
                        && head[headLength - 2] == '\r' && b == '\n') {
                    head(new String(head, 0, headLength, StandardCharsets.ISO_8859_1));
                    headLength = 0;
                }
            }
            case BODY -> {
                if (b != body[bodyAt]) {
                    throw failure("a wrong byte at " + bodyAt + " of response " + answered + "'s body");
                }
                received++;
                if (++bodyAt == body.length) {
                    responseDone();
                }
            }
            case REPLY_BODY -> {
                if (--replyLeft == 0) {
                    rx = Rx.AFTER_REPLY;
                }
            }
            case AFTER_REPLY -> throw failure("bytes after Sluice's own " + replyStatus + " reply");
        }
    }

    /** Checks a response head against the exchange it answers. */
    private void head(String text) {
        if (lastResponse) {
            throw failure("a response after one that said connection: close");
        }
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            throw failure("a bad status line: " + text.lines().findFirst().orElse(""));
        }
        int status = Integer.parseInt(text.substring(9, 12));
        String fields = text.toLowerCase();
        boolean close = fields.contains("\r\nconnection: close\r\n");
        if (status != 200) {
            replyStatus = status;
            if (!close) {
                throw failure("Sluice's own " + status + " reply without connection: close");
            }
            replyLeft = contentLength(fields);
            rx = replyLeft > 0 ? Rx.REPLY_BODY : Rx.AFTER_REPLY;
            return;
        }
        if (answered >= answerable) {
            throw failure("a 200 response to request " + answered + ", which is not one it sent whole");
        }
        HttpExchange x = exchanges[answered];
        String key = "\r\nx-sim: " + Long.toHexString(x.responseKey()) + "\r\n";
        if (!fields.contains(key)) {
            throw failure("the response to another request in place of " + answered + "'s: " + text.trim());
        }
        boolean chunked = fields.contains("\r\ntransfer-encoding: chunked\r\n");
        if (chunked != x.responseChunked() || !chunked && contentLength(fields) != x.responseLength()) {
            throw failure("response framing changed: " + text.trim());
        }
        lastResponse = close;
        body = x.responseBody();
        bodyAt = 0;
        rx = Rx.BODY;
        if (body.length == 0) {
            responseDone();
        }
    }

    private void responseDone() {
        answered++;
        rx = Rx.HEAD;
        body = null;
        if (thinkNanos > 0 && answered < exchanges.length) {
            nextSendAt = world.now() + 1 + world.random().nextLong(thinkNanos);
            world.at(nextSendAt, () -> changed(end));
        }
        if (answered == answerable && answerable == exchanges.length && ending == Ending.CLIENT_CLOSES && !lastResponse) {
            finish(SimClient.Outcome.COMPLETE);
        }
    }

    private void endOfStream() {
        if (rx == Rx.AFTER_REPLY) {
            finish(SimClient.Outcome.REPLIED);
        } else if (rx != Rx.HEAD || headLength != 0) {
            finish(SimClient.Outcome.TRUNCATED);
        } else if (answered == exchanges.length) {
            finish(SimClient.Outcome.COMPLETE);
        } else if (behavior == Behavior.IDLE && answered == requestsSentWhole()) {
            finish(SimClient.Outcome.IDLE_CLOSED);
        } else {
            finish(SimClient.Outcome.UNANSWERED);
        }
    }

    private int requestsSentWhole() {
        int k = 0;
        while (k < ends.length && ends[k] <= sent) {
            k++;
        }
        return k;
    }

    private static long contentLength(String fields) {
        int at = fields.indexOf("\r\ncontent-length: ");
        if (at < 0) {
            return 0;
        }
        int from = at + "\r\ncontent-length: ".length();
        return Long.parseLong(fields.substring(from, fields.indexOf('\r', from)).trim());
    }

    private boolean vanishes() {
        if (vanishAt >= 0 && outcome == null && sent + received >= vanishAt) {
            outcome = SimClient.Outcome.VANISHED;
            finishedAt = world.now();
            end.abort();
            onFinish.run();
            return true;
        }
        return false;
    }

    private SimFailure failure(String what) {
        return new SimFailure("http client " + id + " got " + what);
    }

    private void finish(SimClient.Outcome o) {
        outcome = o;
        finishedAt = world.now();
        end.close();
        onFinish.run();
    }
}
