package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * What the mode http keywords of one frontend or backend say: its
 * {@code http-request} rules, and how it treats HTTP connections. Their
 * conditions name the section's ACLs, which are in {@link RoutingConfig}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param httpRequestRules every {@code http-request} rule, in file order (mode http only)
 * @param forwardFor {@code option forwardfor}: add {@code X-Forwarded-For} with the client's address
 * @param httpClose {@code option httpclose}: close the connection after each response (a backend's: both)
 * @param serverClose {@code option http-server-close}: close the server connection after each response,
 *                    keeping the client's alive
 * @param httpReuse whether idle server connections may carry other sessions' requests (a backend's)
 * @param maxBodySize {@code max-body-size}: the largest request body in bytes; 0 for no limit
 * @param errorFiles {@code errorfile} pages, one per status at most, the defaults' included
 * @param forwardForSpec the arguments of {@code option forwardfor} (what it adds, for whom); read when it is on
 * @param httpResponseRules the {@code http-response} header rules, in file order
 * @param cookie the backend's {@code cookie} line (persistence), or null
 */
public record HttpConfig(List<HttpRequestRule> httpRequestRules, boolean forwardFor, boolean httpClose,
        boolean serverClose, HttpReuse httpReuse, long maxBodySize, List<ErrorFile> errorFiles,
        dev.sluice.http.ForwardFor forwardForSpec, List<HttpRequestRule> httpResponseRules,
        CookieKeywords.CookieLine cookie) {
    /** No rule, no option: what a section without HTTP keywords has. */
    public static final HttpConfig NONE = new HttpConfig(List.of(), false, false, false, HttpReuse.SAFE, 0, List.of(),
            dev.sluice.http.ForwardFor.DEFAULT, List.of(), null);

    public HttpConfig {
        httpRequestRules = List.copyOf(httpRequestRules);
        errorFiles = List.copyOf(errorFiles);
        httpResponseRules = List.copyOf(httpResponseRules);
        Objects.requireNonNull(httpReuse, "httpReuse");
    }
}
