package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.Server;
import dev.sluice.http.ParsedRequest;
import dev.sluice.stick.StickTables;

/**
 * Which server a routed request should go to, and what its answer leaves
 * behind: after the backend's persistence cookie ({@link CookiePersistence})
 * was read, its stick rules ({@link StickPersistence}) run, and yield to the
 * cookie (HAProxy's order); the server either names is pinned on the balance
 * key, filled from the head as the cookie's edits left it. When the server
 * answers, the stick rules' keys name it and the access log learns what was
 * done with the cookie.
 *
 * <p>Stateless: the cookie, the stick rules' state and the balance key are
 * the exchange's own, made with its session, so that this room adds no
 * object to a connection and allocates nothing per request. Called on the
 * session's loop.
 */
final class ExchangePersistence {
    private ExchangePersistence() {
    }

    /**
     * The balance key of the request, filled into {@code into} from the head
     * as the cookie's edits left it, with the server the cookie or else the
     * stick rules name.
     */
    static BalanceKey key(BalanceKey into, CookiePersistence cookies, StickPersistence sticks,
                          HttpFrontend.BackendPolicy policy, Backend backend, ParsedRequest view, StickTables tables) {
        // The key reads the head as the cookie's edits left it.
        BalanceKey key = BalanceKeys.fill(into, backend, view);
        // The stick rules run after the cookie, which takes precedence (HAProxy's order).
        // sticks is null on a connection that never met a backend with stick rules.
        Server stuck = sticks == null ? null
                : sticks.request(policy.rules().stickRules(), backend, view, tables, cookies.named() != null);
        if (cookies.named() != null) {
            key.persistTo(cookies.named());
        } else if (stuck != null) {
            key.persistTo(stuck);
            cookies.stuckTo(stuck);
        }
        return key;
    }

    /** {@code server}'s final head went out: what was done to the cookie is known, and the stick keys name it. */
    static void answered(CookiePersistence cookies, StickPersistence sticks, Server server, ExchangeLog log) {
        // The final head went out with the cookie's edits: what was done to it is known now.
        log.cookies(cookies.requestState(), cookies.responseState());
        // The server answered: the stick rules' keys name it from now on.
        if (sticks != null) {
            sticks.served(server);
        }
    }
}
