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
    int buffersReserve = UNSET;
    int maxrewrite = UNSET;
    long hardStopAfterMillis = UNSET;
    int httpMaxHeaders = UNSET;
    /** The process keywords: daemon, identity, limits, the runtime API's sockets. */
    final ProcessSettings process = new ProcessSettings();
    /** The line of the first {@code global} header, 0 when the file has none. */
    int line;
    /** Keyword name to the line that set it. */
    final Map<String, Integer> seen = new HashMap<>();

    Global build(int availableProcessors) {
        int threads = nbthread == UNSET ? availableProcessors : nbthread;
        int connections = maxconn == UNSET ? Global.DEFAULT_MAXCONN : maxconn;
        int reserve = buffersReserve == UNSET ? Global.DEFAULT_BUFFERS_RESERVE : buffersReserve;
        // Half of what maxconn sessions would want at two buffers each (DESIGN.md, "limit"), but never
        // less than the check accepts: a small maxconn on a machine with many cores must still start.
        int limit = buffersLimit == UNSET
                ? Math.max(connections, Global.minimumBuffersLimit(threads, reserve))
                : buffersLimit;
        return new Global(threads, connections,
                bufsize == UNSET ? Global.DEFAULT_BUFSIZE : bufsize,
                limit,
                reserve,
                maxrewrite == UNSET ? Global.DEFAULT_MAXREWRITE : maxrewrite,
                hardStopAfterMillis == UNSET ? Global.DEFAULT_HARD_STOP_AFTER_MILLIS : hardStopAfterMillis,
                httpMaxHeaders == UNSET ? Global.DEFAULT_HTTP_MAX_HEADERS : httpMaxHeaders);
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
