package dev.sluice.session;

import dev.sluice.backend.RetryPolicy;
import dev.sluice.buffer.Buffer;
import dev.sluice.http.BodyFraming;
import dev.sluice.http.ChunkedDecoder;
import dev.sluice.http.HeadRewriter;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpError;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.HttpRules;
import dev.sluice.http.MessageKind;
import dev.sluice.http.Method;

/**
 * Waiting for the response, and its way to the client: interim responses
 * passed on as they are, the final head parsed in place and rewritten for the
 * client ({@code Connection}, a single Content-Length), and the body let
 * through the response channel until the message ends by its framing.
 *
 * <p>It changes no session state: the session calls it and decides.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class ResponseAnalyser {
    /** What {@link #analyse} did, and so which state the session's response moves to. */
    enum Step {
        /** Nothing changed: more bytes are needed, or they are on their way to the client. */
        WAIT,
        /** An interim (1xx) head goes to the client as it is. */
        INTERIM,
        /** The interim response went out: the final head is awaited. */
        AWAIT_FINAL,
        /** The final head was rewritten and goes out with its body. */
        FINAL,
        /** The whole response came from the server. */
        RECEIVED,
        /** A 101 to a request that asked for it: the head goes out, and the connection becomes a tunnel. */
        SWITCHED,
        /**
         * A final status that {@code retry-on} names, held back: the exchange
         * sends its request again, or lets it through with {@link #sendFinalAfterAll}.
         */
        RETRY_STATUS,
        /** The server closed before anything of a response came. */
        ENDED_BEFORE_HEAD,
        /** A head Sluice refuses (counted and logged): the client gets 502. */
        REFUSED,
        /** A malformed body (counted and logged): the client connection is cut. */
        BODY_REFUSED,
        /** The server closed before the body was complete: the client connection is cut, so it sees no end. */
        CUT
    }

    private final Channel channel;
    private final SessionCounters counters;
    private final Refusals refusals;
    private final HttpHeadParser head;
    private final ChunkedDecoder chunks;
    private final int headRoom;
    private Method answering;
    private BodyFraming framing;
    /** Bytes of the final response went to the client: no reply of Sluice's own can follow. */
    private boolean started;
    /** The server sent bytes past the end of its message: its connection cannot be reused. */
    private boolean sentExtra;

    /** Whether the client connection stays open after the response being analysed. */
    private boolean keepsClient;
    /** While the request is kept for a retry: the statuses that call for one. */
    private RetryPolicy statusRetry;
    /** The http-response rules of the routed backend and of the frontend, run in that order; NONE for none. */
    private HttpRules backendRules = HttpRules.NONE;
    private HttpRules frontendRules = HttpRules.NONE;
    /** The client connection's addresses and variables, for the rules' {@code %[...]} values; set with the rules. */
    private dev.sluice.http.ConnectionAddresses connection;
    private boolean editsOverflowed;
    /** The exchange's persistence cookie, and the link whose server answers. */
    private CookiePersistence cookies;
    private ServerLink link;
    /** Where the http-response rules' edits go: into the head in the buffer at once, reparsed. */
    private final HeaderEdits edits = new HeaderEdits() {
        @Override
        public void delete(int header) {
            if (!editsOverflowed) {
                HeadRewriter.removeFieldLine(channel.buffer(), head, header, head.headStart() + head.headLength());
                editsOverflowed = !head.reparse(channel.buffer());
            }
        }

        @Override
        public void append(byte[] fieldLine) {
            append(fieldLine, fieldLine.length);
        }

        @Override
        public void append(byte[] fieldLine, int length) {
            if (!editsOverflowed) {
                editsOverflowed = HeadRewriter.insertField(channel.buffer(), head.headStart() + head.headLength(),
                        fieldLine, length) < 0 || !head.reparse(channel.buffer());
            }
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            Buffer b = channel.buffer();
            int grow = length - (end - start);
            if (!editsOverflowed && b.writeIndex() + grow > b.capacity()) {
                editsOverflowed = true;
            }
            if (!editsOverflowed) {
                b.shiftTail(end, end + grow);
                b.putAt(start, with, offset, length);
                editsOverflowed = !head.reparse(b);
            }
        }
    };

    ResponseAnalyser(Channel channel, HttpLimits limits, SessionCounters counters, Refusals refusals) {
        this.channel = channel;
        this.counters = counters;
        this.refusals = refusals;
        this.head = new HttpHeadParser(MessageKind.RESPONSE, limits);
        this.chunks = new ChunkedDecoder(MessageKind.RESPONSE, limits);
        this.headRoom = limits.maxHeadBytes();
    }

    /** Between two exchanges: nothing passes, nothing started. */
    void idle() {
        head.releaseTable();
        channel.stopStreaming();
        channel.allow(0);
        started = false;
        sentExtra = false;
    }

    /** The session closes: the head's field table goes back to the loop's. */
    void release() {
        head.releaseTable();
    }

    /** Sluice answers instead: what the server sent of a response is dropped, and the reply may fill the buffer. */
    void replaced() {
        channel.stopStreaming();
        channel.fillAll();
        channel.dropHeld();
    }

    /** The request went out: the response to {@code method} may come (HEAD and CONNECT change its framing). */
    void expect(Method method) {
        expect(method, null);
    }

    /**
     * The same, for a request kept whole for a retry: a final status that
     * {@code retry} names is held back ({@link Step#RETRY_STATUS}) instead of
     * forwarded.
     */
    void expect(Method method, RetryPolicy retry) {
        statusRetry = retry;
        answering = method;
        head.resetForResponseTo(method);
        channel.allow(0);
        channel.limitFill(headRoom);
        channel.resumeInput();
    }

    /**
     * Moves the response on as far as the bytes at hand allow, from the state
     * {@code at} it is in.
     *
     * @param clientMayStay whether the client connection may outlive this
     *     response as far as the request goes (it keeps alive and was all sent);
     *     the final head then keeps it unless its body ends with the connection
     * @param upgradeAsked whether the request asked for a switch of protocols
     *     that Sluice relays: only then is a 101 anything but a refusal
     */
    Step analyse(HttpSession.Resp at, boolean clientMayStay, boolean http10Client, boolean upgradeAsked) {
        return switch (at) {
            case HEAD -> headArrived(clientMayStay, http10Client, upgradeAsked);
            case INTERIM -> interimSent() ? Step.AWAIT_FINAL : Step.WAIT;
            case BODY -> bodyArrived();
            default -> Step.WAIT;
        };
    }

    private Step headArrived(boolean clientMayStay, boolean http10Client, boolean upgradeAsked) {
        Buffer b = channel.buffer();
        if (b == null || b.readable() == 0) {
            return channel.sourceEnded() ? Step.ENDED_BEFORE_HEAD : Step.WAIT;
        }
        switch (head.parse(b)) {
            case NEED_MORE -> {
                return channel.sourceEnded() ? refused(HttpError.BAD_STATUS_LINE,
                        "server closed in the middle of a response head") : Step.WAIT;
            }
            case REJECTED -> {
                return refused(head.error(), "server response refused: " + head.error().reason());
            }
            case COMPLETE -> {
            }
        }
        int status = head.statusCode();
        if (status == 101) {
            if (!upgradeAsked || !head.switchesProtocols(b)) {
                return refused(HttpError.BAD_STATUS_LINE, upgradeAsked
                        ? "server switched protocols without naming one in Upgrade"
                        : "server switched protocols, which the request did not ask for");
            }
            counters.serverResponded(status);
            return switchProtocols() ? Step.SWITCHED : Step.REFUSED;
        }
        counters.serverResponded(status);
        if (status < 200) {
            // 1xx (100-continue, 103): forwarded as is, the final response follows.
            channel.allow(head.headLength());
            return Step.INTERIM;
        }
        framing = head.bodyFraming();
        if (statusRetry != null && statusRetry.retriesOnStatus(status)) {
            return Step.RETRY_STATUS;
        }
        return sendFinalAfterAll(clientMayStay, http10Client);
    }

    /** Lets the final head through: it was not held back, or its retry was not to be. */
    Step sendFinalAfterAll(boolean clientMayStay, boolean http10Client) {
        statusRetry = null;
        keepsClient = clientMayStay && framing != BodyFraming.UNTIL_CLOSE;
        if (!sendFinal(keepsClient, http10Client)) {
            counters.rejected(HttpError.HEAD_TOO_LARGE);
            return Step.REFUSED;
        }
        return Step.FINAL;
    }

    /**
     * Forwards a 101 with its Upgrade field and {@code connection: upgrade},
     * then everything the server sends after it, as a TCP relay does.
     */
    private boolean switchProtocols() {
        Buffer b = channel.buffer();
        int start = head.headStart();
        int end = HeadRewriter.removeHopByHop(b, head, start + head.headLength(), HeadRewriter.Upgrade.KEEP);
        end = HeadRewriter.insertLine(b, end, HeadRewriter.UPGRADE_LINE);
        if (end < 0) {
            counters.rejected(HttpError.HEAD_TOO_LARGE);
            return false;
        }
        started = true;
        channel.fillAll();
        channel.allowAll();
        channel.relayEnd();
        channel.startStreaming();
        return true;
    }

    /** The interim response went out: the next head is parsed from the bytes behind it. */
    private boolean interimSent() {
        if (channel.forwardLimit() != 0) {
            return false;
        }
        head.resetForResponseTo(answering);
        Buffer b = channel.buffer();
        if (b != null) {
            b.compact();
        }
        return true;
    }

    private Step refused(HttpError why, String reason) {
        counters.rejected(why);
        refusals.refused(502, reason);
        return Step.REFUSED;
    }

    /** Where the exchange's persistence cookie is kept, and the link whose server answers; set once. */
    void persistence(CookiePersistence cookies, ServerLink link) {
        this.cookies = cookies;
        this.link = link;
    }

    /** The request was routed: the http-response rules its response runs, the backend's then the frontend's. */
    void rules(HttpRules backend, HttpRules frontend, dev.sluice.http.ConnectionAddresses connection) {
        backendRules = backend;
        frontendRules = frontend;
        this.connection = connection;
    }

    /**
     * Rewrites the final head for the client, then lets it and the body
     * through. The http-response rules edit it first, then the persistence
     * cookie (after the rules, as in HAProxy: the cookie Sluice adds is not
     * theirs to edit). A Content-Length list becomes its single number, hop-by-hop
     * fields go, and {@code Connection} says what the client connection does:
     * {@code close} when it ends after this response, {@code keep-alive} to an
     * HTTP/1.0 client that keeps it.
     *
     * @return false when the head no longer fits (502)
     */
    private boolean sendFinal(boolean keepClient, boolean http10Client) {
        Buffer b = channel.buffer();
        // Each edit takes the room tune.maxrewrite keeps; once one overflows the others do nothing, and the head
        // is refused (502).
        editsOverflowed = false;
        backendRules.applyResponseRules(b, head, connection, edits);
        frontendRules.applyResponseRules(b, head, connection, edits);
        if (cookies != null) {
            cookies.response(b, head, edits, link.server());
        }
        if (editsOverflowed) {
            return false;
        }
        int start = head.headStart();
        int end = start + head.headLength();
        if (!head.contentLengthIsCanonical()) {
            end = HeadRewriter.canonicalContentLength(b, head, end);
            // The hop-by-hop pass reads the parser's offsets: they must follow the edit.
            head.reparse(b);
        }
        end = HeadRewriter.removeHopByHop(b, head, end);
        byte[] line = !keepClient ? HeadRewriter.CLOSE_LINE : http10Client ? HeadRewriter.KEEP_ALIVE_LINE : null;
        if (line != null) {
            end = HeadRewriter.insertLine(b, end, line);
            if (end < 0) {
                return false;
            }
        }
        int headLength = end - start;
        started = true;
        channel.fillAll();
        switch (framing) {
            case CONTENT_LENGTH -> channel.allow(headLength + head.contentLength());
            case CHUNKED -> {
                chunks.reset();
                channel.allow(headLength);
            }
            case UNTIL_CLOSE -> channel.allowAll();
            default -> channel.allow(headLength);
        }
        if (framing != BodyFraming.CHUNKED) {
            channel.startStreaming();
        }
        return true;
    }

    /** New body bytes: walked if chunked, and the end of the message found. */
    private Step bodyArrived() {
        if (framing == BodyFraming.CHUNKED && !chunks.isComplete() && !scanChunks()) {
            counters.rejected(chunks.error());
            refusals.refused(502, "server response body refused: " + chunks.error().reason());
            return Step.BODY_REFUSED;
        }
        if (received()) {
            return Step.RECEIVED;
        }
        // The server closed before the body was complete: the client must see a cut, not an end.
        return channel.sourceEnded() ? Step.CUT : Step.WAIT;
    }

    /** Walks the chunked body's newest bytes, passed on as they came; false when it is malformed. */
    private boolean scanChunks() {
        Buffer b = channel.buffer();
        if (b == null) {
            return true;
        }
        long from = b.readIndex() + channel.forwardLimit();
        if (from >= b.writeIndex()) {
            return true;
        }
        int n = chunks.feed(b, (int) from, b.writeIndex());
        if (n < 0) {
            return false;
        }
        channel.allowMore(n);
        return true;
    }

    /**
     * Whether every byte of the response has come from the server (some may
     * still wait to go to the client). When it has, the channel lets through
     * what is held of a body that ends with its connection, and notes bytes
     * sent past the message's end.
     */
    private boolean received() {
        boolean all = switch (framing) {
            case UNTIL_CLOSE -> channel.sourceEnded();
            case CHUNKED -> chunks.isComplete();
            default -> channel.held() >= channel.forwardLimit();
        };
        if (all) {
            if (framing == BodyFraming.UNTIL_CLOSE) {
                channel.allowHeld();
            } else if (channel.held() > channel.forwardLimit()) {
                sentExtra = true;
            }
            channel.stopStreaming();
        }
        return all;
    }

    /** The final head kept the client connection: {@code connection: close} was not added. */
    boolean keepsClient() {
        return keepsClient;
    }

    /** Whether the server connection may carry another request once the response is in. */
    boolean serverMayStay() {
        return head.keepAlive() && !channel.sourceEnded() && !sentExtra;
    }

    HttpHeadParser head() {
        return head;
    }

    boolean started() {
        return started;
    }

    boolean sentExtra() {
        return sentExtra;
    }
}
