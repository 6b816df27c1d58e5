package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.http.BodyFraming;
import dev.sluice.http.ChunkedDecoder;
import dev.sluice.http.HeadRewriter;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.MessageKind;
import dev.sluice.http.Method;
import dev.sluice.http.RequestTarget;

/**
 * Waiting for the request, and the request's way to the server: its head
 * parsed in place as bytes arrive, put in normal form, rewritten for the
 * server, and its body let through the request channel (streamed when its
 * length is known, walked chunk by chunk otherwise, with each size line made
 * canonical).
 *
 * <p>It changes no session state: the session calls it and decides.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class RequestAnalyser implements RequestPolicy.Edits {
    /** What the bytes at hand make of the request head. */
    enum Head {
        /** Not complete yet. */
        NEED_MORE,
        /** Complete and valid: the request has arrived. */
        COMPLETE,
        /** Refused: {@link HttpHeadParser#error()} says why. */
        REJECTED,
        /** The client ended its stream in the middle of a head. */
        CUT,
        /** Nothing held, and the client ended its stream: it closed between requests. */
        ENDED,
        /** Nothing held yet. */
        EMPTY
    }

    /** What walking the body's newest bytes found. */
    enum Body { OK, MALFORMED, TOO_LARGE }

    private final Channel channel;
    private final HttpHeadParser head;
    private final ChunkedDecoder chunks;
    private final int headRoom;
    private Method method;
    private BodyFraming framing;
    private boolean keepAlive;
    /** The request asks for a switch of protocols that Sluice relays (a WebSocket, say). */
    private boolean upgrade;
    /** The body limit that applies to the current request; MAX_VALUE: none. */
    private long bodyLimit = Long.MAX_VALUE;
    /** A header rule's edit did not fit: the request gets 500. */
    private boolean editsOverflowed;

    RequestAnalyser(Channel channel, HttpLimits limits) {
        this.channel = channel;
        this.head = new HttpHeadParser(MessageKind.REQUEST, limits);
        this.headRoom = limits.maxHeadBytes();
        // A size line is held whole until it goes out canonical: it must fit in the room a request fills.
        this.chunks = new ChunkedDecoder(MessageKind.REQUEST, limits, headRoom - 1);
    }

    /** Gets ready for the next head: nothing of it may pass yet, and its rewrite keeps room behind it. */
    void expectHead() {
        method = null;
        // The last exchange is over: its field table goes back to the loop's, and the next head borrows one.
        head.releaseTable();
        channel.stopStreaming();
        channel.allow(0);
        channel.limitFill(headRoom);
        channel.resumeInput();
    }

    /** The session closes: the head's field table goes back to the loop's. */
    void release() {
        head.releaseTable();
    }

    Head parseHead() {
        Buffer b = channel.buffer();
        if (b == null || b.readable() == 0) {
            return channel.sourceEnded() ? Head.ENDED : Head.EMPTY;
        }
        return switch (head.parse(b)) {
            case NEED_MORE -> channel.sourceEnded() ? Head.CUT : Head.NEED_MORE;
            case REJECTED -> Head.REJECTED;
            case COMPLETE -> {
                method = head.method();
                keepAlive = head.keepAlive();
                framing = head.bodyFraming();
                // Only a request without a body switches: the tunnel begins right after its head.
                upgrade = framing == BodyFraming.NONE && method != Method.CONNECT && head.switchesProtocols(b);
                bodyLimit = Long.MAX_VALUE;
                editsOverflowed = false;
                yield Head.COMPLETE;
            }
        };
    }

    /** What putting the head in normal form gave. */
    enum Normal {
        DONE,
        /** The absolute-form target's authority is empty or carries user info: 400. */
        BAD_AUTHORITY,
        /** The normal form does not fit in the room {@code tune.maxrewrite} keeps: 500. */
        NO_ROOM
    }

    /**
     * Puts the fields every recipient must read alike into one form before any
     * rule sees the head: the Host of an absolute-form target is its authority
     * (RFC 9112 section 3.2.2), so that rules, routing and the origin agree on
     * it, and a Content-Length list or repetition becomes the single number.
     */
    Normal normalise() {
        Buffer b = channel.buffer();
        int authority = RequestTarget.authorityStart(b, head.targetStart(), head.targetEnd());
        if (authority == RequestTarget.BAD_AUTHORITY) {
            return Normal.BAD_AUTHORITY;
        }
        if (authority >= 0) {
            int end = head.headStart() + head.headLength();
            int rewritten = HeadRewriter.hostFromAuthority(b, head, end, authority,
                    RequestTarget.authorityEnd(b, authority, head.targetEnd()));
            if (rewritten < 0 || rewritten != end && !head.reparse(b)) {
                return Normal.NO_ROOM;
            }
        }
        if (!head.contentLengthIsCanonical()) {
            HeadRewriter.canonicalContentLength(b, head, head.headStart() + head.headLength());
            if (!head.reparse(b)) {
                return Normal.NO_ROOM;
            }
        }
        return Normal.DONE;
    }

    /**
     * Rewrites the head for the server: hop-by-hop fields out (the rules'
     * edits are in it already), then X-Forwarded-For and
     * {@code connection: close} in when given. A request that switches
     * protocols keeps its Upgrade field and says {@code connection: upgrade}
     * instead.
     *
     * @param forwardedFor the field line without CRLF, or null
     * @param close        whether the server connection ends with this response (httpclose)
     * @return the new head length, or -1 when it no longer fits
     */
    int rewriteForServer(byte[] forwardedFor, boolean close) {
        Buffer b = channel.buffer();
        int start = head.headStart();
        int end = HeadRewriter.removeHopByHop(b, head, start + head.headLength(),
                upgrade ? HeadRewriter.Upgrade.KEEP : HeadRewriter.Upgrade.DROP);
        if (forwardedFor != null) {
            end = HeadRewriter.insertField(b, end, forwardedFor);
        }
        if (end >= 0 && (close || upgrade)) {
            end = HeadRewriter.insertLine(b, end, upgrade ? HeadRewriter.UPGRADE_LINE : HeadRewriter.CLOSE_LINE);
        }
        return end < 0 ? -1 : end - start;
    }

    /**
     * Lets the rewritten head through, and then the body: all of it at once
     * when its length is known (receives stream it on without the session),
     * chunk by chunk as {@link #scanBody()} finds them otherwise. The fill limit
     * stays at the head room: bytes read behind the body may be the next
     * pipelined head, whose rewrite needs the room.
     */
    void send(int headLength) {
        switch (framing) {
            case CONTENT_LENGTH -> channel.allow(headLength + head.contentLength());
            case CHUNKED -> {
                chunks.reset();
                channel.allow(headLength);
            }
            default -> channel.allow(headLength);
        }
        if (framing != BodyFraming.CHUNKED) {
            channel.startStreaming();
        }
    }

    /**
     * Whether the whole request, its {@code headLength}-byte head and its body,
     * lies in the buffer now, so that it can be kept there and sent again: no
     * body, or a body of known length that has all arrived. A request whose
     * body streams can never be replayed.
     */
    boolean wholeInBuffer(int headLength) {
        return framing == BodyFraming.NONE
                || framing == BodyFraming.CONTENT_LENGTH && headLength + head.contentLength() <= channel.held();
    }

    /**
     * Whether the body, of known length, is still on its way but will lie
     * whole behind the head within the room reads fill: a form that the
     * stats page reads from the buffer can wait for it there.
     */
    boolean bodyComingThatFits() {
        return framing == BodyFraming.CONTENT_LENGTH && !wholeInBuffer(head.headLength()) && !channel.sourceEnded()
                && head.headStart() + head.headLength() + head.contentLength() <= headRoom;
    }

    /** Walks the chunked body's newest bytes, their size lines made canonical. */
    Body scanBody() {
        if (framing != BodyFraming.CHUNKED || chunks.isComplete()) {
            return Body.OK;
        }
        Buffer b = channel.buffer();
        if (b != null) {
            long from = b.readIndex() + channel.forwardLimit();
            if (from < b.writeIndex()) {
                int n = chunks.feedCanonical(b, (int) from, b.writeIndex());
                if (n < 0) {
                    return Body.MALFORMED;
                }
                channel.allowMore(n);
            }
        }
        return chunks.dataBytes() > bodyLimit ? Body.TOO_LARGE : Body.OK;
    }

    /**
     * The request went all out. A keep-alive client stays read while its
     * response comes: a pipelined request waits in the buffer, an abort is seen
     * at once, and no interest change is paid twice per request.
     */
    void sent() {
        channel.stopStreaming();
        if (keepAlive) {
            channel.resumeInput();
        } else {
            channel.pauseInput();
        }
        channel.updateInterest();
    }

    /** Nothing can follow this request on the connection (it has no body and does not keep alive): the client is not read again. */
    void lastOnConnection() {
        if (!keepAlive && framing == BodyFraming.NONE) {
            channel.pauseInput();
            channel.updateInterest();
        }
    }

    /**
     * Sluice answers the request itself: whether the connection may stay open
     * for a next one (no body to skip, both sides keep alive, and the client
     * did not end its stream with this request). If so the head leaves the
     * buffer, and a pipelined request may follow.
     */
    boolean answeredKeepingAlive(boolean httpClose) {
        boolean keep = mayKeepAfterAnswer(httpClose);
        if (keep) {
            consumeHead();
        }
        return keep;
    }

    /**
     * As {@link #answeredKeepingAlive}, for an applet that read the request's
     * body too (a stats page form): a body of known length that lies whole
     * behind the head leaves the buffer with it, so that the connection may
     * stay open; a body still on its way still closes it.
     */
    boolean answeredKeepingAliveWithBody(boolean httpClose) {
        if (framing != BodyFraming.CONTENT_LENGTH) {
            return answeredKeepingAlive(httpClose);
        }
        long whole = head.headLength() + head.contentLength();
        boolean keep = wholeInBuffer(head.headLength()) && mayKeep(httpClose, whole);
        if (keep) {
            channel.buffer().consumed((int) whole);
        }
        return keep;
    }

    /** As {@link #answeredKeepingAlive}, but the head stays: an answer made from it is not written yet. */
    boolean mayKeepAfterAnswer(boolean httpClose) {
        return framing == BodyFraming.NONE && mayKeep(httpClose, head.headLength());
    }

    /**
     * Both sides keep alive, and the client did not end its stream with the
     * {@code answered} bytes (the request Sluice answers): a next request may follow.
     */
    private boolean mayKeep(boolean httpClose, long answered) {
        return keepAlive && !httpClose && (!channel.sourceEnded() || channel.buffer().readable() > answered);
    }

    /** The answered head leaves the buffer; a pipelined request behind it may follow. */
    void consumeHead() {
        channel.buffer().consumed(head.headLength());
    }

    // --- the header rules' edits, applied at once ---

    /*
     * Each edit an http-request header rule makes goes into the head in the
     * buffer at once, and the head is parsed again, so that a later rule's
     * condition, use_backend, and the backend's rules see it as HAProxy's do.
     * An edit takes the room tune.maxrewrite keeps; a head that no longer fits,
     * or holds more fields than tune.http.maxhdr, overflows, and the request
     * gets 500.
     */

    @Override
    public boolean overflowed() {
        return editsOverflowed;
    }

    @Override
    public void delete(int header) {
        if (!editsOverflowed) {
            HeadRewriter.removeFieldLine(channel.buffer(), head, header, head.headStart() + head.headLength());
            reparseEdited();
        }
    }

    @Override
    public void append(byte[] fieldLine) {
        append(fieldLine, fieldLine.length);
    }

    @Override
    public void append(byte[] fieldLine, int length) {
        if (editsOverflowed) {
            return;
        }
        if (HeadRewriter.insertField(channel.buffer(), head.headStart() + head.headLength(), fieldLine, length) < 0) {
            editsOverflowed = true;
            return;
        }
        reparseEdited();
    }

    /**
     * A start-line rule's edit (or a field value's): the bytes go in place,
     * the head is parsed again, and the method is read again, since a HEAD
     * changes how the response is framed. An absolute-form target's authority
     * is made the Host again, as before the first rule.
     */
    @Override
    public void replace(int start, int end, byte[] with, int offset, int length) {
        if (editsOverflowed) {
            return;
        }
        Buffer b = channel.buffer();
        int grow = length - (end - start);
        if (b.writeIndex() + grow > b.capacity()) {
            editsOverflowed = true;
            return;
        }
        b.shiftTail(end, end + grow);
        b.putAt(start, with, offset, length);
        boolean startLine = start < head.nameStart(0) || head.headerCount() == 0;
        reparseEdited();
        if (!editsOverflowed && startLine) {
            method = head.method();
            editsOverflowed = normalise() != Normal.DONE;
        }
    }

    private void reparseEdited() {
        if (!head.reparse(channel.buffer())) {
            editsOverflowed = true;
        }
    }

    /** Sluice answers instead: nothing more of this request is read or forwarded. */
    void discard() {
        channel.pauseInput();
        channel.stopStreaming();
        channel.allow(0);
        channel.updateInterest();
    }

    /** Every byte of the request went to the server. */
    boolean complete() {
        return channel.forwardLimit() == 0 && (framing != BodyFraming.CHUNKED || chunks.isComplete());
    }

    HttpHeadParser head() {
        return head;
    }

    ChunkedDecoder chunks() {
        return chunks;
    }

    /** The current request's method, or null before its request line is read. */
    Method method() {
        return method;
    }

    BodyFraming framing() {
        return framing;
    }

    /** The request asks for a switch of protocols that Sluice relays. */
    boolean upgrade() {
        return upgrade;
    }

    /**
     * The server switched protocols: from now on the channel passes everything
     * the client sends, as a TCP relay does, its end of stream included.
     */
    void tunnel() {
        channel.allowAll();
        channel.fillAll();
        channel.relayEnd();
        channel.startStreaming();
        channel.resumeInput();
        channel.updateInterest();
    }

    /** Whether the client keeps its connection after this request, by its own fields. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** httpclose, or an answer that ends the connection: the client does not keep it after all. */
    void closeAfter() {
        keepAlive = false;
    }

    void bodyLimit(long limit) {
        bodyLimit = limit;
    }

    long bodyLimit() {
        return bodyLimit;
    }
}
