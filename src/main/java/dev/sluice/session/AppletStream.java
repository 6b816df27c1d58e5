package dev.sluice.session;

import dev.sluice.buffer.Buffer;

/**
 * One answer of an {@link Applet}, made part by part.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
public interface AppletStream {
    /** The answer's status, for the counters and the access log. */
    int status();

    /**
     * Appends the answer's next bytes to {@code b} (an empty buffer of the
     * applet arena), as many as fit. Returns false once the last byte of the
     * answer is in.
     */
    boolean fill(Buffer b);
}
