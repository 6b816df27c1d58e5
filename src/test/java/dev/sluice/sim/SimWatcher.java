package dev.sluice.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An operator looking at Sluice in the middle of a run: one connection to the
 * watch frontend that asks for {@code target} and reads the answer to its
 * end. It records when it asked, when the answer was whole, what the pool's
 * queues held when it asked, and the answer's bytes.
 */
final class SimWatcher implements SimPeer {
    private final SimWorld world;
    private final byte[] request;
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private final byte[] scratch = new byte[4096];
    private SimConnection end;
    private int sent;
    long askedAt = -1;
    long answeredAt = -1;
    /** Waiters in the client pools when the request was sent. */
    int waitingWhenAsked;

    SimWatcher(SimWorld world, String target) {
        this.world = world;
        // "/stats?FORM" posts FORM to the stats page (its admin forms); any other target is a GET.
        int form = target.indexOf('?');
        this.request = (form >= 0 && target.startsWith("/stats")
                ? "POST " + target.substring(0, form) + " HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n"
                        + "Content-Length: " + (target.length() - form - 1) + "\r\n\r\n" + target.substring(form + 1)
                : "GET " + target + " HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    void start(SimConnection connection, int waiting) {
        end = connection;
        askedAt = world.now();
        waitingWhenAsked = waiting;
        world.after(0, () -> changed(end));
    }

    boolean answered() {
        return answeredAt >= 0;
    }

    /** The answer's head, then its content with the chunked framing taken off. */
    String text() {
        String raw = answer.toString(StandardCharsets.ISO_8859_1);
        int headEnd = raw.indexOf("\r\n\r\n");
        if (headEnd < 0 || !raw.substring(0, headEnd).toLowerCase().contains("transfer-encoding: chunked")) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.substring(0, headEnd + 4));
        int at = headEnd + 4;
        while (true) {
            int eol = raw.indexOf("\r\n", at);
            int size = Integer.parseInt(raw.substring(at, eol), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(raw, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    @Override
    public void changed(SimConnection ignored) {
        if (answered()) {
            return;
        }
        try {
            while (sent < request.length) {
                int n = end.write(request, sent, request.length - sent);
                if (n == 0) {
                    break;
                }
                sent += n;
            }
            int n;
            while ((n = end.read(scratch, 0, scratch.length)) > 0) {
                answer.write(scratch, 0, n);
            }
            if (n < 0) {
                answeredAt = world.now();
                end.close();
            }
        } catch (IOException e) {
            throw new SimFailure("watcher's connection failed: " + e);
        }
    }
}
