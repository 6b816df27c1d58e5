package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.sluice.http.HttpError.*;
import static dev.sluice.http.TestBytes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The table of refused heads: each row is one rule of package-info, with the status a client gets. */
class RejectionTest {
    /** Small limits so that the size rows stay short: 256-byte heads, 64-byte start lines, 4 fields. */
    private static final HttpLimits LIMITS = new HttpLimits(256, 64, 4, 64, 64);
    private static final String H = "Host: a\r\n";

    private final Buffer buffer = TestBytes.newBuffer();

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", CONTENT_LENGTH_WITH_TRANSFER_ENCODING, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", CONTENT_LENGTH_WITH_TRANSFER_ENCODING, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n", CONFLICTING_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 3, 4\r\n\r\n", CONFLICTING_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: abc\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: +3\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length:\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 3 3\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 3,\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 9223372036854775808\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n", UNSUPPORTED_TRANSFER_CODING, 501),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n", CHUNKED_NOT_FINAL, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n", CHUNKED_NOT_FINAL, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", BAD_TRANSFER_ENCODING, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \r\n\r\n", BAD_TRANSFER_ENCODING, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \"chunked\"\r\n\r\n", BAD_TRANSFER_ENCODING, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n", CHUNKED_NOT_FINAL, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", CHUNKED_NOT_FINAL, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\u000bchunked\r\n\r\n", BAD_HEADER_VALUE, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked;q=1\r\n\r\n", CHUNKED_NOT_FINAL, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 1_0\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.1\r\n" + H + "Content-Length: 0x10\r\n\r\n", BAD_CONTENT_LENGTH, 400),
                arguments("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", TRANSFER_ENCODING_IN_HTTP10, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n  folded\r\n\r\n", OBS_FOLD, 400),
                arguments("GET / HTTP/1.1\r\n Host: a\r\n\r\n", OBS_FOLD, 400),
                arguments("GET / HTTP/1.1\r\nHost : a\r\n\r\n", WHITESPACE_BEFORE_COLON, 400),
                arguments("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", WHITESPACE_BEFORE_COLON, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n", BAD_HEADER_VALUE, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n", BAD_HEADER_VALUE, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X-A: a\u001bb\r\n\r\n", BAD_HEADER_VALUE, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X\u0001A: b\r\n\r\n", BAD_HEADER_NAME, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X A: b\r\n\r\n", BAD_HEADER_NAME, 400),
                arguments("GET / HTTP/1.1\r\n" + H + ": b\r\n\r\n", BAD_HEADER_NAME, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "NoColon\r\n\r\n", BAD_HEADER_NAME, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "X-A: " + "v".repeat(300) + "\r\n\r\n", HEAD_TOO_LARGE, 431),
                arguments("GET / HTTP/1.1\r\n" + H + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", TOO_MANY_HEADERS, 431),
                arguments("GET /" + "a".repeat(70) + " HTTP/1.1\r\n" + H + "\r\n", URI_TOO_LONG, 414),
                arguments("GET /" + "a".repeat(300), URI_TOO_LONG, 414),
                arguments("GET / HTTP/1.1\r\nX-A: b\r\n\r\n", MISSING_HOST, 400),
                arguments("GET / HTTP/1.1\r\n" + H + H + "\r\n", DUPLICATE_HOST, 400),
                arguments("GET / HTTP/1.0\r\n" + H + "host: b\r\n\r\n", DUPLICATE_HOST, 400),
                arguments("G@T / HTTP/1.1\r\n" + H + "\r\n", BAD_METHOD, 400),
                arguments("GE\u0000T / HTTP/1.1\r\n" + H + "\r\n", BAD_METHOD, 400),
                arguments(" GET / HTTP/1.1\r\n" + H + "\r\n", BAD_REQUEST_LINE, 400),
                arguments("GET  / HTTP/1.1\r\n" + H + "\r\n", BAD_REQUEST_LINE, 400),
                arguments("GET /\r\n" + H + "\r\n", BAD_REQUEST_LINE, 400),
                arguments("GET /a\u0001b HTTP/1.1\r\n" + H + "\r\n", BAD_TARGET, 400),
                arguments("GET /caf\u00e9 HTTP/1.1\r\n" + H + "\r\n", BAD_TARGET, 400),
                arguments("GET / HTTP/2.0\r\n" + H + "\r\n", VERSION_NOT_SUPPORTED, 505),
                arguments("GET / HTTP/0.9\r\n" + H + "\r\n", VERSION_NOT_SUPPORTED, 505),
                arguments("GET / http/1.1\r\n" + H + "\r\n", BAD_VERSION, 400),
                arguments("GET / HTTP/1.1 \r\n" + H + "\r\n", BAD_VERSION, 400),
                arguments("GET / HTTP/1.x\r\n" + H + "\r\n", BAD_VERSION, 400),
                arguments("GET / HTTP/1.1\n" + H + "\r\n", BARE_LF, 400),
                arguments("GET / HTTP/1.1\r\nHost: a\n\r\n", BARE_LF, 400),
                arguments("GET / HTTP/1.1\r\n" + H + "\n", BARE_LF, 400),
                arguments("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", BARE_CR, 400),
                arguments("GET /\r HTTP/1.1\r\n" + H + "\r\n", BARE_CR, 400),
                arguments("GET / HTTP/1.1\r\nX\r: b\r\n" + H + "\r\n", BARE_CR, 400));
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusedRequestGetsItsStatus(String head, HttpError expected, int status) {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
        TestBytes.load(buffer, 0, bytes(head));

        assertEquals(HttpHeadParser.Progress.REJECTED, parser.parse(buffer));

        assertEquals(expected, parser.error());
        assertEquals(status, parser.errorStatus());
        assertEquals(status, expected.requestStatus());
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusedRequestIsRefusedTheSameWayWhenFedByteByByte(String head, HttpError expected, int status) {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);

        assertEquals(HttpHeadParser.Progress.REJECTED, TestBytes.parseByteByByte(buffer, parser, bytes(head)));

        assertEquals(expected, parser.error());
    }

    static Stream<Arguments> refusedResponses() {
        return Stream.of(
                arguments("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
                arguments("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
                arguments("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", CONFLICTING_CONTENT_LENGTH),
                arguments("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", BAD_CONTENT_LENGTH),
                arguments("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", UNSUPPORTED_TRANSFER_CODING),
                arguments("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", CHUNKED_NOT_FINAL),
                arguments("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", TRANSFER_ENCODING_IN_HTTP10),
                arguments("HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded\r\n\r\n", OBS_FOLD),
                arguments("HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", WHITESPACE_BEFORE_COLON),
                arguments("HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", BAD_HEADER_VALUE),
                arguments("HTTP/1.1 200 OK\r\nX-A: " + "v".repeat(300) + "\r\n\r\n", HEAD_TOO_LARGE),
                arguments("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", TOO_MANY_HEADERS),
                arguments("HTTP/1.1 200 " + "r".repeat(70) + "\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/1.1 20 OK\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/1.1 099 Low\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/1.1 600 High\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/1.1 200OK\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/1.1 200 O\u0001K\r\n\r\n", BAD_STATUS_LINE),
                arguments("\r\nHTTP/1.1 200 OK\r\n\r\n", BAD_STATUS_LINE),
                arguments("HTTP/2.0 200 OK\r\n\r\n", VERSION_NOT_SUPPORTED),
                arguments("HTTP/1.1 200 OK\nX: 1\r\n\r\n", BARE_LF),
                arguments("HTTP/1.1 200 OK\r\nX: 1\r2\r\n\r\n", BARE_CR));
    }

    @ParameterizedTest
    @MethodSource("refusedResponses")
    void refusedResponseBecomesBadGateway(String head, HttpError expected) {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.RESPONSE, LIMITS);
        TestBytes.load(buffer, 0, bytes(head));

        assertEquals(HttpHeadParser.Progress.REJECTED, parser.parse(buffer));

        assertEquals(expected, parser.error());
        assertEquals(502, parser.errorStatus());
    }
}
