package dev.sluice.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code global} settings while the file is read; every {@code global}
 * section of the file writes here. A field left at {@link #UNSET} takes its default.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class GlobalSection {
    static final int UNSET = -1;

    int nbthread = UNSET;
    int maxconn = UNSET;
    int bufsize = UNSET;
    int buffersLimit = UNSET;
    /** {@code tune.buffers.memory}, Sluice's own: the budget the default {@code tune.buffers.limit} comes from. */
    long buffersMemory = UNSET;
    int buffersReserve = UNSET;
    int maxrewrite = UNSET;
    long hardStopAfterMillis = UNSET;
    int httpMaxHeaders = UNSET;
    /** The process keywords: daemon, identity, limits, the runtime API's sockets. */
    final ProcessSettings process = new ProcessSettings();
    /** The logging keywords (LogKeywords). */
    final ProcessLogSettings log = new ProcessLogSettings();
    /** {@code spread-checks}, in percent (CheckKeywords). */
    int spreadChecks;
    /** The TLS defaults every ssl bind line starts from. */
    final TlsSettings tls = new TlsSettings();
    /** The line of the first {@code global} header, 0 when the file has none. */
    int line;
    /** Keyword name to the line that set it. */
    final Map<String, Integer> seen = new HashMap<>();

    Global build(int availableProcessors) {
        int threads = nbthread == UNSET ? availableProcessors : nbthread;
        int connections = maxconn == UNSET ? Global.DEFAULT_MAXCONN : maxconn;
        int reserve = buffersReserve == UNSET ? Global.DEFAULT_BUFFERS_RESERVE : buffersReserve;
        int size = bufsize == UNSET ? Global.DEFAULT_BUFSIZE : bufsize;
        // From the memory budget, and never more than maxconn sessions could hold at two buffers each:
        // the pool need not follow maxconn, since sessions that find it dry wait, they do not fail. Never
        // less than the check accepts: a small maxconn on a machine with many cores must still start.
        int limit = buffersLimit != UNSET ? buffersLimit : (int) Math.max(Global.minimumBuffersLimit(threads, reserve),
                Math.min(2L * connections, budget() / size));
        return new Global(threads, connections,
                size,
                limit,
                reserve,
                maxrewrite == UNSET ? Global.DEFAULT_MAXREWRITE : maxrewrite,
                hardStopAfterMillis == UNSET ? Global.DEFAULT_HARD_STOP_AFTER_MILLIS : hardStopAfterMillis,
                httpMaxHeaders == UNSET ? Global.DEFAULT_HTTP_MAX_HEADERS : httpMaxHeaders, log.build(), spreadChecks);
    }

    /** The memory the default pool may take: {@code tune.buffers.memory}, else {@link Global#DEFAULT_BUFFERS_MEMORY}. */
    long budget() {
        return buffersMemory == UNSET ? Global.DEFAULT_BUFFERS_MEMORY : buffersMemory;
    }

    /** The line of the first keyword of the list that the file sets, else the section header's. */
    int lineOf(String... keywords) {
        for (String keyword : keywords) {
            Integer line = seen.get(keyword);
            if (line != null) {
                return line;
            }
        }
        return line;
    }
}
