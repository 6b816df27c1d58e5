package dev.sluice.session;

import dev.sluice.http.HttpError;

/**
 * The answers of its own an HTTP session gives when it cannot serve a request
 * for a reason of its own (not one the parser found in the message): the
 * status, how the session is counted when it ends, the error counted against
 * the message if any, and the log line if the reason is worth one.
 */
enum Refusal {
    CONNECT_METHOD(501, SessionOutcome.BAD_REQUEST, HttpError.UNSUPPORTED_TRANSFER_CODING,
            "CONNECT tunnels are not supported"),
    NORMAL_FORM_TOO_LARGE(500, SessionOutcome.BAD_REQUEST, null,
            "the request head in normal form does not fit in tune.maxrewrite"),
    NO_BACKEND(503, SessionOutcome.NO_BACKEND, null, "no backend matches the request"),
    EDITS_TOO_LARGE(500, SessionOutcome.BAD_REQUEST, null,
            "the head edited by header rules does not fit in tune.maxrewrite or tune.http.maxhdr"),
    REDIRECT_TOO_LARGE(500, SessionOutcome.BAD_REQUEST, null,
            "the redirect's location, made from the request, does not fit in a buffer"),
    REWRITE_TOO_LARGE(500, SessionOutcome.BAD_REQUEST, null,
            "the rewritten request head does not fit in tune.maxrewrite"),
    QUEUE_FULL(503, SessionOutcome.QUEUE_FULL, null, null),
    NO_SERVER(503, SessionOutcome.NO_SERVER, null, "no server is available"),
    SERVER_DOWN(503, SessionOutcome.NO_SERVER, null, "the server the request waited for went down"),
    QUEUE_TIMEOUT(503, SessionOutcome.QUEUE_TIMEOUT, null, null),
    CONNECT_ERROR(503, SessionOutcome.CONNECT_ERROR, null, null),
    CONNECT_TIMEOUT(503, SessionOutcome.CONNECT_TIMEOUT, null, null),
    HEAD_TIMEOUT(408, SessionOutcome.REQUEST_TIMEOUT, HttpError.BAD_REQUEST_LINE,
            "request head not complete within timeout http-request"),
    SERVER_CLOSED(502, SessionOutcome.BAD_RESPONSE, HttpError.BAD_STATUS_LINE, "server closed without a response"),
    /** A response the analyser refused: it counted and logged the reason already. */
    BAD_RESPONSE(502, SessionOutcome.BAD_RESPONSE, null, null),
    RESPONSE_TIMEOUT(504, SessionOutcome.SERVER_TIMEOUT, null, null);

    final int status;
    final SessionOutcome outcome;
    /** The error counted against the message, or null. */
    final HttpError counted;
    /** The log line's reason, or null when the refusal is not logged. */
    final String reason;

    Refusal(int status, SessionOutcome outcome, HttpError counted, String reason) {
        this.status = status;
        this.outcome = outcome;
        this.counted = counted;
        this.reason = reason;
    }
}
