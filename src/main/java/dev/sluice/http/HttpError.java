package dev.sluice.http;

/**
 * Why a message was refused. Each constant is one counter and one log reason;
 * its status is what a client is told. A refused response is never forwarded:
 * the client gets 502 whatever the reason, so {@link #status(MessageKind)} maps
 * every constant to 502 for {@link MessageKind#RESPONSE}.
 *
 * <p>Immutable; safe from any thread.
 */
public enum HttpError {
    BAD_REQUEST_LINE(400, "malformed request line"),
    BAD_METHOD(400, "method is not a token"),
    BAD_TARGET(400, "request target holds a space, control or non-ASCII byte"),
    URI_TOO_LONG(414, "request line longer than the limit"),
    /** Responses only, hence 502 either way. */
    BAD_STATUS_LINE(502, "malformed status line"),
    BAD_VERSION(400, "malformed HTTP version"),
    VERSION_NOT_SUPPORTED(505, "HTTP major version other than 1"),
    BARE_CR(400, "CR not followed by LF"),
    BARE_LF(400, "line ends with LF without CR"),
    BAD_HEADER_NAME(400, "header name is not a token or has no colon"),
    WHITESPACE_BEFORE_COLON(400, "whitespace between header name and colon"),
    BAD_HEADER_VALUE(400, "control character in header value"),
    OBS_FOLD(400, "obsolete line folding"),
    TOO_MANY_HEADERS(431, "more header fields than the limit"),
    HEAD_TOO_LARGE(431, "header section larger than the limit"),
    MISSING_HOST(400, "HTTP/1.1 request without Host"),
    DUPLICATE_HOST(400, "several Host header fields"),
    BAD_CONTENT_LENGTH(400, "Content-Length is not a decimal number"),
    CONFLICTING_CONTENT_LENGTH(400, "Content-Length values differ"),
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, "both Content-Length and Transfer-Encoding"),
    BAD_TRANSFER_ENCODING(400, "empty or repeated transfer coding"),
    CHUNKED_NOT_FINAL(400, "chunked is not the final transfer coding"),
    UNSUPPORTED_TRANSFER_CODING(501, "transfer coding other than chunked"),
    TRANSFER_ENCODING_IN_HTTP10(400, "Transfer-Encoding in an HTTP/1.0 message"),
    BAD_CHUNK_SIZE(400, "chunk size is not hexadecimal"),
    CHUNK_SIZE_OVERFLOW(400, "chunk size above 2^62"),
    CHUNK_LINE_TOO_LONG(400, "chunk size line longer than the limit"),
    BAD_CHUNK_FRAMING(400, "chunk not followed by CRLF"),
    BAD_TRAILER(400, "malformed trailer field"),
    TRAILER_TOO_LARGE(400, "trailer section larger than the limit"),
    /** accept-proxy: the connection did not start with a valid PROXY protocol header (it is dropped, unanswered). */
    BAD_PROXY_HEADER(400, "malformed PROXY protocol header");

    private final int requestStatus;
    private final String reason;

    HttpError(int requestStatus, String reason) {
        this.requestStatus = requestStatus;
        this.reason = reason;
    }

    /** The status a client gets when its request is refused for this reason. */
    public int requestStatus() {
        return requestStatus;
    }

    /** The status a client gets when a message of {@code kind} is refused for this reason. */
    public int status(MessageKind kind) {
        return kind == MessageKind.REQUEST ? requestStatus : 502;
    }

    /** A short phrase for logs; never sent to a client as-is. */
    public String reason() {
        return reason;
    }
}
