package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code max-body-size}: a body known from its Content-Length to be too large
 * gets 413 before anything reaches a server; a chunked body is counted as it
 * passes and cut at the limit; a backend's smaller limit applies only to the
 * requests routed to it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpBodyLimitEndToEndTest extends HttpEndToEnd {
    private static final int LIMIT = 1024;

    private static String post(String path, long contentLength, String extraFields) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + contentLength + "\r\n" + extraFields
                + "\r\n";
    }

    private static String chunkedPost(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    private static void assert413ThatCloses(HttpWire w) throws Exception {
        HttpWire.Response r = w.read("POST");
        assertEquals(413, r.status(), r.head());
        assertTrue(r.closes(), "the body is not read, so the connection must end and say so: " + r.head());
        assertTrue(w.closedByPeer(), "the connection stayed open after the 413");
    }

    @Test
    void aContentLengthAboveTheLimitGets413AndNoRequestReachesTheServer() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 1k"));
        HttpWire bystander = wire();
        assertEquals(200, bystander.exchange(get("/size/3")).status());

        HttpWire w = wire();
        w.send(post("/echo", LIMIT + 1, ""));
        assert413ThatCloses(w);

        awaitCounter("http_replies_413", 1);
        awaitCounter("sessions_ended_bad_request", 1);
        assertEquals(1, origin.heads(), "a request refused for its size reached the server (the bystander's is 1)");
        HttpWire.Response after = bystander.exchange(get("/size/4"));
        assertEquals(200, after.status(), "another session noticed the refusal: " + after.head());
        assertEquals(1, origin.accepted(), "the bystander's keep-alive server connection was not kept");
    }

    /**
     * The client that sends its body at once, without waiting for an answer,
     * still reads its 413: the connection is not reset under the reply by the
     * bytes Sluice does not read.
     */
    @Test
    void aClientStillSendingItsTooLargeBodyReadsIts413() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 1k"));
        HttpWire w = wire();
        Thread writer = w.sendInBackground(post("/echo", 256 * 1024, "").getBytes(StandardCharsets.US_ASCII),
                TestOrigin.pattern(256 * 1024, 256 * 1024));
        assert413ThatCloses(w);
        writer.join(10_000);
        awaitCounter("http_replies_413", 1);
        assertEquals(0, origin.heads());
    }

    /**
     * A simple client writes its whole upload before it reads anything. Sluice
     * refuses at the head and never reads the body, so it lingers: it drops
     * what still comes until the client is done, and the client then reads
     * its 413. Closed at once, the connection would be reset under the
     * client's writes and the answer lost.
     */
    @Test
    void aClientThatWritesItsWholeUploadBeforeReadingStillGetsIts413() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 1k"));
        HttpWire w = wire();
        int size = 4 << 20;
        w.send(post("/echo", size, ""));
        w.send(TestOrigin.pattern(size, size));
        assert413ThatCloses(w);
        awaitCounter("lingering_closes", 1);
        assertEquals(0, origin.heads());
    }

    /** Sends {@code head} and {@code framed} to a frontend limited to 1k; /echo must return {@code body} whole. */
    private void assertPassesWhole(String head, byte[] framed, byte[] body) throws Exception {
        start(cfg(origin()).frontend("max-body-size 1k"));
        HttpWire.Response r = wire().send(head).send(framed).read("POST");
        assertEquals(200, r.status(), r.head());
        assertArrayEquals(body, r.body());
        assertEquals(0, counter("http_replies_413"));
    }

    @Test
    void aContentLengthExactlyAtTheLimitPassesWhole() throws Exception {
        byte[] body = TestOrigin.pattern(LIMIT, LIMIT);
        assertPassesWhole(post("/echo", LIMIT, ""), body, body);
    }

    @Test
    void aChunkedBodyExactlyAtTheLimitPassesWhole() throws Exception {
        byte[] body = TestOrigin.pattern(LIMIT, LIMIT);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        HttpTestOrigin.writeChunked(chunked, body);
        assertPassesWhole(chunkedPost("/echo"), chunked.toByteArray(), body);
    }

    @Test
    void expectContinueAboveTheLimitGets413WithoutA100() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 1k"));
        HttpWire w = wire();
        w.send(post("/echo", LIMIT + 1, "Expect: 100-continue\r\n"));
        // The first answer must be the 413: a 100 here would fail the status check.
        assert413ThatCloses(w);
        awaitCounter("http_replies_413", 1);
        assertEquals(0, origin.continuesSent(), "the server was asked for a 100 Continue");
        assertEquals(0, origin.heads());
    }

    /**
     * Server maxconn 1 and timeout queue 2s: if the refused request kept its
     * slot, the next request would wait in the queue and get 503.
     */
    @Test
    void aChunkedBodyGoingPastTheLimitGets413AndGivesBackTheServerConnectionAndSlot() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 100k").server("maxconn 1").backend("timeout queue 2s"));
        HttpWire w = wire();
        // 60000 bytes pass, more than a buffer; the next chunk's size line takes the body one byte past 100k.
        w.send(chunkedPost("/echo") + Integer.toHexString(60_000) + "\r\n");
        w.send(TestOrigin.pattern(60_000, 60_000));
        awaitTrue(() -> origin.heads() == 1, () -> "the head of the chunked request did not reach the server");
        w.send("\r\n" + Integer.toHexString(100 * 1024 - 60_000 + 1) + "\r\n");
        assert413ThatCloses(w);

        awaitCounter("http_replies_413", 1);
        awaitTrue(() -> origin.openConnections() == 0, () -> "the server connection of the refused body is open");
        assertEquals(0, origin.requestCount(), "the server saw a complete request");
        HttpWire next = wire();
        HttpWire.Response r = next.exchange(get("/size/9"));
        assertEquals(200, r.status(), "the refused request kept its server slot: " + r.head());
    }

    @Test
    void aBackendLimitSmallerThanTheFrontendsAppliesOnlyToRequestsRoutedThere() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 4k", "use_backend small if { path_beg /small }",
                "default_backend app").more("backend small", "    max-body-size 1k",
                "    server s2 127.0.0.1:" + origin.port()));
        byte[] body = TestOrigin.pattern(2000, 2000);

        HttpWire big = wire();
        big.send(post("/echo", body.length, "")).send(body);
        HttpWire.Response passed = big.read("POST");
        assertEquals(200, passed.status(), "the frontend's 4k let it pass, backend app has no limit: "
                + passed.head());
        assertArrayEquals(body, passed.body());

        HttpWire small = wire();
        small.send(post("/small", body.length, ""));
        assert413ThatCloses(small);
        HttpWire.Response fits = wire().exchange(post("/small", 10, "") + "0123456789");
        assertEquals(200, fits.status(), fits.head());

        HttpWire tooBigForBoth = wire();
        tooBigForBoth.send(post("/echo", 4097, ""));
        assert413ThatCloses(tooBigForBoth);

        awaitCounter("http_replies_413", 2);
        assertEquals(2, origin.requestCount(), "a refused request reached the server");
    }

    @Test
    void aChunkedBodyGoingPastTheBackendLimitGets413() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("max-body-size 4k").backend("max-body-size 1k"));
        HttpWire w = wire();
        w.send(chunkedPost("/echo") + "400\r\n").send(TestOrigin.pattern(LIMIT, LIMIT)).send("\r\n1\r\n");
        assert413ThatCloses(w);
        awaitCounter("http_replies_413", 1);
        assertEquals(0, origin.requestCount());
    }
}
