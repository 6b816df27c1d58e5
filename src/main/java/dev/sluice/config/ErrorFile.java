package dev.sluice.config;

/**
 * One {@code errorfile CODE FILE} line: the page that answers Sluice's own
 * errors of status {@code code} in its section, read when the file is.
 *
 * @param code  the status it answers for
 * @param bytes the file's content, a whole HTTP response
 * @param line  the line that set it, for errors found later (its size against tune.bufsize)
 * @param file  the configuration file of that line
 */
public record ErrorFile(int code, byte[] bytes, int line, String file) {
    /** The statuses an errorfile may stand for, as in HAProxy. */
    static final java.util.Set<Integer> CODES = java.util.Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413,
            425, 429, 500, 501, 502, 503, 504);
}
