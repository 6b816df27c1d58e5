package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The mode http keywords' values in one proxy section while the file is read;
 * {@link #build()} makes the section's {@link HttpConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class HttpSettings {
    final List<HttpRequestRule> httpRequestRules = new ArrayList<>();
    boolean forwardFor;
    boolean httpClose;
    /** {@code option http-server-close}: the server connection closes after each response, the client's stays. */
    boolean serverClose;
    HttpReuse httpReuse = HttpReuse.SAFE;
    /** {@code max-body-size} in bytes; 0 when not set: no limit. */
    long maxBodySize;

    /**
     * Takes the values a defaults section set. Rules stay behind: a defaults
     * section may not hold them.
     */
    void inherit(HttpSettings defaults) {
        forwardFor = defaults.forwardFor;
        httpClose = defaults.httpClose;
        serverClose = defaults.serverClose;
        httpReuse = defaults.httpReuse;
        maxBodySize = defaults.maxBodySize;
    }

    HttpConfig build() {
        return new HttpConfig(httpRequestRules, forwardFor, httpClose, serverClose, httpReuse, maxBodySize);
    }
}
