package dev.sluice.sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP request a simulated client sends and the response it must get,
 * both derived from the request's key so that each side checks the other
 * without sharing state. The request line carries everything the server needs
 * to answer ({@code /sim/<client>/<index>/<response length>/<l|c>}); the body
 * is {@link Payload#byteAt} of the key; the response body is drawn from a hash
 * of the request body, and a server that got one wrong byte answers with a
 * response its client rejects. Chunk sizes come from the key too, so the client
 * knows the response's exact bytes on the wire, chunk lines included.
 *
 * @param client           the client's id
 * @param index            the request's place on its connection
 * @param bodyLength       request body bytes (0 and no framing field: a GET)
 * @param chunked          whether the request body is sent chunked
 * @param responseLength   response body bytes
 * @param responseChunked  whether the server answers chunked
 * @param close            whether the request asks for the connection to close after its response
 * @param cookie           a {@code cookie} field's value the request carries (persistence), or null
 */
record HttpExchange(int client, int index, int bodyLength, boolean chunked, int responseLength,
                    boolean responseChunked, boolean close, String cookie) {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The key of the request body's bytes. */
    long key() {
        return (long) client << 20 | index;
    }

    /** The whole request as the client sends it. */
    byte[] requestBytes() {
        StringBuilder head = new StringBuilder();
        head.append(bodyLength == 0 && !chunked ? "GET" : "POST").append(" /sim/").append(client).append('/').append(index)
                .append('/').append(responseLength).append('/').append(responseChunked ? 'c' : 'l').append(" HTTP/1.1\r\n")
                .append("host: sim\r\nx-sim-body: ").append(bodyLength).append("\r\n");
        if (chunked) {
            head.append("transfer-encoding: chunked\r\n");
        } else if (bodyLength > 0) {
            head.append("content-length: ").append(bodyLength).append("\r\n");
        }
        if (close) {
            head.append("connection: close\r\n");
        }
        if (cookie != null) {
            head.append("cookie: ").append(cookie).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body(key(), bodyLength, chunked));
        return out.toByteArray();
    }

    /** The key the server derives from the body it received, which keys the response body. */
    long responseKey() {
        long h = responseKeyStart(key());
        for (int i = 0; i < bodyLength; i++) {
            h = Payload.hash(h, Payload.byteAt(key(), i));
        }
        return h;
    }

    /** The response body's bytes on the wire, chunk lines included. */
    byte[] responseBody() {
        return body(responseKey(), responseLength, responseChunked);
    }

    static long responseKeyStart(long requestKey) {
        return Payload.hashStart() ^ requestKey;
    }

    /** The status line and fields a server sends before {@link #responseBody()}. */
    static byte[] responseHead(long responseKey, int length, boolean chunked, boolean close) {
        return ("HTTP/1.1 200 OK\r\nx-sim: " + Long.toHexString(responseKey) + "\r\n"
                + (chunked ? "transfer-encoding: chunked\r\n" : "content-length: " + length + "\r\n")
                + (close ? "connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code length} bytes of the stream keyed by {@code key}, framed as chunks (sizes drawn from the key) or not. */
    static byte[] body(long key, int length, boolean chunked) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = Payload.byteAt(key, i);
        }
        if (!chunked) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int c = 0; at < length; c++) {
            int size = Math.min(length - at, 1 + (Payload.byteAt(~key, c) & 0xff) * 4);
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, at, size);
            out.writeBytes(CRLF);
            at += size;
        }
        out.writeBytes(LAST_CHUNK);
        return out.toByteArray();
    }
}
