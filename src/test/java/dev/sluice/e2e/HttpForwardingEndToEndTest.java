package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.stats.Summary;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP mode forwards requests and responses: bodies of either framing and of
 * any size stream through one buffer per direction, connections persist on
 * both sides, pipelined requests are answered in order, and the Connection
 * rules of RFC 9112 hold on each hop.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpForwardingEndToEndTest extends HttpEndToEnd {
    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aMegabyteResponseOfEitherFramingStreamsThroughOneBufferAndArrivesIntact() throws Exception {
        HttpTestOrigin origin = origin();
        // Eight 16 KiB buffers cannot hold a megabyte: it can only stream.
        start(cfg(origin).loops(1, 8, 2));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/size/" + MB));
        assertEquals(200, r.status());
        assertEquals(String.valueOf(MB), r.header("content-length"));
        assertArrayEquals(sha(TestOrigin.pattern(MB, MB)), sha(r.body()));
        HttpWire.Response c = w.exchange(get("/chunked/" + MB));
        assertEquals("chunked", c.header("transfer-encoding"));
        assertArrayEquals(sha(TestOrigin.pattern(MB, MB)), sha(c.body()));
        assertTrue(counter("buffers_peak_in_use_sum") <= 2, "one session held more than a buffer per direction: "
                + counter("buffers_peak_in_use_sum"));
    }

    /**
     * A response a little bigger than a buffer, to a client that closes after
     * it: its first part is written corked, the rest read and written at once,
     * and the FIN sends what the cork held. With {@code option tcp-smart-connect}
     * each new server connection's handshake ends with the request. Every body
     * arrives whole, followed by the end of the stream.
     */
    @Test
    void responsesJustOverABufferArriveWholeOnClosingConnectionsWithSmartConnect() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 8, 2).backend("option tcp-smart-connect"));
        int size = 20 * 1024;
        for (int i = 0; i < 20; i++) {
            HttpWire w = wire();
            HttpWire.Response r = w.exchange("GET /size/" + size + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(200, r.status());
            assertArrayEquals(TestOrigin.pattern(size, size), r.body(), "response " + i);
            assertTrue(w.closedByPeer(), "the connection stayed open after Connection: close");
        }
        assertTrue(counter("stream_refills") > 0, "no response was refilled");
        awaitCounter("buffers_in_use", 0);
    }

    @Test
    void aMegabyteUploadOfEitherFramingStreamsThroughAndArrivesIntact() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 8, 2));
        byte[] upload = TestOrigin.pattern(7, MB + 333);
        HttpWire w = wire();
        w.send("POST /sha HTTP/1.1\r\nHost: t\r\nContent-Length: " + upload.length + "\r\n\r\n");
        w.send(upload);
        assertEquals(HexFormat.of().formatHex(sha(upload)) + " " + upload.length, w.read().text());

        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        HttpTestOrigin.writeChunked(chunked, upload);
        w.send("POST /sha HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        w.send(chunked.toByteArray());
        assertEquals(HexFormat.of().formatHex(sha(upload)) + " " + upload.length, w.read().text());

        byte[] small = TestOrigin.pattern(8, 70_000);
        w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + small.length + "\r\n\r\n").send(small);
        assertArrayEquals(small, w.read().body());
        assertEquals(3, origin.requestCount());
        assertTrue(counter("buffers_peak_in_use_sum") <= 2, "one session held more than a buffer per direction");
    }

    @Test
    void aServerThatAnswersWhileTheBodyStillArrivesStreamsBothWaysAtOnce() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 8, 2));
        byte[] upload = TestOrigin.pattern(12, 4 * MB);
        HttpWire w = wire();
        Thread writer = w.sendInBackground(("POST /stream-echo HTTP/1.1\r\nHost: t\r\nContent-Length: "
                + upload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), upload);
        HttpWire.Response r = w.read("POST");
        writer.join(10_000);
        assertEquals(200, r.status());
        assertArrayEquals(sha(upload), sha(r.body()), "the streamed echo differs");
    }

    @Test
    void theSmallestBuffersStillCarryEveryFraming() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 6, 2).global("tune.bufsize 1024", "tune.maxrewrite 256")
                .frontend("option forwardfor", "http-request add-header X-Added " + "a".repeat(200)));
        HttpWire w = wire();
        assertArrayEquals(TestOrigin.pattern(100_000, 100_000), w.exchange(get("/size/100000")).body());
        assertArrayEquals(TestOrigin.pattern(100_000, 100_000), w.exchange(get("/chunked/100000")).body());
        byte[] upload = TestOrigin.pattern(5, 50_000);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        HttpTestOrigin.writeChunked(chunked, upload);
        w.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n").send(chunked.toByteArray());
        assertArrayEquals(upload, w.read("POST").body());
        HttpWire.Response r = w.exchange("GET /size/10 HTTP/1.0\r\nConnection: keep-alive\r\nX-Pad: "
                + "p".repeat(600) + "\r\n\r\n");
        assertEquals("keep-alive", r.header("connection"));
        assertEquals(4, origin.requestCount());
        assertTrue(origin.requests().stream().allMatch(q -> q.header("x-added") != null));
    }

    @Test
    void aChunkLineLongerThanABufferIsAnsweredNotLeftHanging() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("long-chunk-line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext="
                + "e".repeat(1500) + "\r\nhello\r\n0\r\n\r\n");
        start(cfg(origin).loops(1, 6, 2).global("tune.bufsize 1024", "tune.maxrewrite 256"));
        HttpWire w = wire();
        w.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=" + "e".repeat(1500)
                + "\r\nhello\r\n0\r\n\r\n");
        HttpWire.Response r = w.read("POST");
        assertTrue(r.status() == 200 && r.text().equals("hello") || r.status() == 400, r.head());
        HttpWire w2 = wire();
        HttpWire.Response back = w2.exchange(get("/raw/long-chunk-line"));
        assertEquals("hello", back.text());
    }

    @Test
    void messagesArrivingOneByteAtATimeAreParsedAndForwardedWhole() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                + "3;e=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: t\r\n\r\n");
        origin.raw("length", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlength");
        start(cfg(origin));
        HttpWire w = wire();
        byte[] request = ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (byte b : request) {
            w.send(new byte[] {b});
        }
        assertEquals("wikipedia", w.read("POST").text());
        assertEquals("abc0123456789abcdef", w.exchange(get("/dribble/chunked")).text());
        assertEquals("length", w.exchange(get("/dribble/length")).text());
        assertEquals(1, origin.accepted(), "the connection must survive dribbled messages");
    }

    @Test
    void oneKeepAliveConnectionCarriesManyRequestsOverOneServerConnection() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            int size = 1 + i * 997;
            HttpWire.Response r = w.exchange(get((i % 2 == 0 ? "/size/" : "/chunked/") + size));
            assertEquals(200, r.status());
            assertFalse(r.closes(), "a keep-alive response must not close: " + r.head());
            assertArrayEquals(TestOrigin.pattern(size, size), r.body(), "request " + i);
        }
        assertEquals(requests, origin.requestCount());
        assertEquals(1, origin.accepted(), "the server connection was not reused between requests");
        assertEquals(requests - 1, counter("server_connections_reused"));
        assertEquals(requests, counter("http_requests"));
        assertEquals(1, counter("sessions_opened"));
    }

    @Test
    void serverConnectionsAreSharedBetweenClientConnections() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        int clients = 10;
        int perClient = 4;
        for (int c = 0; c < clients; c++) {
            try (HttpWire w = new HttpWire(port())) {
                for (int i = 0; i < perClient; i++) {
                    assertArrayEquals(TestOrigin.pattern(100 + i, 100 + i), w.exchange(get("/size/" + (100 + i))).body());
                }
            }
        }
        int requests = clients * perClient;
        assertEquals(requests, origin.requestCount());
        assertTrue(counter("server_connections_reused") > 0, sluice.summary().render());
        assertTrue(origin.accepted() < requests, "the origin saw " + origin.accepted() + " connections for "
                + requests + " requests");
        assertEquals(origin.accepted(), counter("server_connections_opened"));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        byte[] upload = TestOrigin.pattern(3, 40_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(get("/slow/100").getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(get("/size/30000").getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + upload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(upload);
        all.writeBytes("HEAD /size/999 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(get("/chunked/5000").getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(get("/status/204").getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(get("/size/1").getBytes(StandardCharsets.US_ASCII));
        HttpWire w = wire();
        w.send(all.toByteArray());
        assertEquals("slow", w.read().text());
        assertArrayEquals(TestOrigin.pattern(30000, 30000), w.read().body());
        assertArrayEquals(upload, w.read().body());
        HttpWire.Response head = w.read("HEAD");
        assertEquals("999", head.header("content-length"));
        assertArrayEquals(TestOrigin.pattern(5000, 5000), w.read().body());
        assertEquals(204, w.read().status());
        assertArrayEquals(TestOrigin.pattern(1, 1), w.read().body());
        assertTrue(w.silentFor(100), "bytes after the last answer");
        List<String> seen = origin.requests().stream().map(HttpTestOrigin.Request::target).toList();
        assertEquals(List.of("/slow/100", "/size/30000", "/echo", "/size/999", "/chunked/5000", "/status/204",
                "/size/1"), seen);
    }

    @Test
    void connectionCloseFromAnHttp11ClientEndsTheConnectionAfterTheResponse() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("GET /headers HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + get("/after-close"));
        HttpWire.Response r = w.read();
        assertEquals(200, r.status());
        assertTrue(r.closes(), r.head());
        assertTrue(w.closedByPeer(), "the connection stayed open after Connection: close");
        awaitCounter("sessions_ended_done", 1);
        assertEquals(1, origin.requestCount(), "a request after Connection: close reached the server");
    }

    @Test
    void anHttp10ClientKeepsItsConnectionOnlyWhenItAsksForKeepAlive() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        for (int i = 0; i < 3; i++) {
            HttpWire.Response r = w.exchange("GET /size/10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", r.header("connection"), r.head());
            assertArrayEquals(TestOrigin.pattern(10, 10), r.body());
        }
        HttpWire.Response last = w.exchange("GET /size/11 HTTP/1.0\r\n\r\n");
        assertArrayEquals(TestOrigin.pattern(11, 11), last.body());
        assertTrue(last.closes(), last.head());
        assertTrue(w.closedByPeer(), "an HTTP/1.0 connection without keep-alive stayed open");
    }

    @Test
    void hopByHopFieldsAreRemovedInBothDirections() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("hop", "HTTP/1.1 200 OK\r\nConnection: X-Resp-Secret, keep-alive\r\nX-Resp-Secret: 1\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Resp-Kept: yes\r\n"
                + "Content-Length: 2\r\n\r\nok");
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange("GET /headers HTTP/1.1\r\nHost: t\r\nConnection: X-Secret, keep-alive\r\n"
                + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "Upgrade: websocket\r\nX-Kept: yes\r\n\r\n");
        HttpTestOrigin.Request seen = origin.requests().get(0);
        for (String gone : List.of("connection", "x-secret", "keep-alive", "proxy-connection", "te", "upgrade")) {
            assertNull(seen.header(gone), gone + " reached the server:\n" + seen.head());
        }
        assertEquals("yes", seen.header("x-kept"));
        assertEquals("t", seen.header("host"));
        assertEquals(seen.head(), r.text());

        // /dribble keeps the server connection open: an origin that closes without saying so
        // races the reuse of its connection, which ends the client's connection instead.
        HttpWire.Response back = w.exchange(get("/dribble/hop"));
        assertEquals("ok", back.text());
        for (String gone : List.of("x-resp-secret", "keep-alive", "proxy-connection", "upgrade")) {
            assertNull(back.header(gone), gone + " reached the client:\n" + back.head());
        }
        assertEquals("yes", back.header("x-resp-kept"));
        assertEquals(200, w.exchange(get("/size/3")).status(), "the client connection must survive");
    }

    @Test
    void aResponseNominatingItsContentLengthInConnectionKeepsItsFraming() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("nominated", "HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\nhello");
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/dribble/nominated"));
        assertEquals("5", r.header("content-length"), r.head());
        assertEquals("hello", r.text());
        assertArrayEquals(TestOrigin.pattern(4, 4), w.exchange(get("/size/4")).body());
    }

    @Test
    void headAnd204And304AnswersCarryNoBodyAndTheConnectionGoesOn() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response head = w.exchange("HEAD /size/5000 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("5000", head.header("content-length"));
        HttpWire.Response headChunked = w.exchange("HEAD /chunked/5000 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("chunked", headChunked.header("transfer-encoding"));
        assertEquals(204, w.exchange(get("/status/204")).status());
        HttpWire.Response notModified = w.exchange(get("/status/304"));
        assertEquals(304, notModified.status());
        assertEquals("1000", notModified.header("content-length"));
        // Had any of them carried bytes, this answer would not parse or would differ.
        assertArrayEquals(TestOrigin.pattern(77, 77), w.exchange(get("/size/77")).body());
        assertTrue(w.silentFor(100));
        assertEquals(5, origin.requestCount());
        assertEquals(1, origin.accepted());
    }

    @Test
    void expectContinueGetsTheInterimAnswerBeforeTheBodyIsSent() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        byte[] body = TestOrigin.pattern(9, 50_000);
        w.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n");
        HttpWire.Response interim = w.read("POST");
        assertEquals(100, interim.status());
        w.send(body);
        HttpWire.Response r = w.read("POST");
        assertEquals(200, r.status());
        assertArrayEquals(body, r.body());
        HttpWire.Response hinted = w.exchange(get("/hints"));
        assertEquals(103, hinted.status());
        assertEquals("</style.css>; rel=preload", hinted.header("link"));
        assertEquals("hints", w.read().text());
        assertEquals(1, origin.continuesSent());
        assertEquals(2, counter("http_server_responses_1xx"));
    }

    @Test
    void curlDownloadsAndUploadsOverOneConnection() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        byte[] upload = TestOrigin.pattern(11, 3 * MB);
        Path file = dir.resolve("upload.bin");
        Files.write(file, upload);
        String base = "http://127.0.0.1:" + port();
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        CurlResult r = curl(dir, "-o", a.toString(), base + "/size/" + MB, "-o", b.toString(), base + "/chunked/" + MB);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha(TestOrigin.pattern(MB, MB)), sha(Files.readAllBytes(a)));
        assertArrayEquals(sha(TestOrigin.pattern(MB, MB)), sha(Files.readAllBytes(b)));
        assertEquals(1, origin.accepted(), "curl's second request did not reuse the connection");

        String expected = HexFormat.of().formatHex(sha(upload)) + " " + upload.length;
        // A large upload makes curl send Expect: 100-continue.
        CurlResult up = curl(dir, "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream",
                base + "/sha");
        assertEquals(0, up.exit(), up.err());
        assertEquals(expected, up.text());
        CurlResult chunkedUp = curl(dir, "--data-binary", "@" + file, "-H", "Transfer-Encoding: chunked",
                base + "/sha");
        assertEquals(0, chunkedUp.exit(), chunkedUp.err());
        assertEquals(expected, chunkedUp.text());
        assertTrue(origin.continuesSent() >= 1, "curl never sent Expect: 100-continue");
        CurlResult head = curl(dir, "-I", base + "/size/4242");
        assertEquals(0, head.exit(), head.err());
        assertTrue(head.text().toLowerCase().contains("content-length: 4242"), head.text());
    }

    @Test
    void theJdkClientGetsEveryAnswerIntactUnderConcurrency() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        clients.add(client::shutdownNow);
        List<CompletableFuture<HttpResponse<byte[]>>> gets = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> posts = new ArrayList<>();
        URI base = URI.create("http://127.0.0.1:" + port());
        for (int i = 0; i < 40; i++) {
            int size = 1000 + i * 1500;
            gets.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/size/" + size)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            posts.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TestOrigin.pattern(i, size))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < 40; i++) {
            int size = 1000 + i * 1500;
            HttpResponse<byte[]> g = gets.get(i).get(20, TimeUnit.SECONDS);
            assertEquals(200, g.statusCode());
            assertArrayEquals(TestOrigin.pattern(size, size), g.body());
            assertArrayEquals(TestOrigin.pattern(i, size), posts.get(i).get(20, TimeUnit.SECONDS).body());
        }
        assertEquals(80, origin.requestCount());
        client.shutdownNow();
        assertTrue(client.awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void aResponseWithoutFramingRunsUntilTheServerClosesAndThenTheClientIsClosed() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("eof", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(50_000));
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response r = w.exchange(get("/raw/eof"));
        assertTrue(r.closes(), "a response read until close cannot keep the client connection: " + r.head());
        assertEquals("x".repeat(50_000), r.text());
        awaitCounter("sessions_ended_done", 1);
    }

    @Test
    void aServerAnsweringBeforeTheBodyEndsClosesTheClientConnectionAfterItsAnswer() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send("POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n");
        w.send(TestOrigin.pattern(1, 20_000));
        HttpWire.Response r = w.read("POST");
        assertEquals("early", r.text());
        assertTrue(r.closes(), "the rest of the body cannot be told from a next request: " + r.head());
        assertTrue(w.closedByPeer());
    }

    /**
     * The server answers and closes with the upload unread, so its kernel resets
     * the connection: Sluice's next write of the body fails, often before it
     * read the answer that is already in its socket. The answer still reaches
     * the client (the request stops, the response is read on), every time.
     */
    @Test
    void anAnswerBeforeTheBodyEndsReachesTheClientEvenWhenTheServerResetsTheUpload() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        for (int i = 0; i < 100; i++) {
            HttpWire w = wire();
            w.send("POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n");
            w.send(TestOrigin.pattern(1, 20_000));
            w.send(TestOrigin.pattern(2, 60_000));
            HttpWire.Response r = w.read("POST");
            assertEquals("early", r.text(), "attempt " + i + ": " + r.head());
            assertTrue(r.closes(), "attempt " + i + ": " + r.head());
            w.close();
        }
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestStillGetsTheWholeResponse() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire w = wire();
        w.send(get("/size/200000"));
        w.socket().shutdownOutput();
        assertArrayEquals(TestOrigin.pattern(200_000, 200_000), w.read().body());
        assertTrue(w.closedByPeer());
        awaitCounter("sessions_ended_done", 1);
    }

    @Test
    void pipelinedRequestsFollowedByAHalfCloseAreAllAnswered() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("http-request return status 200 content-type text/plain string here if { path /here }"));
        HttpWire w = wire();
        w.send(get("/size/5") + get("/here") + get("/size/6") + get("/size/7"));
        w.socket().shutdownOutput();
        assertArrayEquals(TestOrigin.pattern(5, 5), w.read().body());
        assertEquals("here", w.read().text());
        assertArrayEquals(TestOrigin.pattern(6, 6), w.read().body());
        assertArrayEquals(TestOrigin.pattern(7, 7), w.read().body());
        assertTrue(w.closedByPeer());
        assertEquals(3, origin.requestCount());
    }

    @Test
    void bytesAServerSendsAfterAHeadAnswerAreDroppedAndTheClientGoesOn() throws Exception {
        HttpTestOrigin origin = origin();
        origin.raw("head-with-body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        start(cfg(origin));
        HttpWire w = wire();
        HttpWire.Response head = w.exchange("HEAD /raw/head-with-body HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("5", head.header("content-length"));
        assertArrayEquals(TestOrigin.pattern(8, 8), w.exchange(get("/size/8")).body());
    }

    /**
     * Pipelined requests fill the buffer behind the head being rewritten: the
     * field Sluice adds must still fit, for every one of them.
     */
    @Test
    void deepPipeliningWithForwardforAnswersEveryRequestInOrder() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("option forwardfor"));
        int n = 300;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            all.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: t\r\nX-Pad: ").append("p".repeat(100))
                    .append("\r\n\r\n");
        }
        HttpWire w = wire();
        Thread writer = w.sendInBackground(all.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) {
            HttpWire.Response r = w.read();
            assertEquals(200, r.status(), "request " + i + ": " + r.head() + r.text());
            assertEquals("/p" + i, r.text());
        }
        writer.join(5000);
        assertEquals(n, origin.requestCount());
        assertTrue(origin.requests().stream().allMatch(q -> "127.0.0.1".equals(q.header("x-forwarded-for"))));
    }

    /**
     * A rule that adds a large field to some requests only: the room it needs
     * is the room {@code tune.maxrewrite} keeps, whatever pipelined bytes wait
     * behind the head.
     */
    @Test
    void pipelinedRequestsBehindAGrowingHeadAreAllServed() throws Exception {
        HttpTestOrigin origin = origin();
        String big = "v".repeat(1000);
        start(cfg(origin).frontend("http-request add-header X-Big " + big + " if { path_beg /grow }"));
        int n = 400;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            all.append("GET /").append(i % 2 == 0 ? "small" : "grow").append(i).append(" HTTP/1.1\r\nHost: t\r\nX-Pad: ")
                    .append("p".repeat(80)).append("\r\n\r\n");
        }
        HttpWire w = wire();
        Thread writer = w.sendInBackground(all.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) {
            HttpWire.Response r = w.read();
            assertEquals(200, r.status(), "request " + i + ": " + r.head() + r.text());
            assertEquals("/" + (i % 2 == 0 ? "small" : "grow") + i, r.text());
        }
        writer.join(5000);
        assertEquals(n, origin.requestCount());
        assertEquals(0, counter("http_replies_500"));
    }

    @Test
    void clientsThatGoAwayAtAnyPointGiveEveryBufferBack() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).loops(1, 16, 2).server("maxconn 1"));
        // In the middle of a large response.
        HttpWire downloading = new HttpWire(port());
        downloading.send(get("/size/" + (8 * MB)));
        downloading.socket().getInputStream().readNBytes(1000);
        // In the middle of an upload.
        HttpWire uploading = new HttpWire(port());
        uploading.send("POST /sha HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n");
        uploading.send(TestOrigin.pattern(2, 40_000));
        // Queued behind the slot, with a partial head on a fourth.
        HttpWire queued = new HttpWire(port());
        queued.send(get("/size/10"));
        HttpWire partial = new HttpWire(port());
        partial.send("GET /size/1 HTTP/1.1\r\nHo");
        awaitTrue(() -> sluice.openSessions() == 4, () -> "sessions: " + sluice.openSessions());
        downloading.socket().setSoLinger(true, 0);
        downloading.close();
        uploading.close();
        queued.close();
        partial.close();
        awaitTrue(() -> sluice.openSessions() == 0, () -> "sessions still open: " + sluice.openSessions());
        HttpWire after = wire();
        assertArrayEquals(TestOrigin.pattern(10, 10), after.exchange(get("/size/10")).body());
    }

    @Test
    void aGracefulStopLetsTheExchangeInFlightFinishAndClosesIdleConnections() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin));
        HttpWire idle = wire();
        assertEquals(200, idle.exchange(get("/size/1")).status());
        HttpWire busy = wire();
        busy.send(get("/slow/400"));
        awaitTrue(() -> origin.requestCount() == 2, () -> "the slow request never reached the server");
        Thread stopper = Thread.ofVirtual().start(sluice::close);
        assertTrue(idle.closedByPeer(), "an idle keep-alive connection outlived the stop");
        assertEquals("slow", busy.read().text());
        assertTrue(busy.closedByPeer(), "the connection stayed open after its exchange during the stop");
        stopper.join(10_000);
        assertFalse(stopper.isAlive(), "the stop did not end");
        Summary s = sluice.summary();
        assertEquals(0, s.get("buffers_in_use"), s.render());
        assertEquals(0, s.get("sessions_ended_hard_stop"), s.render());
        assertEquals(2, s.get("sessions_ended_done"), s.render());
        // Stopped and checked here: the loops are gone for the checks after the test.
        sluice = null;
    }

    static byte[] sha(byte[] data) {
        return HttpTestOrigin.sha256().digest(data);
    }
}
