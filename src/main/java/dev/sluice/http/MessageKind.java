package dev.sluice.http;

/**
 * Which side of an exchange a message comes from. It decides the start-line
 * grammar and the status a refusal maps to: a bad request is answered with its
 * own 4xx/5xx, a bad response is replaced by 502.
 *
 * <p>Immutable; safe from any thread.
 */
public enum MessageKind {
    /** Sent by a client; refusals use {@link HttpError#requestStatus()}. */
    REQUEST,
    /** Sent by a server; every refusal becomes 502 Bad Gateway. */
    RESPONSE
}
