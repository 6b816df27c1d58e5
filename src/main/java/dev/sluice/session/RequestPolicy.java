package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.ReturnRule;

/**
 * The request policy: given a parsed request and the frontend it came to,
 * decide what happens to it. Sluice answers it itself (an
 * {@code http-request return} or {@code deny}), refuses it (no backend matches;
 * a body over {@code max-body-size}; header edits that overflow the head), or
 * sends it to a backend, with the header edits the rules made.
 *
 * <p>The order is HAProxy's: the frontend's body limit before any rule, the
 * frontend's rules, {@code use_backend} and {@code default_backend}, the
 * backend's body limit, the backend's rules. Each rule sees the head as the
 * earlier ones left it: the edits reach the head through {@link HeaderEdits}
 * before the next condition is tested.
 *
 * <p>A pure function of the request view, the frontend's configuration and what
 * {@link Edits} reports: it keeps no state, touches no connection and no
 * buffer of its own, so it is tested without a session. The answer goes into
 * a {@link Decision} the caller owns and reuses, so deciding allocates nothing.
 */
final class RequestPolicy {
    /** What becomes of the request. */
    enum Verdict {
        /** Send it to {@link Decision#backend()}. */
        BACKEND,
        /** Sluice answers with {@link Decision#answer()}. */
        ANSWER,
        /** No {@code use_backend} matched and there is no default backend: 503. */
        NO_BACKEND,
        /** Its Content-Length is over {@link Decision#bodyLimit()}: 413, and the body is never read. */
        TOO_LARGE,
        /** The rules' edits no longer fit the head: 500. */
        EDITS_OVERFLOWED,
        /** The frontend's stats page answers, {@link Decision#applet()}: after the frontend's rules, before routing. */
        APPLET
    }

    /** Where the rules' edits go, and whether one of them did not fit. */
    interface Edits extends HeaderEdits {
        boolean overflowed();
    }

    /** The outcome of {@link #decide}; one per session, overwritten for each request. */
    static final class Decision {
        private Verdict verdict;
        private ReturnRule answer;
        private Backend backend;
        private HttpFrontend.BackendPolicy policy;
        private long bodyLimit;
        private Applet applet;

        Verdict verdict() {
            return verdict;
        }

        /** The applet that answers, for {@link Verdict#APPLET}. */
        Applet applet() {
            return applet;
        }

        /** The rule's response, for {@link Verdict#ANSWER}. */
        ReturnRule answer() {
            return answer;
        }

        /** The chosen backend, for {@link Verdict#BACKEND} (and for an answer of the backend's rules). */
        Backend backend() {
            return backend;
        }

        HttpFrontend.BackendPolicy policy() {
            return policy;
        }

        /**
         * The body limit that applies: for {@link Verdict#TOO_LARGE} the one
         * exceeded; otherwise the smaller of the frontend's and the backend's
         * ({@link Long#MAX_VALUE} for none), for a chunked body to be held to.
         */
        long bodyLimit() {
            return bodyLimit;
        }

        private Verdict set(Verdict v) {
            verdict = v;
            return v;
        }
    }

    private RequestPolicy() {
    }

    /**
     * Decides the fate of one request.
     *
     * @param contentLength the request's Content-Length, or -1 when it has none
     */
    static Verdict decide(HttpFrontend frontend, HttpRequestView request, long contentLength, Edits edits,
                          Decision out) {
        out.answer = null;
        out.backend = null;
        out.policy = null;
        out.applet = null;
        // Before routing, rules and any slot: a body known to be too large is never read.
        if (contentLength > frontend.maxBodySize()) {
            out.bodyLimit = frontend.maxBodySize();
            return out.set(Verdict.TOO_LARGE);
        }
        ReturnRule answer = frontend.rules().applyRequestRules(request, edits);
        if (answer != null) {
            out.answer = answer;
            return out.set(Verdict.ANSWER);
        }
        Applet page = frontend.services().statsPage(request);
        if (page != null) {
            out.applet = page;
            return out.set(Verdict.APPLET);
        }
        Backend chosen = frontend.routing().route(request);
        if (chosen == null) {
            return out.set(Verdict.NO_BACKEND);
        }
        HttpFrontend.BackendPolicy policy = frontend.policy(chosen);
        out.backend = chosen;
        out.policy = policy;
        if (contentLength > policy.maxBodySize()) {
            out.bodyLimit = policy.maxBodySize();
            return out.set(Verdict.TOO_LARGE);
        }
        out.bodyLimit = Math.min(frontend.maxBodySize(), policy.maxBodySize());
        answer = policy.rules().applyRequestRules(request, edits);
        if (answer != null) {
            out.answer = answer;
            return out.set(Verdict.ANSWER);
        }
        if (edits.overflowed()) {
            return out.set(Verdict.EDITS_OVERFLOWED);
        }
        return out.set(Verdict.BACKEND);
    }
}
