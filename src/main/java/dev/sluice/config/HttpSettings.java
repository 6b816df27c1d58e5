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
    /** {@code http-response} header rules, in file order (they take no condition). */
    final List<HttpRequestRule> httpResponseRules = new ArrayList<>();
    boolean forwardFor;
    /** The option's arguments, when it is on. */
    dev.sluice.http.ForwardFor forwardForSpec = dev.sluice.http.ForwardFor.DEFAULT;
    boolean httpClose;
    /** {@code option http-server-close}: the server connection closes after each response, the client's stays. */
    boolean serverClose;
    HttpReuse httpReuse = HttpReuse.SAFE;
    /** The {@code cookie} line, or null. */
    CookieKeywords.CookieLine cookie;
    /** {@code max-body-size} in bytes; 0 when not set: no limit. */
    long maxBodySize;
    /**
     * The {@code errorfile} lines ({@link ErrorFile}) and {@code errorfiles}
     * imports ({@link ErrorImport}) in file order, the defaults' first: for
     * each status the last one written wins, as in HAProxy.
     */
    final List<Object> errorEntries = new ArrayList<>();

    /** {@code errorfiles NAME [CODE...]}, looked up when the whole file is read; no codes means all of them. */
    record ErrorImport(String name, java.util.Set<Integer> codes, int line, String file) {
    }

    /**
     * Takes the values a defaults section set. Rules stay behind: a defaults
     * section may not hold them.
     */
    void inherit(HttpSettings defaults) {
        forwardFor = defaults.forwardFor;
        forwardForSpec = defaults.forwardForSpec;
        httpClose = defaults.httpClose;
        serverClose = defaults.serverClose;
        httpReuse = defaults.httpReuse;
        maxBodySize = defaults.maxBodySize;
        cookie = defaults.cookie;
        errorEntries.addAll(defaults.errorEntries);
    }

    /**
     * Replaces each import by the pages it names, once every http-errors
     * section is known; an unknown name is refused at its line.
     */
    void resolveErrorImports(java.util.Map<String, HttpErrorsSection> sections) throws ConfigException {
        List<Object> resolved = new ArrayList<>();
        for (Object entry : errorEntries) {
            if (entry instanceof ErrorImport use) {
                HttpErrorsSection from = sections.get(use.name());
                if (from == null) {
                    throw new ConfigException(use.file(), use.line(), "errorfiles: no http-errors section named '"
                            + use.name() + "'");
                }
                from.files.values().stream().filter(f -> use.codes().isEmpty() || use.codes().contains(f.code()))
                        .forEach(resolved::add);
            } else {
                resolved.add(entry);
            }
        }
        errorEntries.clear();
        errorEntries.addAll(resolved);
    }

    HttpConfig build() {
        java.util.Map<Integer, ErrorFile> errorFiles = new java.util.TreeMap<>();
        for (Object entry : errorEntries) {
            if (entry instanceof ErrorFile page) {
                errorFiles.put(page.code(), page);
            } else {
                throw new IllegalStateException("errorfiles import not resolved: " + entry);
            }
        }
        return new HttpConfig(httpRequestRules, forwardFor, httpClose, serverClose, httpReuse, maxBodySize,
                List.copyOf(errorFiles.values()), forwardForSpec, httpResponseRules, cookie);
    }
}
