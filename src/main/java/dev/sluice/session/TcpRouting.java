package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.Server;
import dev.sluice.http.AddressView;
import dev.sluice.http.TcpRequestRules;

/**
 * A TCP session's request policy: the frontend's content rules, the backend
 * its routing picks, and that backend's own content rules. A function of the
 * connection's addresses and the rules alone, so that a test drives it
 * without a session. It runs once per connection, or, while a content rule
 * waits for the client's bytes ({@code tcp-request inspect-delay}), each time
 * more come in, and a last time when the delay is over.
 */
final class TcpRouting {
    /**
     * Where the connection goes, or why it goes nowhere ({@code refusal} set,
     * the rest null), or that a content rule waits for more of the client's
     * bytes ({@code waitNanos} at least 0: the inspect delay of the section
     * whose rule waits; the rest null).
     */
    record Decision(Backend backend, TcpFrontend.BackendPolicy policy, SessionOutcome refusal, long waitNanos) {
        Decision(Backend backend, TcpFrontend.BackendPolicy policy, SessionOutcome refusal) {
            this(backend, policy, refusal, -1);
        }

        static Decision refused(SessionOutcome why) {
            return new Decision(null, null, why);
        }

        static Decision waiting(long delayNanos) {
            return new Decision(null, null, null, delayNanos);
        }

        boolean waits() {
            return waitNanos >= 0;
        }
    }

    private TcpRouting() {
    }

    /**
     * The frontend's content rules, then {@code use_backend} (once, on what
     * the payload holds then, as HAProxy's switching rules run), then the
     * chosen backend's content rules. A content rule that cannot tell yet
     * ({@link TcpRequestRules#WAIT}) makes the decision a wait, unless the
     * view's payload is final.
     */
    static Decision route(TcpFrontend frontend, AddressView view) {
        int verdict = frontend.rules().verdict(TcpRequestRules.Phase.CONTENT, view);
        if (verdict == TcpRequestRules.WAIT) {
            return Decision.waiting(frontend.inspectDelayNanos());
        }
        if (verdict == TcpRequestRules.REJECT) {
            return Decision.refused(SessionOutcome.REJECTED);
        }
        Backend backend = frontend.routing().route(view);
        if (backend == null) {
            return Decision.refused(SessionOutcome.NO_BACKEND);
        }
        TcpFrontend.BackendPolicy policy = frontend.policy(backend);
        verdict = policy.rules().verdict(TcpRequestRules.Phase.CONTENT, view);
        if (verdict == TcpRequestRules.WAIT) {
            return Decision.waiting(policy.inspectDelayNanos());
        }
        if (verdict == TcpRequestRules.REJECT) {
            return Decision.refused(SessionOutcome.REJECTED);
        }
        return new Decision(backend, policy, null);
    }

    /** What {@code balance source} hashes: the client's address; other algorithms take no key in mode tcp. */
    static BalanceKey balanceKey(Backend backend, java.net.InetAddress client) {
        java.net.InetAddress a = backend.keySource() == BalanceKey.Source.CLIENT_ADDRESS ? client : null;
        return a == null ? BalanceKey.NONE : new BalanceKey().clientAddress(a.getAddress());
    }

    /**
     * The same in {@code key}, the session's own, persisting to {@code stuck}
     * (the server a stick rule names), with the address still there for a
     * balance that must choose when {@code stuck} no longer takes persistent requests.
     */
    static BalanceKey balanceKey(BalanceKey key, Backend backend, java.net.InetAddress client, Server stuck) {
        key.clear().persistTo(stuck);
        if (backend.keySource() == BalanceKey.Source.CLIENT_ADDRESS) {
            key.clientAddress(client.getAddress());
        }
        return key;
    }
}
