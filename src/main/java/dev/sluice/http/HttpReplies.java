package dev.sluice.http;

import java.nio.charset.StandardCharsets;

/**
 * The complete responses Sluice sends on its own behalf when a request cannot
 * be served (400, 408, 413, 414, 431, 500, 501, 502, 503, 504, 505), built once
 * at class load so that producing one allocates nothing. Each closes the
 * connection: after an error Sluice cannot know where the next request starts.
 *
 * <p>Immutable; safe from any thread.
 */
public final class HttpReplies {
    private static final byte[][] ERRORS = new byte[600][];
    private static final int[] HEAD_LENGTHS = new int[600];

    static {
        error(400, "Bad Request", "Your browser sent a request that Sluice could not understand.");
        error(408, "Request Timeout", "The request did not arrive in time.");
        error(413, "Payload Too Large", "The request is larger than Sluice accepts.");
        error(414, "URI Too Long", "The request line is longer than Sluice accepts.");
        error(431, "Request Header Fields Too Large", "The request head is larger than Sluice accepts.");
        error(500, "Internal Server Error", "Sluice could not process this request.");
        error(501, "Not Implemented", "The request uses a transfer coding that Sluice does not implement.");
        error(502, "Bad Gateway", "The server sent an invalid response.");
        error(503, "Service Unavailable", "No server is available to handle this request.");
        error(504, "Gateway Timeout", "The server did not answer in time.");
        error(505, "HTTP Version Not Supported", "Sluice speaks HTTP/1.0 and HTTP/1.1.");
    }

    private HttpReplies() {
    }

    private static void error(int status, String reason, String text) {
        String body = "<html><body><h1>" + status + " " + reason + "</h1>\n" + text + "\n</body></html>\n";
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "content-length: " + body.length() + "\r\n"
                + "cache-control: no-cache\r\n"
                + "content-type: text/html\r\n"
                + "connection: close\r\n"
                + "\r\n";
        ERRORS[status] = (head + body).getBytes(StandardCharsets.US_ASCII);
        HEAD_LENGTHS[status] = head.length();
    }

    /** The complete error response for {@code status}; a status Sluice never produces falls back to 500. */
    public static byte[] error(int status) {
        byte[] reply = status >= 0 && status < ERRORS.length ? ERRORS[status] : null;
        return reply != null ? reply : ERRORS[500];
    }

    /**
     * The length of the head of {@link #error(int)}: what answers a HEAD
     * request, which gets no content.
     */
    public static int headLength(int status) {
        int length = status >= 0 && status < ERRORS.length ? HEAD_LENGTHS[status] : 0;
        return length > 0 ? length : HEAD_LENGTHS[500];
    }

    /** The statuses Sluice may produce on its own, for counters. */
    public static boolean isProduced(int status) {
        return status >= 0 && status < ERRORS.length && ERRORS[status] != null;
    }
}
