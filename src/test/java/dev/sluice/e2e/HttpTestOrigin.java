package dev.sluice.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 origin for end-to-end tests, on 127.0.0.1, one virtual thread per
 * connection, persistent connections, answering by path:
 * <ul>
 * <li>{@code /size/N}: 200 with {@code Content-Length: N} and {@link TestOrigin#pattern} bytes of seed N
 *     (no body for HEAD);</li>
 * <li>{@code /chunked/N}: the same bytes, chunked in pieces of varied sizes, with a trailer;</li>
 * <li>{@code /echo}: the request body back, with its Content-Length; {@code /sha}: the body's SHA-256 and
 *     length as text (the upload is never held);</li>
 * <li>{@code /headers}: the request head exactly as it arrived, as text;</li>
 * <li>{@code /status/204}, {@code /status/304}: those answers, without body (the 304 with a
 *     Content-Length, as RFC 9110 allows); {@code /hints}: a 103, then 200;</li>
 * <li>{@code /slow/MS}: sleeps MS milliseconds, then answers 200 "slow";</li>
 * <li>{@code /raw/NAME}: writes the bytes registered with {@link #raw}, then closes;</li>
 * <li>{@code /dribble/NAME}: the bytes registered with {@link #raw}, one write per byte, and goes on;</li>
 * <li>{@code /trickle/MS/NAME}: the same, one byte every MS milliseconds (an origin that keeps a
 *     connection busy without ever finishing in time);</li>
 * <li>{@code /close}: closes without answering; {@code /reset}: resets the connection;
 *     {@code /cut/N}: announces N bytes, sends half, closes;</li>
 * <li>{@code /stream-echo}: echoes a Content-Length body piece by piece while it arrives;</li>
 * <li>{@code /early}: answers 200 "early" before reading the body, then closes;</li>
 * <li>any other path: 200 with the target as its body, and the value of each {@code X-Reply-Header}
 *     field of the request as a field of the response (write {@code X-Reply-Header: Set-Cookie: a=1}).</li>
 * </ul>
 * A request with {@code Expect: 100-continue} gets {@code 100 Continue} before
 * its body is read. The origin counts connections, complete requests, and
 * requests in flight (from a complete request to the start of its answer: a
 * strict subset of the time the proxy holds the server slot), with their peak.
 */
final class HttpTestOrigin implements AutoCloseable {
    /** A request as the origin received it. */
    record Request(String method, String target, String head, byte[] body, int connection) {
        /** The first value of field {@code name}, or null. */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            return HttpWire.fieldValues(head, name);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> raw = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicInteger continues = new AtomicInteger();
    private final AtomicInteger upgrades = new AtomicInteger();
    /** Every chunk-size line of every chunked request body, exactly as it arrived (without its CRLF). */
    private final ConcurrentLinkedQueue<String> sizeLines = new ConcurrentLinkedQueue<>();

    HttpTestOrigin() throws IOException {
        this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("http-origin-accept").start(this::acceptLoop);
    }

    /** The chunk-size lines of the chunked request bodies received so far, in order, as they arrived. */
    List<String> chunkSizeLines() {
        return List.copyOf(sizeLines);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Registers what {@code /raw/NAME} sends. */
    void raw(String name, String bytes) {
        raw.put(name, bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Connections open now. */
    int openConnections() {
        return open.size();
    }

    int accepted() {
        return accepted.get();
    }

    /** Request heads read, complete bodies or not. */
    int heads() {
        return heads.get();
    }

    /** Complete requests (head and body) received. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    int peakInFlight() {
        return peakInFlight.get();
    }

    int continuesSent() {
        return continues.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = accepted.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            s.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.incrementAndGet();
                if (!answer(s, in, out, head, id)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The peer went away or sent what this origin cannot read: the connection ends.
        } finally {
            open.remove(s);
        }
    }

    /**
     * Switches protocols: {@code /ws} is a WebSocket echo (RFC 6455: the key
     * answered, each masked frame from the client sent back unmasked);
     * {@code /upgrade-echo} echoes raw bytes until the client ends its stream,
     * then ends its own. The connection is over afterwards.
     */
    private boolean upgrade(Socket s, InputStream in, OutputStream out, Request r, boolean webSocket)
            throws IOException {
        upgrades.incrementAndGet();
        if (webSocket) {
            String accept;
            try {
                accept = java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                        (r.header("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                .getBytes(StandardCharsets.US_ASCII)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
            out.flush();
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return false;
                }
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] mask = in.readNBytes(4);
                byte[] payload = in.readNBytes((int) length);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(b0);
                if (payload.length < 126) {
                    frame.write(payload.length);
                } else {
                    frame.write(126);
                    frame.write(payload.length >> 8);
                    frame.write(payload.length & 0xFF);
                }
                frame.write(payload);
                out.write(frame.toByteArray());
                out.flush();
                if ((b0 & 0x0F) == 0x8) {
                    // A close frame, echoed: the WebSocket is over.
                    return false;
                }
            }
        }
        write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\n");
        out.flush();
        byte[] piece = new byte[8192];
        for (int n; (n = in.read(piece)) > 0; ) {
            out.write(piece, 0, n);
            out.flush();
        }
        s.shutdownOutput();
        return false;
    }

    /** Connections that switched protocols. */
    int upgrades() {
        return upgrades.get();
    }

    /** Reads a body, answers one request; returns whether the connection goes on. */
    private boolean answer(Socket s, InputStream in, OutputStream out, String head, int id) throws IOException {
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String target = parts[1];
        Request probe = new Request(method, target, head, new byte[0], id);
        boolean close = "close".equalsIgnoreCase(probe.header("connection")) || requestLine.endsWith("HTTP/1.0");
        if ("100-continue".equalsIgnoreCase(probe.header("expect"))) {
            continues.incrementAndGet();
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        if (probe.header("upgrade") != null && (target.equals("/ws") || target.equals("/upgrade-echo"))) {
            requests.add(probe);
            return upgrade(s, in, out, probe, target.equals("/ws"));
        }
        if (target.equals("/early")) {
            // Answers before reading the body, then closes: the rest of the body is never read.
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nearly");
            out.flush();
            return false;
        }
        if (target.equals("/stream-echo")) {
            // Answers while the body still arrives, each piece as it is read.
            long length = Long.parseLong(probe.header("content-length"));
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n");
            byte[] piece = new byte[8192];
            for (long left = length; left > 0; ) {
                int n = in.read(piece, 0, (int) Math.min(piece.length, left));
                if (n < 0) {
                    throw new IOException("end of stream in a body");
                }
                out.write(piece, 0, n);
                out.flush();
                left -= n;
            }
            requests.add(new Request(method, target, head, new byte[0], id));
            out.flush();
            return !close;
        }
        MessageDigest sha = sha256();
        boolean keepBody = !target.equals("/sha");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long length = readBody(in, probe, sha, keepBody ? received : null);
        byte[] body = received.toByteArray();
        Request r = new Request(method, target, head, body, id);
        requests.add(r);
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        String conn = close ? "Connection: close\r\n" : "";
        if (target.startsWith("/slow/")) {
            sleep(Long.parseLong(target.substring(6)));
        }
        // Counted out before the first byte of the answer: the proxy can only
        // release the slot after it has the whole answer.
        inFlight.decrementAndGet();
        boolean head0 = method.equals("HEAD");
        if (target.startsWith("/size/")) {
            int n = Integer.parseInt(target.substring(6));
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + n + "\r\n"
                    + conn + "\r\n");
            if (!head0) {
                writePattern(out, n);
            }
        } else if (target.startsWith("/chunked/")) {
            int n = Integer.parseInt(target.substring(9));
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + conn + "\r\n");
            if (!head0) {
                writeChunked(out, TestOrigin.pattern(n, n));
            }
        } else if (target.equals("/echo")) {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n" + conn + "\r\n");
            out.write(body);
        } else if (target.equals("/sha")) {
            String text = HexFormat.of().formatHex(sha.digest()) + " " + length;
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + text.length() + "\r\n" + conn + "\r\n" + text);
        } else if (target.equals("/headers")) {
            byte[] text = head.getBytes(StandardCharsets.ISO_8859_1);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + text.length + "\r\n"
                    + conn + "\r\n");
            out.write(text);
        } else if (target.equals("/status/204")) {
            write(out, "HTTP/1.1 204 No Content\r\nX-Origin: yes\r\n" + conn + "\r\n");
        } else if (target.equals("/status/304")) {
            write(out, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1000\r\n" + conn + "\r\n");
        } else if (target.equals("/hints")) {
            write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            out.flush();
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + conn + "\r\nhints");
        } else if (target.startsWith("/slow/")) {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n" + conn + "\r\nslow");
        } else if (target.startsWith("/raw/")) {
            byte[] bytes = raw.get(target.substring(5));
            out.write(bytes == null ? new byte[0] : bytes);
            out.flush();
            return false;
        } else if (target.startsWith("/trickle/")) {
            String rest = target.substring(9);
            int slash = rest.indexOf('/');
            long pause = Long.parseLong(rest.substring(0, slash));
            for (byte b : raw.get(rest.substring(slash + 1))) {
                out.write(b);
                out.flush();
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } else if (target.startsWith("/dribble/")) {
            // One byte per write: every parser state is crossed at a read boundary.
            for (byte b : raw.get(target.substring(9))) {
                out.write(b);
                out.flush();
            }
        } else if (target.equals("/close")) {
            return false;
        } else if (target.equals("/reset")) {
            s.setSoLinger(true, 0);
            return false;
        } else if (target.startsWith("/cut/")) {
            int n = Integer.parseInt(target.substring(5));
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n");
            out.write(TestOrigin.pattern(n, n / 2));
            out.flush();
            return false;
        } else {
            StringBuilder extra = new StringBuilder();
            for (String field : probe.headers("x-reply-header")) {
                extra.append(field).append("\r\n");
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + target.length() + "\r\n" + extra + conn + "\r\n"
                    + target);
        }
        out.flush();
        return !close;
    }

    /** Reads the head up to and including its blank line; null at a clean end of stream before it. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("end of stream in a request head");
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : c == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads the body into {@code body} (may be null) and the digest; returns its length. */
    private long readBody(InputStream in, Request r, MessageDigest sha, ByteArrayOutputStream body)
            throws IOException {
        byte[] chunk = new byte[16384];
        long total = 0;
        String te = r.header("transfer-encoding");
        if (te != null && te.toLowerCase().endsWith("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                sizeLines.add(sizeLine);
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // Trailer fields: read and dropped.
                    }
                    break;
                }
                total += copy(in, size, chunk, sha, body);
                if (!readLine(in).isEmpty()) {
                    throw new IOException("chunk data not followed by CRLF");
                }
            }
        } else if (r.header("content-length") != null) {
            total = copy(in, Long.parseLong(r.header("content-length")), chunk, sha, body);
        }
        return total;
    }

    private static long copy(InputStream in, long n, byte[] chunk, MessageDigest sha, ByteArrayOutputStream to)
            throws IOException {
        long left = n;
        while (left > 0) {
            int got = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (got < 0) {
                throw new IOException("end of stream in a body");
            }
            sha.update(chunk, 0, got);
            if (to != null) {
                to.write(chunk, 0, got);
            }
            left -= got;
        }
        return n;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream in a line");
            }
            if (c == '\n' && prev == '\r') {
                sb.setLength(sb.length() - 1);
                return sb.toString();
            }
            sb.append((char) c);
            prev = c;
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void writePattern(OutputStream out, int n) throws IOException {
        byte[] chunk = new byte[8192];
        for (int sent = 0; sent < n; ) {
            int k = Math.min(chunk.length, n - sent);
            TestOrigin.fill(chunk, k, n, sent);
            out.write(chunk, 0, k);
            sent += k;
        }
    }

    /** Chunks of growing, odd sizes, so that chunk boundaries fall anywhere in the proxy's buffers. */
    static void writeChunked(OutputStream out, byte[] body) throws IOException {
        int size = 1;
        for (int off = 0; off < body.length; ) {
            int k = Math.min(size, body.length - off);
            write(out, Integer.toHexString(k) + (size % 3 == 0 ? ";ext=1" : "") + "\r\n");
            out.write(body, off, k);
            write(out, "\r\n");
            off += k;
            size = size * 3 + 7;
        }
        write(out, "0\r\nX-Trailer: done\r\n\r\n");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
