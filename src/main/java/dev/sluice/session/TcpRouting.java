package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.http.AddressView;
import dev.sluice.http.TcpRequestRules;

/**
 * A TCP session's request policy: the frontend's content rules, the backend
 * its routing picks, and that backend's own content rules. A function of the
 * connection's addresses and the rules alone, so that a test drives it
 * without a session. It runs once per connection.
 */
final class TcpRouting {
    /** Where the connection goes, or why it goes nowhere ({@code refusal} set, the rest null). */
    record Decision(Backend backend, TcpFrontend.BackendPolicy policy, SessionOutcome refusal) {
        static Decision refused(SessionOutcome why) {
            return new Decision(null, null, why);
        }
    }

    private TcpRouting() {
    }

    static Decision route(TcpFrontend frontend, AddressView view) {
        if (!frontend.rules().accepts(TcpRequestRules.Phase.CONTENT, view)) {
            return Decision.refused(SessionOutcome.REJECTED);
        }
        Backend backend = frontend.routing().route(view);
        if (backend == null) {
            return Decision.refused(SessionOutcome.NO_BACKEND);
        }
        TcpFrontend.BackendPolicy policy = frontend.policy(backend);
        if (!policy.rules().accepts(TcpRequestRules.Phase.CONTENT, view)) {
            return Decision.refused(SessionOutcome.REJECTED);
        }
        return new Decision(backend, policy, null);
    }

    /** What {@code balance source} hashes: the client's address; other algorithms take no key in mode tcp. */
    static BalanceKey balanceKey(Backend backend, java.net.InetAddress client) {
        java.net.InetAddress a = backend.keySource() == BalanceKey.Source.CLIENT_ADDRESS ? client : null;
        return a == null ? BalanceKey.NONE : new BalanceKey().clientAddress(a.getAddress());
    }
}
