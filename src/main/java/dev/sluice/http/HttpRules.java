package dev.sluice.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The compiled HTTP rules of one frontend or backend: its {@code http-request}
 * rules in file order and, for a frontend, its {@code use_backend} rules and
 * default backend. A session runs the frontend's rules, picks a backend, then
 * runs that backend's rules, as HAProxy does.
 *
 * <p>Evaluating them allocates nothing: conditions compare bytes in place,
 * header rules report pre-encoded edits, and the answers Sluice gives itself are
 * encoded once.
 *
 * <p>Immutable once built; safe to share between loops.
 */
public final class HttpRules {
    /** {@link #selectBackend} found no backend: the request gets 503. */
    public static final int NO_BACKEND = -1;

    /** A proxy without rules: nothing is rewritten and no backend is chosen. */
    public static final HttpRules NONE = new Builder().build();

    private final Condition[] ruleConditions;
    /** Per rule, exactly one of the two is set. */
    private final RequestEdit[] headerRules;
    private final ReturnRule[] returnRules;

    private final Condition[] backendConditions;
    private final int[] backendTargets;
    private final int defaultBackend;
    private final List<String> backendNames;
    /** The operator's error pages ({@code errorfile}) by status; null where Sluice's own applies. */
    private final ReturnRule[] errorPages;
    /** The {@code http-response} header rules (set, add, del, replace), run on every server response in order. */
    private final ResponseEdit[] responseRules;
    /** A backend's {@code cookie} line, or null. */
    private final PersistCookie persistCookie;
    /** A backend's stick rules. */
    private final StickRules stickRules;

    private HttpRules(Builder b) {
        ruleConditions = b.ruleConditions.toArray(new Condition[0]);
        headerRules = b.headerRules.toArray(new RequestEdit[0]);
        returnRules = b.returnRules.toArray(new ReturnRule[0]);
        backendConditions = b.backendConditions.toArray(new Condition[0]);
        backendTargets = b.backendTargets.stream().mapToInt(Integer::intValue).toArray();
        defaultBackend = b.defaultBackend;
        backendNames = List.copyOf(b.backendNames);
        errorPages = b.errorPages.clone();
        responseRules = b.responseRules.toArray(new ResponseEdit[0]);
        persistCookie = b.persistCookie;
        stickRules = b.stickRules;
    }

    /** The backend's {@code stick on|match|store-request} rules. */
    public StickRules stickRules() {
        return stickRules;
    }

    /** The backend's persistence cookie ({@code cookie}), or null for none. */
    public PersistCookie persistCookie() {
        return persistCookie;
    }

    /** Runs the {@code http-response} header rules on a response head; they report their edits. */
    public void applyResponseRules(dev.sluice.buffer.Buffer buffer, HttpHeadParser response,
                                   ConnectionAddresses connection, HeaderEdits edits) {
        for (ResponseEdit rule : responseRules) {
            rule.apply(buffer, response, connection, edits);
        }
    }

    /** The {@code errorfile} page for {@code status}, or null when this proxy has none for it. */
    public ReturnRule errorPage(int status) {
        return status >= 0 && status < errorPages.length ? errorPages[status] : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the {@code http-request} rules in order. Header rules whose condition
     * holds report their edits and evaluation goes on; the first return or deny
     * whose condition holds ends it.
     *
     * @return the response to answer with instead of forwarding, or null to go on
     */
    public ReturnRule applyRequestRules(HttpRequestView request, HeaderEdits edits) {
        for (int i = 0; i < ruleConditions.length; i++) {
            if (!ruleConditions[i].test(request)) {
                continue;
            }
            if (returnRules[i] != null) {
                return returnRules[i];
            }
            headerRules[i].apply(request, edits);
        }
        return null;
    }

    /**
     * The backend for this request: the first {@code use_backend} whose condition
     * holds, else the default backend.
     *
     * @return an index into {@link #backendNames()}, or {@link #NO_BACKEND}
     */
    public int selectBackend(HttpRequestView request) {
        for (int i = 0; i < backendConditions.length; i++) {
            if (backendConditions[i].test(request)) {
                return backendTargets[i];
            }
        }
        return defaultBackend;
    }

    /** Every backend {@link #selectBackend} may return, each once; map them to backends once at start-up. */
    public List<String> backendNames() {
        return backendNames;
    }

    /** How many {@code http-request} rules there are. */
    public int requestRuleCount() {
        return ruleConditions.length;
    }

    /**
     * Collects rules in file order.
     *
     * <p>Not thread-safe: used by one thread while the configuration is compiled.
     */
    public static final class Builder {
        private final ReturnRule[] errorPages = new ReturnRule[600];
        private final List<ResponseEdit> responseRules = new ArrayList<>();
        private PersistCookie persistCookie;
        private StickRules stickRules = StickRules.NONE;

        public Builder stickRules(StickRules rules) {
            this.stickRules = rules;
            return this;
        }

        /** The backend's {@code cookie} line. */
        public Builder persistCookie(PersistCookie cookie) {
            persistCookie = cookie;
            return this;
        }

        /** An {@code http-response} header rule, after those added before. */
        public Builder responseHeaderRule(ResponseEdit rule) {
            responseRules.add(rule);
            return this;
        }

        /** The page answering Sluice's own errors of {@code status} (an {@code errorfile}). */
        public Builder errorPage(int status, ReturnRule page) {
            errorPages[status] = page;
            return this;
        }

        private final List<Condition> ruleConditions = new ArrayList<>();
        private final List<RequestEdit> headerRules = new ArrayList<>();
        private final List<ReturnRule> returnRules = new ArrayList<>();
        private final List<Condition> backendConditions = new ArrayList<>();
        private final List<Integer> backendTargets = new ArrayList<>();
        private final List<String> backendNames = new ArrayList<>();
        private int defaultBackend = NO_BACKEND;

        /** An edit of the head (a header rule, a start-line rule), run when its condition holds. */
        public Builder headerRule(RequestEdit rule, Condition condition) {
            ruleConditions.add(condition);
            headerRules.add(rule);
            returnRules.add(null);
            return this;
        }

        public Builder returnRule(ReturnRule rule, Condition condition) {
            ruleConditions.add(condition);
            headerRules.add(null);
            returnRules.add(rule);
            return this;
        }

        public Builder useBackend(String backend, Condition condition) {
            backendConditions.add(condition);
            backendTargets.add(index(backend));
            return this;
        }

        public Builder defaultBackend(String backend) {
            defaultBackend = index(backend);
            return this;
        }

        private int index(String backend) {
            int i = backendNames.indexOf(backend);
            if (i >= 0) {
                return i;
            }
            backendNames.add(backend);
            return backendNames.size() - 1;
        }

        public HttpRules build() {
            return new HttpRules(this);
        }
    }
}
