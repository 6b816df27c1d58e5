package dev.sluice.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One connection accepted by an HTTP-mode {@link SimServer}: reads requests
 * one after the other, checks every byte (the head names the request, the body
 * must be its key's bytes, framed as announced), and answers each with the
 * response {@link HttpExchange} derives from it. Per request, drawn from the
 * server's chances: stall (never answer), reset at a random byte of the
 * response, or close the connection after it ({@code connection: close}). A
 * server with an idle timeout closes a connection that saw no new request for
 * that long after a response, racing Sluice's reuse of it.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimHttpServerConnection implements SimPeer {
    private enum State { HEAD, BODY, CHUNK_LINE, CHUNK_DATA, CHUNK_END, TRAILER, RESPONDING, STALLED, ECHO, DONE }

    /** The 101 the server answers a tunnel request with, as Sluice forwards it byte for byte. */
    static final byte[] SWITCHED = "HTTP/1.1 101 Switching Protocols\r\nupgrade: sim-echo\r\nconnection: upgrade\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** A request that asks to switch to the server's echo protocol, for a payload of {@code length} bytes. */
    static byte[] tunnelRequest(int client, int length) {
        return ("GET /sim/tunnel/" + client + "/" + length + " HTTP/1.1\r\nhost: sim\r\nconnection: upgrade\r\n"
                + "upgrade: sim-echo\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private final SimServer server;
    private final SimWorld world;
    private final SimConnection end;
    private final byte[] scratch = new byte[4096];
    /** A head or a chunk line being assembled. */
    private final byte[] line = new byte[8192];
    private int lineLength;
    private State state = State.HEAD;
    private String request;
    private long key;
    private int declaredBody;
    private int responseLength;
    private boolean responseChunked;
    private long bodyLeft;
    private int bodyGot;
    private long hash;
    private byte[] response;
    private int sent;
    private int resetAt;
    private boolean closeAfter;
    private int served;

    SimHttpServerConnection(SimServer server, SimWorld world, SimConnection end) {
        this.server = server;
        this.world = world;
        this.end = end;
    }

    @Override
    public void changed(SimConnection ignored) {
        try {
            while (state != State.DONE && step()) {
                // Until nothing moves.
            }
        } catch (IOException e) {
            server.resetsSeen++;
            state = State.DONE;
            end.close();
        }
    }

    private boolean step() throws IOException {
        if (state == State.RESPONDING) {
            return respond();
        }
        if (state == State.ECHO) {
            return echo();
        }
        int n = end.read(scratch, 0, scratch.length);
        if (n < 0) {
            if (state != State.HEAD || lineLength != 0) {
                throw new SimFailure(server.name() + " saw the end of stream in the middle of " + describe());
            }
            state = State.DONE;
            end.close();
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (state == State.RESPONDING || state == State.STALLED) {
                throw new SimFailure(server.name() + " got " + (n - i) + " bytes past the end of " + describe());
            }
            take(scratch[i]);
        }
        return n > 0;
    }

    private void take(byte b) {
        switch (state) {
            case HEAD -> {
                if (append(b) && endsWith("\r\n\r\n")) {
                    head(new String(line, 0, lineLength, StandardCharsets.US_ASCII));
                }
            }
            case BODY -> {
                bodyByte(b);
                if (--bodyLeft == 0) {
                    requestEnded();
                }
            }
            case CHUNK_LINE -> {
                if (append(b) && endsWith("\r\n")) {
                    bodyLeft = Long.parseLong(new String(line, 0, lineLength - 2, StandardCharsets.US_ASCII), 16);
                    lineLength = 0;
                    state = bodyLeft == 0 ? State.TRAILER : State.CHUNK_DATA;
                }
            }
            case CHUNK_DATA -> {
                bodyByte(b);
                if (--bodyLeft == 0) {
                    state = State.CHUNK_END;
                }
            }
            case CHUNK_END, TRAILER -> {
                append(b);
                if (lineLength == 2) {
                    if (!endsWith("\r\n")) {
                        throw new SimFailure(server.name() + " got a bad chunk end in " + describe());
                    }
                    lineLength = 0;
                    if (state == State.TRAILER) {
                        requestEnded();
                    } else {
                        state = State.CHUNK_LINE;
                    }
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** Parses and checks a request head: the target names the exchange, framing fields agree with it. */
    private void head(String text) {
        lineLength = 0;
        request = text.substring(0, text.indexOf('\r'));
        if (request.split(" ")[1].equals(HEALTH_PATH)) {
            health();
            return;
        }
        if (request.startsWith("GET /sim/tunnel/")) {
            tunnel(text);
            return;
        }
        String[] target = request.split(" ")[1].split("/");
        if (target.length != 6 || !"sim".equals(target[1])) {
            throw new SimFailure(server.name() + " got an unexpected request: " + request);
        }
        key = (long) Integer.parseInt(target[2]) << 20 | Integer.parseInt(target[3]);
        responseLength = Integer.parseInt(target[4]);
        responseChunked = "c".equals(target[5]);
        declaredBody = -1;
        long contentLength = -1;
        boolean chunked = false;
        for (String field : text.split("\r\n")) {
            int colon = field.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = field.substring(0, colon).trim().toLowerCase();
            String value = field.substring(colon + 1).trim();
            switch (name) {
                case "x-sim-body" -> declaredBody = Integer.parseInt(value);
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = true;
                case "connection", "keep-alive", "te", "upgrade" -> throw new SimFailure(
                        server.name() + " got hop-by-hop field " + name + " in " + request);
                default -> { }
            }
        }
        hash = HttpExchange.responseKeyStart(key);
        bodyGot = 0;
        if (chunked) {
            state = State.CHUNK_LINE;
        } else if (contentLength > 0) {
            bodyLeft = contentLength;
            state = State.BODY;
        } else {
            requestEnded();
        }
    }

    /** The path health checks ask for. */
    static final String HEALTH_PATH = "/health";

    /** A health check's request: 200, then the connection closes (checks ask for it). */
    private void health() {
        server.healthRequests++;
        response = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
        sent = 0;
        resetAt = -1;
        closeAfter = true;
        state = State.RESPONDING;
    }

    /**
     * A tunnel request: it must carry its Upgrade field and connection: upgrade
     * (Sluice relays the switch); the server answers 101 and echoes every byte
     * after the head, each checked against the client's payload, until the end
     * of the client's stream, which it passes on.
     */
    private void tunnel(String text) {
        String lower = text.toLowerCase();
        if (!lower.contains("\r\nupgrade: sim-echo\r\n") || !lower.contains("\r\nconnection: upgrade\r\n")) {
            throw new SimFailure(server.name() + " got a tunnel request without its upgrade fields: " + text);
        }
        String[] target = request.split(" ")[1].split("/");
        key = Integer.parseInt(target[3]);
        tunnelLength = Integer.parseInt(target[4]);
        expectedPayload = Payload.upload((int) key, tunnelLength);
        server.requests++;
        echo = new byte[SWITCHED.length + tunnelLength];
        System.arraycopy(SWITCHED, 0, echo, 0, SWITCHED.length);
        echoed = SWITCHED.length;
        sent = 0;
        state = State.ECHO;
    }

    private int tunnelLength;
    private byte[] expectedPayload;
    /** The 101 head, then the payload as it arrives; {@code echoed} bytes of it are known, {@code sent} went out. */
    private byte[] echo;
    private int echoed;

    private boolean echo() throws IOException {
        boolean moved = false;
        if (sent < echoed) {
            int w = end.write(echo, sent, echoed - sent);
            sent += w;
            moved = w > 0;
        }
        int n = end.read(scratch, 0, scratch.length);
        if (n < 0) {
            if (echoed != echo.length) {
                throw new SimFailure(server.name() + " got " + (echoed - SWITCHED.length) + " of " + tunnelLength
                        + " tunnel bytes before the end of stream");
            }
            if (sent == echoed) {
                server.completed++;
                state = State.DONE;
                end.close();
                return false;
            }
            return moved;
        }
        for (int i = 0; i < n; i++) {
            int at = echoed - SWITCHED.length;
            if (at >= tunnelLength || scratch[i] != expectedPayload[at]) {
                throw new SimFailure(server.name() + " got a wrong tunnel byte at " + at + " of " + request);
            }
            echo[echoed++] = scratch[i];
        }
        return moved || n > 0;
    }

    private void bodyByte(byte b) {
        if (b != Payload.byteAt(key, bodyGot)) {
            throw new SimFailure(server.name() + " got a wrong body byte at " + bodyGot + " of " + describe());
        }
        hash = Payload.hash(hash, b);
        bodyGot++;
    }

    /** The whole request is in: check its length and decide how this response goes. */
    private void requestEnded() {
        if (bodyGot != declaredBody) {
            throw new SimFailure(server.name() + " got " + bodyGot + " body bytes of " + describe() + ", which declared " + declaredBody);
        }
        server.requests++;
        if (server.drawStall()) {
            state = State.STALLED;
            return;
        }
        closeAfter = server.drawClose();
        byte[] headBytes = HttpExchange.responseHead(hash, responseLength, responseChunked, closeAfter);
        byte[] body = HttpExchange.body(hash, responseLength, responseChunked);
        response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        sent = 0;
        resetAt = server.drawReset() ? world.random().nextInt(response.length + 1) : -1;
        state = State.RESPONDING;
    }

    private boolean respond() throws IOException {
        if (resetAt >= 0 && sent >= resetAt) {
            server.resetsSent++;
            state = State.DONE;
            end.abort();
            return false;
        }
        int limit = resetAt >= 0 ? resetAt : response.length;
        int n = end.write(response, sent, limit - sent);
        sent += n;
        if (sent < response.length) {
            return n > 0;
        }
        server.completed++;
        response = null;
        if (closeAfter) {
            state = State.DONE;
            end.close();
            return false;
        }
        state = State.HEAD;
        served++;
        if (server.idleCloseNanos() > 0) {
            int mark = served;
            world.after(server.idleCloseNanos(), () -> {
                if (state == State.HEAD && lineLength == 0 && served == mark && end.isOpen()) {
                    server.idleCloses++;
                    state = State.DONE;
                    end.close();
                }
            });
        }
        return true;
    }

    private boolean append(byte b) {
        if (lineLength == line.length) {
            throw new SimFailure(server.name() + " got a head or chunk line longer than " + line.length + " bytes");
        }
        line[lineLength++] = b;
        return true;
    }

    private boolean endsWith(String s) {
        if (lineLength < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (line[lineLength - s.length() + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String describe() {
        return state == State.HEAD ? "a request head (" + lineLength + " bytes in)" : "request " + request;
    }
}
