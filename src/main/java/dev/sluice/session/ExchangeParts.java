package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.ForwardedFor;

/**
 * What an HTTP session uses only while an exchange is in flight: the two
 * channels, the analysers, the exchange with its server side and link, and
 * Sluice's own reply. About 2 KB of heap, where the session itself, its
 * deadlines and the socket are about 1.2 KB: so a session that sits idle
 * gives its parts up (it <em>parks</em>, {@link HttpSession}) and makes new
 * ones at its client's next byte. HAProxy does the same with its stream,
 * freed between two requests while the session stays.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class ExchangeParts {
    final Channel request;
    final Channel response;
    final RequestAnalyser requestSide;
    final ResponseAnalyser responseSide;
    final OwnReply reply = new OwnReply();
    final HttpExchange exchange;
    /** The exchange's server side (its failures and deadlines come here). */
    final HttpUpstream upstream;
    final ServerLink link;

    /** Parts that read from and write to {@code link.client()}, for {@code session}. */
    ExchangeParts(HttpSession session, HttpFrontend frontend, SessionCounters counters, ServerLink.Parts link,
                  HttpDeadlines.State times, ConnectionAddresses addresses) {
        // A frontend that only serves itself reads its requests from the applet arena, not the client pool.
        request = new Channel(session, link.loop(), frontend.services().requestPool(link.loop().id(),
                link.loop().pool()), Channel.Direction.REQUEST, Channel.EndOfStream.KEEP);
        response = new Channel(session, link.loop(), Channel.Direction.RESPONSE, Channel.EndOfStream.KEEP);
        Channel.pair(request, response);
        requestSide = new RequestAnalyser(request, frontend.limits());
        responseSide = new ResponseAnalyser(response, frontend.limits(), counters, session);
        byte[] client = addresses.client();
        exchange = new HttpExchange(session, frontend, counters, request, response, requestSide, responseSide,
                link, reply, times, addresses, client.length == 0 ? null : ForwardedFor.fieldLine(client));
        upstream = exchange.upstream();
        this.link = upstream.link();
        request.readFrom(link.client());
        response.writeTo(link.client());
    }

    /**
     * Whether the parts hold nothing an exchange would: no buffer and no wait
     * for one on either channel (nor a retry of one queued), a client that
     * has not ended its stream and a sink not shut, no server connection,
     * slot or kept connection, no reply or applet answer on its way, and no
     * close owed after the last response.
     */
    boolean holdNothing() {
        return !request.hasBuffer() && !request.isWaiting() && !request.isQueued() && !request.sourceEnded()
                && !response.hasBuffer() && !response.isWaiting() && !response.sinkShut()
                && !link.attached() && !link.holdsSlot() && !link.keeps() && !reply.pending()
                && !exchange.closesAfterResponse() && !exchange.holdsApplet();
    }

    /**
     * The parts wait for the next request (the first, or one after keep-alive).
     * True when one is in the buffer already (pipelined), moved to its start.
     */
    boolean nextRequest() {
        requestSide.expectHead();
        responseSide.idle();
        Buffer b = request.buffer();
        if (b != null && b.isMarked()) {
            throw new IllegalStateException("the last request is still kept for a retry: " + this);
        }
        boolean pipelined = b != null && b.readable() > 0;
        if (pipelined) {
            b.compact();
        }
        request.updateInterest();
        return pipelined;
    }

    /** The session closes: the reply and an applet's answer are dropped, everything goes back, the bytes are counted. */
    void end(SessionCounters counters) {
        reply.drop();
        exchange.dropApplet();
        release();
        counters.forwarded(request.forwarded(), response.forwarded());
    }

    /** Gives back everything the parts hold: the analysers' tables, both buffers and waits, the slot and connections. */
    void release() {
        requestSide.release();
        responseSide.release();
        request.dispose();
        response.dispose();
        link.close();
    }

    /**
     * The session parks: the log's exchange goes on from what these channels
     * moved, and the parts end as at a close ({@link #end}: nothing is on its
     * way then, so only the giving back and the count do anything).
     */
    void retire(ExchangeLog log, SessionCounters counters) {
        log.partsReplaced(request, response);
        end(counters);
    }

    /** Writes what the parts know into the deadlines' state; the head's buffer wait counts from {@code waitBase}. */
    void describe(HttpDeadlines.State t, long waitBase) {
        t.headBytesHeld = request.held() > 0;
        t.headWaitsForBuffer = request.isWaiting();
        t.headBufferWait = request.waitedNanos() - waitBase;
        t.requestForwardable = request.holdsForwardable();
        t.responseForwardable = response.holdsForwardable();
        t.serverAttached = link.attached();
        t.responseStarted = responseSide.started();
        t.clientHalfClosed = request.sourceEnded() || response.sinkShut();
        t.serverHalfClosed = response.sourceEnded() || request.sinkShut();
    }

    /** The parts' state, for failure reports. */
    @Override
    public String toString() {
        return "srv=" + (link.server() == null ? "-" : link.server().owner().name() + "/" + link.server().name())
                + " request{" + request.describe() + "} response{" + response.describe() + "}";
    }
}
