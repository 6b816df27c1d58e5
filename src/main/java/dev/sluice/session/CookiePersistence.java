package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Buffer;
import dev.sluice.http.CookiePairs;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpBytes;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.Method;
import dev.sluice.http.PersistCookie;

/**
 * Cookie persistence for one session's exchanges: on the request, which server
 * the backend's persistence cookie names, and the cookie's removal
 * ({@code insert indirect}) or the stripping of its prefix ({@code prefix});
 * on the response, the cookie Sluice inserts, rewrites, prefixes or removes.
 * Both sides edit the head through {@link HeaderEdits}, in the room
 * {@code tune.maxrewrite} keeps, so an exchange takes no buffer for it.
 *
 * <p>It also keeps the two characters of HAProxy's termination state that say
 * what became of the cookie ({@code %tsc}, third and fourth): on the request
 * {@code N} (no cookie), {@code I} (it names no server), {@code D} (its server
 * is down: balanced instead), {@code V} (valid: sent to its server); on the
 * response {@code N} (nothing done), {@code I} (inserted), {@code P} (the
 * server's own, passed), {@code R} (rewritten or prefixed), {@code D}
 * (deleted). {@code -} when the backend has no cookie, or no mode.
 *
 * <p>Allocates nothing: the lines it adds are encoded when the file is read.
 * Not thread-safe: one per session, on its loop.
 */
