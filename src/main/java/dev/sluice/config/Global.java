package dev.sluice.config;

import dev.sluice.http.HttpLimits;

/**
 * The {@code global} section: process-wide settings, chiefly the buffer pool's size.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param nbthread how many event loops run (one thread each)
 * @param maxconn at most this many concurrent client connections over all frontends
 * @param bufsize bytes per buffer ({@code tune.bufsize})
 * @param buffersLimit how many buffers exist in total, over all loops ({@code tune.buffers.limit})
 * @param buffersReserve buffers per loop that a NORMAL allocation never takes ({@code tune.buffers.reserve}): only
 *     URGENT (all but the last one) and CRITICAL ones do
 * @param maxrewrite bytes of a buffer kept free for header rewrites ({@code tune.maxrewrite})
 * @param hardStopAfterMillis how long a stopping Sluice waits for open sessions before closing them
 * @param httpMaxHeaders the most header fields a request or response head may hold ({@code tune.http.maxhdr})
 * @param log the global {@code log} lines, {@code log-tag} and {@code log-send-hostname}
 * @param spreadChecks {@code spread-checks}: each health check interval is drawn within this many percent of
 *     its value (0 to 50, default 0)
 */
public record Global(int nbthread, int maxconn, int bufsize, int buffersLimit, int buffersReserve, int maxrewrite,
        long hardStopAfterMillis, int httpMaxHeaders, ProcessLogConfig log, int spreadChecks) {
    /** Default {@code maxconn}. */
    public static final int DEFAULT_MAXCONN = 2000;
    /** Default {@code tune.bufsize}. */
    public static final int DEFAULT_BUFSIZE = 16384;
    /**
     * The default of {@code tune.buffers.memory}: 32 MiB of buffers, 2048 of 16 KB. Far below what a large
     * {@code maxconn} would want at two buffers per session, which the pool's classes make safe: sessions
     * wait for a buffer in order, they neither fail nor deadlock (bench/RESULTS.md, the pool sweep).
     */
    public static final long DEFAULT_BUFFERS_MEMORY = 32L << 20;
    /** Default {@code tune.buffers.reserve}. */
    public static final int DEFAULT_BUFFERS_RESERVE = 2;
    /** Default {@code tune.maxrewrite}. */
    public static final int DEFAULT_MAXREWRITE = 1024;
    /** Default {@code hard-stop-after}. */
    public static final long DEFAULT_HARD_STOP_AFTER_MILLIS = 30_000;
    /** Default {@code tune.http.maxhdr}, as in HAProxy. */
    public static final int DEFAULT_HTTP_MAX_HEADERS = 101;
    /** The largest {@code tune.http.maxhdr}, as in HAProxy. */
    public static final int MAX_HTTP_MAX_HEADERS = 32767;
    /**
     * Buffers a loop needs beyond its reserve: one request buffer that a normal
     * allocation may take, and one more so that the reserve is not the only free space.
     */
    static final int BUFFERS_ABOVE_RESERVE = 2;

    /**
     * The bounds of an HTTP head: it must fit in a buffer minus
     * {@code tune.maxrewrite}, with at most {@code tune.http.maxhdr} fields.
     */
    public HttpLimits httpLimits() {
        HttpLimits sized = HttpLimits.forBuffer(bufsize, maxrewrite);
        return new HttpLimits(sized.maxHeadBytes(), sized.maxStartLineBytes(), httpMaxHeaders,
                sized.maxChunkLineBytes(), sized.maxTrailerBytes());
    }

    /**
     * How many buffers each event loop's pool gets: the limit split evenly over
     * the loops. The remainder of the division is not carved.
     */
    public int buffersPerLoop() {
        return buffersLimit / nbthread;
    }

    /**
     * The smallest {@code tune.buffers.limit} the configuration check accepts for
     * this many loops and this reserve: every loop needs {@code reserve + 2} buffers.
     */
    public static int minimumBuffersLimit(int nbthread, int buffersReserve) {
        if (nbthread < 1 || buffersReserve < 0) {
            throw new IllegalArgumentException("nbthread must be >= 1 and reserve >= 0: " + nbthread + ", "
                    + buffersReserve);
        }
        return Math.multiplyExact(nbthread, buffersReserve + BUFFERS_ABOVE_RESERVE);
    }
}
