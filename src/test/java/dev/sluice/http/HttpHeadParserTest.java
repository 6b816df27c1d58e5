package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.sluice.http.HttpHeadParser.Progress.COMPLETE;
import static dev.sluice.http.HttpHeadParser.Progress.NEED_MORE;
import static dev.sluice.http.TestBytes.bytes;
import static dev.sluice.http.TestBytes.load;
import static dev.sluice.http.TestBytes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpHeadParserTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);
    private static final String GET = "GET /index.html?q=1 HTTP/1.1\r\n"
            + "Host: example.com\r\n"
            + "User-Agent:  curl/8.0 \t\r\n"
            + "Accept: */*\r\n"
            + "\r\n";

    private final Buffer buffer = TestBytes.newBuffer();
    private final HttpHeadParser request = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
    private final HttpHeadParser response = new HttpHeadParser(MessageKind.RESPONSE, LIMITS);

    @Test
    void requestHeadIsReportedAsOffsetsIntoTheBuffer() {
        load(buffer, 7, bytes(GET + "BODY"));

        assertEquals(COMPLETE, request.parse(buffer));

        assertEquals(7, request.headStart());
        assertEquals(GET.length(), request.headLength());
        assertEquals("GET", text(buffer, request.methodStart(), request.methodEnd()));
        assertEquals(Method.GET, request.method());
        assertEquals("/index.html?q=1", text(buffer, request.targetStart(), request.targetEnd()));
        assertEquals(1, request.minorVersion());
        assertEquals(3, request.headerCount());
        assertEquals("User-Agent", text(buffer, request.nameStart(1), request.nameEnd(1)));
        assertEquals("curl/8.0", text(buffer, request.valueStart(1), request.valueEnd(1)), "OWS is trimmed");
        assertEquals(BodyFraming.NONE, request.bodyFraming());
        assertTrue(request.keepAlive());
        assertNull(request.error());
    }

    @Test
    void headFedByteByByteGivesTheSameOffsetsAsFedWhole() {
        byte[] message = bytes(GET);
        load(buffer, 0, message);
        request.parse(buffer);
        String whole = TestBytes.reserialize(buffer, request);
        int headLength = request.headLength();

        assertEquals(COMPLETE, TestBytes.parseByteByByte(buffer, request, message));

        assertEquals(whole, TestBytes.reserialize(buffer, request));
        assertEquals(headLength, request.headLength());
    }

    @Test
    void incompleteHeadSaysNeedMoreUntilTheBlankLine() {
        byte[] message = bytes(GET);
        load(buffer, 0, Arrays.copyOf(message, message.length - 1));
        assertEquals(NEED_MORE, request.parse(buffer));
        buffer.append(message, message.length - 1, 1);
        assertEquals(COMPLETE, request.parse(buffer));
    }

    @Test
    void offsetsFollowTheHeadWhenTheBufferIsCompactedBetweenCalls() {
        byte[] message = bytes(GET);
        int split = 40;
        load(buffer, 100, Arrays.copyOf(message, split));
        assertEquals(NEED_MORE, request.parse(buffer));

        buffer.compact();
        buffer.append(message, split, message.length - split);

        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(0, request.headStart());
        assertEquals("example.com", text(buffer, request.valueStart(0), request.valueEnd(0)));
        assertEquals("curl/8.0", text(buffer, request.valueStart(1), request.valueEnd(1)));
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkippedButCountInTheHead() {
        load(buffer, 0, bytes("\r\n\r\n" + GET));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(4, request.startLineStart());
        assertEquals(GET.length() + 4, request.headLength());
        assertEquals(Method.GET, request.method());
    }

    @Test
    void higherMinorVersionIsReadAsHttp11() {
        load(buffer, 0, bytes("GET / HTTP/1.7\r\nHost: a\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(1, request.minorVersion());
    }

    @Test
    void http10RequestNeedsNoHost() {
        load(buffer, 0, bytes("GET / HTTP/1.0\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(0, request.minorVersion());
        assertFalse(request.keepAlive(), "HTTP/1.0 closes unless keep-alive is asked for");
    }

    @Test
    void emptyHostIsAcceptedInHttp11() {
        load(buffer, 0, bytes("OPTIONS * HTTP/1.1\r\nHost:\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(request.valueStart(0), request.valueEnd(0));
    }

    @Test
    void identicalContentLengthsOnSeveralLinesOrInAListAreOneLength() {
        load(buffer, 0, bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 005, 5\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(BodyFraming.CONTENT_LENGTH, request.bodyFraming());
        assertEquals(5, request.contentLength());
    }

    @Test
    void zeroContentLengthMeansNoBody() {
        load(buffer, 0, bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(BodyFraming.NONE, request.bodyFraming());
    }

    @Test
    void chunkedRequestIsFramedChunkedWhateverTheCase() {
        load(buffer, 0, bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , CHUNKED\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(BodyFraming.CHUNKED, request.bodyFraming());
    }

    @Test
    void requestWithoutLengthHasNoBody() {
        load(buffer, 0, bytes("POST / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(BodyFraming.NONE, request.bodyFraming());
    }

    @Test
    void headerNamesAreFoundIgnoringCase() {
        load(buffer, 0, bytes(GET));
        request.parse(buffer);
        assertEquals(2, request.findHeader(buffer, HttpBytes.ascii("accept")));
        assertEquals(-1, request.findHeader(buffer, HttpBytes.ascii("cookie")));
        assertTrue(HttpBytes.equalsIgnoreCase(buffer, request.nameStart(1), request.nameEnd(1), HttpBytes.ascii("user-agent")));
        assertFalse(HttpBytes.equalsIgnoreCase(buffer, request.nameStart(1), request.nameEnd(1), HttpBytes.ascii("user-agen")));
    }

    @Test
    void theParserIsReusableAfterReset() {
        load(buffer, 0, bytes("GET / HTTP/1.1\r\n\r\n"));
        request.parse(buffer);
        request.reset();
        load(buffer, 0, bytes(GET));
        assertEquals(COMPLETE, request.parse(buffer));
        assertEquals(3, request.headerCount());
    }

    // ---- responses ----

    @Test
    void responseStatusAndReasonAreReported() {
        load(buffer, 3, bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(404, response.statusCode());
        assertEquals("Not Found", text(buffer, response.reasonStart(), response.reasonEnd()));
        assertEquals(BodyFraming.CONTENT_LENGTH, response.bodyFraming());
        assertEquals(9, response.contentLength());
        assertTrue(response.keepAlive());
    }

    @Test
    void statusLineWithoutReasonOrItsSpaceIsAccepted() {
        load(buffer, 0, bytes("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(200, response.statusCode());
        assertEquals(response.reasonStart(), response.reasonEnd());
    }

    @Test
    void responseWithoutLengthRunsUntilCloseAndIsNotKeptAlive() {
        load(buffer, 0, bytes("HTTP/1.1 200 OK\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(BodyFraming.UNTIL_CLOSE, response.bodyFraming());
        assertFalse(response.keepAlive());
    }

    @Test
    void informationalNoContentAndNotModifiedResponsesHaveNoBody() {
        for (String status : new String[] {"100 Continue", "101 Switching Protocols", "204 No Content", "304 Not Modified"}) {
            response.reset();
            load(buffer, 0, bytes("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n"));
            assertEquals(COMPLETE, response.parse(buffer), status);
            assertEquals(BodyFraming.NONE, response.bodyFraming(), status);
        }
    }

    @Test
    void responseToHeadHasNoBodyWhateverItsLength() {
        response.resetForResponseTo(Method.HEAD);
        load(buffer, 0, bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(BodyFraming.NONE, response.bodyFraming());
    }

    @Test
    void successfulResponseToConnectHasNoBody() {
        response.resetForResponseTo(Method.CONNECT);
        load(buffer, 0, bytes("HTTP/1.1 200 Connection established\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(BodyFraming.NONE, response.bodyFraming());
    }

    @Test
    void chunkedResponseIsFramedChunked() {
        response.resetForResponseTo(Method.GET);
        load(buffer, 0, bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(COMPLETE, response.parse(buffer));
        assertEquals(BodyFraming.CHUNKED, response.bodyFraming());
    }
}
