package dev.sluice.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client connection on raw sockets, for tests that need exact bytes: it sends
 * what it is given and reads responses strictly (CRLF lines, Content-Length or
 * chunked bodies, no body for HEAD, 1xx, 204 and 304), failing on anything
 * malformed. Every read is bounded by the socket timeout.
 */
final class HttpWire implements AutoCloseable {
    /** A response as it arrived: the head verbatim, the body with its framing removed. */
    record Response(int status, String head, byte[] body) {
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            return fieldValues(head, name);
        }

        boolean closes() {
            String c = header("connection");
            return c != null && c.toLowerCase().contains("close");
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Every value of field {@code name} in a head, in order, trimmed. */
    static List<String> fieldValues(String head, String name) {
        List<String> values = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                values.add(line.substring(colon + 1).strip());
            }
        }
        return values;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    HttpWire(int port) throws IOException {
        this(port, 10_000);
    }

    HttpWire(int port, int readTimeoutMillis) throws IOException {
        this(null, port, readTimeoutMillis);
    }

    /** A client whose socket is bound to {@code from} (a loopback address such as 127.0.0.2), or any when null. */
    HttpWire(java.net.InetAddress from, int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
    }

    HttpWire send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    HttpWire send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /**
     * Sends {@code bytes} from another thread, so that the caller can read the
     * answers meanwhile and neither side's socket buffers stall the other.
     */
    Thread sendInBackground(byte[]... parts) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (byte[] p : parts) {
                    send(p);
                }
            } catch (IOException e) {
                // The reading side reports what is missing.
            }
        });
    }

    /** Reads one complete response to a request with {@code method}, 1xx included. */
    Response read(String method) throws IOException {
        String head = readHead();
        String statusLine = head.substring(0, head.indexOf("\r\n"));
        if (!statusLine.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
            throw new IOException("malformed status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Response headOnly = new Response(status, head, new byte[0]);
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return headOnly;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = headOnly.header("transfer-encoding");
        String cl = headOnly.header("content-length");
        if (te != null) {
            if (!te.equalsIgnoreCase("chunked")) {
                throw new IOException("unexpected transfer coding " + te);
            }
            readChunked(body);
        } else if (cl != null) {
            copy(Long.parseLong(cl), body);
        } else {
            in.transferTo(body);
        }
        return new Response(status, head, body.toByteArray());
    }

    /** Reads one response to a GET. */
    Response read() throws IOException {
        return read("GET");
    }

    /** One request, one response. */
    Response exchange(String request) throws IOException {
        send(request);
        String method = request.substring(0, request.indexOf(' '));
        return read(method);
    }

    /**
     * Whether the peer ended the connection (end of stream or reset) with no
     * further byte, within the read timeout.
     */
    boolean closedByPeer() throws IOException {
        try {
            int c = in.read();
            if (c >= 0) {
                throw new IOException("expected the end of the connection, got more bytes: "
                        + (char) c + new String(in.readNBytes(Math.min(in.available(), 200)),
                        StandardCharsets.ISO_8859_1));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Whether anything at all arrives within {@code millis} (the connection stays silent and open). */
    boolean silentFor(int millis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            throw new IOException("unexpected byte " + c);
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    /** Every byte still to come, to the end of the stream (what a tunnel relays after its 101). */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    Socket socket() {
        return socket;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            String line = readLine();
            head.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (line.isEmpty()) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    private void readChunked(ByteArrayOutputStream body) throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong(semi >= 0 ? sizeLine.substring(0, semi) : sizeLine, 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // Trailer fields are not part of the body.
                }
                return;
            }
            copy(size, body);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] b = in.readNBytes((int) n);
        if (b.length != n) {
            throw new IOException("body cut after " + b.length + " of " + n + " bytes");
        }
        to.writeBytes(b);
    }

    /** A line ended by CRLF; a bare CR or LF is a failure. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream in a line after: " + sb);
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF after: " + sb);
                }
                return sb.toString();
            }
            if (c == '\n') {
                throw new IOException("LF without CR after: " + sb);
            }
            sb.append((char) c);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
