package dev.sluice.http;

/**
 * The bounds a head must fit in. {@code maxHeadBytes} is what a buffer can hold
 * for a head while keeping room to rewrite it ({@code tune.bufsize -
 * tune.maxrewrite}); {@code maxStartLineBytes} bounds the request line (414
 * beyond it) and the status line; {@code maxHeaders} sizes the parser's offset
 * arrays ({@code tune.http.maxhdr}); {@code maxChunkLineBytes} and
 * {@code maxTrailerBytes} bound a chunked body's size lines and trailer section.
 *
 * <p>Immutable; safe from any thread.
 */
public record HttpLimits(int maxHeadBytes, int maxStartLineBytes, int maxHeaders,
                         int maxChunkLineBytes, int maxTrailerBytes) {

    /** Defaults sized like HAProxy's: 101 header fields, 4 KiB chunk lines, trailers up to the head bound. */
    public static HttpLimits forBuffer(int bufferSize, int maxRewrite) {
        int head = bufferSize - maxRewrite;
        return new HttpLimits(head, head, 101, 4096, head);
    }

    public HttpLimits {
        if (maxHeadBytes < 16 || maxStartLineBytes < 16 || maxHeaders < 1
                || maxChunkLineBytes < 3 || maxTrailerBytes < 2) {
            throw new IllegalArgumentException("HTTP limits too small: " + maxHeadBytes + " head bytes, "
                    + maxStartLineBytes + " start-line bytes, " + maxHeaders + " headers, "
                    + maxChunkLineBytes + " chunk-line bytes, " + maxTrailerBytes + " trailer bytes");
        }
    }
}
