package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.Server;
import dev.sluice.http.ParsedRequest;
import dev.sluice.stick.StickTables;

/**
 * Which server a routed request should go to, and what its answer leaves
 * behind: the backend's persistence cookie ({@link CookiePersistence}), then
 * its stick rules ({@link StickPersistence}), which yield to the cookie
 * (HAProxy's order); the server either names is pinned on the balance key,
 * filled from the head as the cookie's edits left it. When the server
 * answers, the stick rules' keys name it and the access log learns what was
 * done with the cookie.
 *
 * <p>Made with the session, its parts reused by every exchange: allocates
 * nothing per request. Not thread-safe: owned by one session, on its loop.
 */
final class ExchangePersistence {
    private final BalanceKey balanceKey = new BalanceKey();
    /** The backend's persistence cookie, read from the request and written into the response. */
    private final CookiePersistence cookies = new CookiePersistence();
    /** The backend's stick rules: the server a table names, and the keys stored once it answers. */
    private final StickPersistence sticks = new StickPersistence();

    /** The cookie's side, which the response analyser writes into the response. */
    CookiePersistence cookies() {
        return cookies;
    }

    /**
     * The request was routed to {@code backend}: its persistence cookie is read
     * (and perhaps edited out of the head), after the backend's rules, as they
     * may have edited the Cookie fields, and before any server is chosen.
     */
    void readCookie(HttpFrontend.BackendPolicy policy, Backend backend, ParsedRequest view,
                    RequestAnalyser requestSide, ExchangeLog log) {
        cookies.request(policy.rules().persistCookie(), backend, view, requestSide, requestSide.method());
        log.cookies(cookies.requestState(), cookies.responseState());
    }

    /**
     * The balance key of the request, read from the head as the cookie's
     * edits left it, with the server the cookie or else the stick rules name.
     */
    BalanceKey key(HttpFrontend.BackendPolicy policy, Backend backend, ParsedRequest view, StickTables tables) {
        // The key reads the head as the cookie's edits left it.
        BalanceKey key = BalanceKeys.fill(balanceKey, backend, view);
        // The stick rules run after the cookie, which takes precedence (HAProxy's order).
        Server stuck = sticks.request(policy.rules().stickRules(), backend, view, tables, cookies.named() != null);
        if (cookies.named() != null) {
            key.persistTo(cookies.named());
        } else if (stuck != null) {
            key.persistTo(stuck);
            cookies.stuckTo(stuck);
        }
        return key;
    }

    /** {@code server}'s final head went out: what was done to the cookie is known, and the stick keys name it. */
    void answered(Server server, ExchangeLog log) {
        // The final head went out with the cookie's edits: what was done to it is known now.
        log.cookies(cookies.requestState(), cookies.responseState());
        // The server answered: the stick rules' keys name it from now on.
        sticks.served(server);
    }
}
