package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * An applet's answer made of parts that are known one at a time: the head,
 * then each part as a chunk of {@code Transfer-Encoding: chunked} (or, to an
 * HTTP/1.0 client, raw up to the close). A part is made only when the last
 * one went out, so the answer holds one part and one buffer at a time.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
public abstract class PartedAnswer implements AppletStream {
    /** {@code ffff\r\n} before a chunk, {@code \r\n} after it, and room for {@code 0\r\n\r\n}. */
    private static final int FRAMING = 6 + 2 + 5;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final int status;
    private final boolean chunked;
    private final boolean headOnly;
    private byte[] head;
    private byte[] part;
    private int partAt;
    private boolean ended;

    /**
     * @param fields the head's fields after the status line, each ending in CRLF ({@code content-type} and others)
     */
    protected PartedAnswer(AppletRequest request, int status, String reason, String fields) {
        this.status = status;
        this.chunked = !request.http10();
        this.headOnly = request.headOnly();
        StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(status).append(' ').append(reason)
                .append("\r\n").append(fields).append("cache-control: no-cache\r\n");
        if (chunked) {
            h.append("transfer-encoding: chunked\r\n");
        }
        if (!request.keepAlive() || !chunked) {
            h.append("connection: close\r\n");
        }
        this.head = h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The next part of the content, or null after the last; an empty part is skipped. */
    protected abstract byte[] nextPart();

    @Override
    public final int status() {
        return status;
    }

    @Override
    public final boolean fill(Buffer b) {
        if (head != null) {
            if (b.writable() < head.length + FRAMING) {
                throw new IllegalStateException("an applet's head of " + head.length + " bytes does not fit a buffer");
            }
            b.append(head, 0, head.length);
            head = null;
            if (headOnly) {
                return false;
            }
        }
        while (!ended) {
            if (part == null || partAt == part.length) {
                part = nextPart();
                partAt = 0;
                if (part == null) {
                    if (chunked && b.writable() < LAST_CHUNK.length) {
                        return true;
                    }
                    ended = true;
                    if (chunked) {
                        b.append(LAST_CHUNK, 0, LAST_CHUNK.length);
                    }
                    return false;
                }
                continue;
            }
            int room = b.writable() - (chunked ? FRAMING : 0);
            if (room <= 0) {
                return true;
            }
            int n = Math.min(room, part.length - partAt);
            if (chunked) {
                byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                b.append(size, 0, size.length);
            }
            b.append(part, partAt, n);
            partAt += n;
            if (chunked) {
                b.append(CRLF, 0, 2);
            }
        }
        return false;
    }
}