final class CookiePersistence {
    private static final byte[] COOKIE = "cookie".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SET_COOKIE = "set-cookie".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];

    /** Made at the first request whose backend has a cookie: a connection that meets none keeps none. */
    private CookiePairs pairs;
    private PersistCookie rule;
    /** The server the request's cookie named and that took it, or null. */
    private Server named;
    /** The server a stick rule sent the request to (no cookie chose one), or null. */
    private Server stuck;
    private char requestState = '-';
    private char responseState = '-';
    /** The request's method: {@code postonly} inserts on a POST's response only. */
    private Method method;

    /** A new request: nothing known of its cookie yet. */
    void reset() {
        rule = null;
        named = null;
        stuck = null;
        requestState = '-';
        responseState = '-';
    }

    /**
     * The request goes to {@code backend}, whose persistence cookie is
     * {@code cookie} (null for none): finds the server it names
     * ({@link #named()}), and makes the request's edits.
     */
    void request(PersistCookie cookie, Backend backend, HttpRequestView request, HeaderEdits edits, Method method) {
        reset();
        rule = cookie;
        if (cookie == null) {
            return;
        }
        this.method = method;
        if (pairs == null) {
            pairs = new CookiePairs();
        }
        Buffer b = request.buffer();
        byte[] name = cookie.nameBytes();
        boolean prefixed = cookie.mode() == PersistCookie.Mode.PREFIX;
        boolean seen = false;
        Server down = null;
        for (int h = 0; h < request.headerCount() && named == null && down == null; h++) {
            if (!isField(b, request.nameStart(h), request.nameEnd(h), COOKIE)) {
                continue;
            }
            pairs.cookie(b, request.valueStart(h), request.valueEnd(h));
            while (pairs.next()) {
                if (!pairs.nameIs(name)) {
                    continue;
                }
                seen = true;
                int end = pairs.valueEnd();
                if (prefixed) {
                    int tilde = pairs.indexInValue('~');
                    end = tilde < 0 ? end : tilde;
                }
                named = backend.cookieServer(b, pairs.valueStart(), end, true);
                if (named == null) {
                    down = backend.cookieServer(b, pairs.valueStart(), end, false);
                }
                if (named != null || down != null) {
                    break;
                }
            }
        }
        requestState = named != null ? 'V' : down != null ? 'D' : seen ? 'I' : 'N';
        if (seen && prefixed) {
            stripPrefixes(request, edits, name);
        } else if (seen && cookie.mode() == PersistCookie.Mode.INSERT && cookie.options().indirect()) {
            removeCookies(request, edits, name);
        }
        if (cookie.mode() == PersistCookie.Mode.PASSIVE) {
            // A cookie line without a mode routes requests but says nothing in the termination state.
            requestState = '-';
        } else {
            // Until a response says otherwise (none may come: a 503, a timeout), nothing was done to it.
            responseState = 'N';
        }
    }

    /** {@code prefix}: the server's value and its {@code ~} leave each cookie of the name, as the server set it. */
    private void stripPrefixes(HttpRequestView request, HeaderEdits edits, byte[] name) {
        Buffer b = request.buffer();
        for (int h = request.headerCount() - 1; h >= 0; h--) {
            if (!isField(b, request.nameStart(h), request.nameEnd(h), COOKIE)) {
                continue;
            }
            // Right to left: an edit moves only what follows it.
            int bound = Integer.MAX_VALUE;
            while (true) {
                int pair = -1;
                int from = -1;
                int tilde = -1;
                pairs.cookie(b, request.valueStart(h), request.valueEnd(h));
                while (pairs.next() && pairs.start() < bound) {
                    int t = pairs.nameIs(name) ? pairs.indexInValue('~') : -1;
                    if (t >= 0) {
                        pair = pairs.start();
                        from = pairs.valueStart();
                        tilde = t;
                    }
                }
                if (pair < 0) {
                    break;
                }
                edits.replace(from, tilde + 1, NOTHING, 0, 0);
                bound = pair;
            }
        }
    }

    /**
     * {@code insert indirect}: the cookie is Sluice's, so the server never sees
     * it. Each pair of the name goes with the separator after it (or, for the
     * last pair, the one before it); a field left with no pair goes.
     */
    private void removeCookies(HttpRequestView request, HeaderEdits edits, byte[] name) {
        for (int h = request.headerCount() - 1; h >= 0; h--) {
            Buffer b = request.buffer();
            if (!isField(b, request.nameStart(h), request.nameEnd(h), COOKIE)) {
                continue;
            }
            int bound = Integer.MAX_VALUE;
            while (true) {
                int start = -1;
                int end = -1;
                int before = -1;
                int after = -1;
                int previousEnd = -1;
                pairs.cookie(b, request.valueStart(h), request.valueEnd(h));
                while (pairs.next()) {
                    if (start >= 0 && after < 0) {
                        after = pairs.start();
                    }
                    if (pairs.start() < bound && pairs.nameIs(name)) {
                        start = pairs.start();
                        end = pairs.end();
                        before = previousEnd;
                        after = -1;
                    }
                    previousEnd = pairs.end();
                }
                if (start < 0) {
                    break;
                }
                if (after >= 0) {
                    edits.replace(start, after, NOTHING, 0, 0);
                    bound = start;
                } else if (before >= 0) {
                    edits.replace(before, end, NOTHING, 0, 0);
                    bound = before;
                } else {
                    edits.delete(h);
                    break;
                }
            }
        }
    }

    /**
     * The response of {@code served} (the server that answered) is about to go
     * to the client: inserts, rewrites, prefixes or removes the persistence
     * cookie as the backend's rule says.
     */
    void response(Buffer b, HttpHeadParser response, HeaderEdits edits, Server served) {
        if (rule == null || rule.mode() == PersistCookie.Mode.PASSIVE || served == null) {
            return;
        }
        PersistCookie.Options o = rule.options();
        byte[] name = rule.nameBytes();
        // The client already holds a cookie naming the server that answered, or a stick rule sent it there:
        // either way the request went direct, and HAProxy inserts nothing.
        boolean holds = requestState == 'V' && named == served || stuck == served;
        char state = 'N';
        boolean serverSetsIt = false;
        for (int h = response.headerCount() - 1; h >= 0; h--) {
            if (!isField(b, response.nameStart(h), response.nameEnd(h), SET_COOKIE)) {
                continue;
            }
            pairs.setCookie(b, response.valueStart(h), response.valueEnd(h));
            if (!pairs.next() || !pairs.nameIs(name)) {
                continue;
            }
            serverSetsIt = true;
            switch (rule.mode()) {
                case INSERT -> {
                    if (o.preserve()) {
                        state = 'P';
                    } else {
                        edits.delete(h);
                        state = 'D';
                    }
                }
                case REWRITE -> {
                    byte[] value = rule.value(served.cookie());
                    if (value == null) {
                        state = 'P';
                    } else {
                        edits.replace(pairs.valueStart(), pairs.valueEnd(), value, 0, value.length);
                        state = 'R';
                    }
                }
                case PREFIX -> {
                    byte[] prefix = rule.prefix(served.cookie());
                    if (o.indirect() && holds) {
                        edits.delete(h);
                        state = 'D';
                    } else if (prefix == null) {
                        state = 'P';
                    } else {
                        edits.replace(pairs.valueStart(), pairs.valueStart(), prefix, 0, prefix.length);
                        state = 'R';
                    }
                }
                default -> {
                }
            }
        }
        if (rule.mode() == PersistCookie.Mode.INSERT && !holds && !(o.preserve() && serverSetsIt)
                && (!o.postOnly() || method == Method.POST)) {
            boolean privateToo = o.noCache() && method != Method.POST && PersistCookie.cacheable(b, response);
            edits.append(rule.insertLine(served.cookie()));
            if (privateToo) {
                edits.append(PersistCookie.CACHE_PRIVATE);
            }
            state = 'I';
        }
        responseState = state;
    }

    /**
     * A stick rule sends the request to {@code server}, which no cookie chose:
     * its response is a direct one's, as when the cookie named that server.
     */
    void stuckTo(Server server) {
        stuck = server;
    }

    /** The server the request's cookie names, UP or drained, or null: it takes the request before any balancing. */
    Server named() {
        return named;
    }

    /** The third character of {@code %tsc}: what the request's cookie did. */
    char requestState() {
        return requestState;
    }

    /** The fourth character of {@code %tsc}: what Sluice did to the response's cookie. */
    char responseState() {
        return responseState;
    }

    private static boolean isField(Buffer b, int start, int end, byte[] lowerCaseName) {
        return HttpBytes.equalsIgnoreCase(b, start, end, lowerCaseName);
    }
}
