package dev.sluice.http;

/**
 * How the end of a message body is found (RFC 9112 section 6.3), decided once
 * from the head. A {@link #CONTENT_LENGTH} body is exactly
 * {@link HttpHeadParser#contentLength()} bytes; a length of zero is reported as
 * {@link #NONE} so that callers have one case for "no body bytes follow".
 *
 * <p>Immutable; safe from any thread.
 */
public enum BodyFraming {
    /** The message ends with its head. */
    NONE,
    /** The body is a known number of bytes. */
    CONTENT_LENGTH,
    /** The body is chunked; {@link ChunkedDecoder} finds its end without re-encoding it. */
    CHUNKED,
    /** Responses only: the body runs until the server closes the connection. */
    UNTIL_CLOSE
}
