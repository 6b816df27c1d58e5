package dev.sluice.session;

import dev.sluice.log.TerminationPhase;
import dev.sluice.session.HttpSession.Req;
import dev.sluice.session.HttpSession.Resp;

/**
 * Where an HTTP session's current exchange is: its request ({@link Req}) and
 * its response ({@link Resp}). Every change goes through a table of the
 * transitions that can happen; any other is a bug in the session, and throws
 * at once rather than letting the session run on in a state nobody planned.
 */
final class ExchangeState {
    private static final int[] REQ_NEXT = new int[Req.values().length];
    private static final int[] RESP_NEXT = new int[Resp.values().length];

    static {
        // The next request follows a response (SENT), a reply (DISCARDING), or nothing (the first).
        allow(REQ_NEXT, Req.HEAD, Req.HEAD, Req.WAITING_FOR_SLOT, Req.CONNECTING, Req.DISCARDING);
        allow(REQ_NEXT, Req.WAITING_FOR_SLOT, Req.CONNECTING, Req.DISCARDING);
        // A retry connects again, or waits in a queue again after a redispatch.
        allow(REQ_NEXT, Req.CONNECTING, Req.SENDING, Req.DISCARDING, Req.CONNECTING, Req.WAITING_FOR_SLOT);
        allow(REQ_NEXT, Req.SENDING, Req.SENT, Req.DISCARDING);
        // A retry after the response failed sends the kept request again, maybe through a queue.
        allow(REQ_NEXT, Req.SENT, Req.HEAD, Req.DISCARDING, Req.TUNNEL, Req.CONNECTING, Req.WAITING_FOR_SLOT);
        allow(REQ_NEXT, Req.DISCARDING, Req.HEAD, Req.DISCARDING);
        allow(RESP_NEXT, Resp.IDLE, Resp.IDLE, Resp.HEAD, Resp.REPLY);
        allow(RESP_NEXT, Resp.HEAD, Resp.INTERIM, Resp.BODY, Resp.REPLY, Resp.TUNNEL, Resp.IDLE);
        allow(RESP_NEXT, Resp.INTERIM, Resp.HEAD, Resp.REPLY);
        allow(RESP_NEXT, Resp.BODY, Resp.RECEIVED);
        allow(RESP_NEXT, Resp.RECEIVED, Resp.IDLE);
        allow(RESP_NEXT, Resp.REPLY, Resp.IDLE);
    }

    @SafeVarargs
    private static <E extends Enum<E>> void allow(int[] table, E from, E... to) {
        for (E e : to) {
            table[from.ordinal()] |= 1 << e.ordinal();
        }
    }

    private Req req = Req.HEAD;
    private Resp resp = Resp.IDLE;

    Req req() {
        return req;
    }

    Resp resp() {
        return resp;
    }

    /** @param session named in the failure, for the report */
    void req(Req to, Object session) {
        if ((REQ_NEXT[req.ordinal()] & 1 << to.ordinal()) == 0) {
            throw new IllegalStateException("HTTP session: request " + req + " -> " + to + " cannot happen: " + session);
        }
        req = to;
    }

    /** @param session named in the failure, for the report */
    void resp(Resp to, Object session) {
        if ((RESP_NEXT[resp.ordinal()] & 1 << to.ordinal()) == 0) {
            throw new IllegalStateException("HTTP session: response " + resp + " -> " + to + " cannot happen: "
                    + session);
        }
        resp = to;
    }

    /** What the exchange is doing now, as the second character of {@code %tsc} says it. */
    TerminationPhase phase() {
        switch (req) {
            case HEAD -> {
                return TerminationPhase.REQUEST;
            }
            case WAITING_FOR_SLOT -> {
                return TerminationPhase.QUEUE;
            }
            case CONNECTING -> {
                return TerminationPhase.CONNECT;
            }
            default -> {
            }
        }
        return switch (resp) {
            case IDLE, HEAD, INTERIM -> req == Req.DISCARDING ? TerminationPhase.REQUEST : TerminationPhase.HEADERS;
            case BODY, TUNNEL -> TerminationPhase.DATA;
            case RECEIVED -> TerminationPhase.LAST;
            case REPLY -> TerminationPhase.REQUEST;
        };
    }
}
