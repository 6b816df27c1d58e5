package dev.sluice.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code if} or {@code unless} condition: alternatives joined by
 * {@code ||}, each a conjunction of terms, each term an ACL name (every ACL line
 * of that name, any of which may match) or an anonymous ACL, perhaps negated
 * with {@code !}. AND binds tighter than OR, as in HAProxy; terms are tested left
 * to right and a conjunction stops at its first false term.
 *
 * <p>Testing allocates nothing. Immutable once built; safe to share between loops.
 */
public final class Condition {
    private static final Condition ALWAYS = new Builder().build(false);

    /** Per term, the ACLs any of which makes it true. */
    private final Acl[][] terms;
    private final boolean[] negated;
    /** Per alternative, the index of the term after its last one. */
    private final int[] alternativeEnds;
    private final boolean unless;

    private Condition(Acl[][] terms, boolean[] negated, int[] alternativeEnds, boolean unless) {
        this.terms = terms;
        this.negated = negated;
        this.alternativeEnds = alternativeEnds;
        this.unless = unless;
    }

    /** The condition of a rule written without {@code if} or {@code unless}: always true. */
    public static Condition always() {
        return ALWAYS;
    }

    /** True when the rule applies to this request. */
    public boolean test(HttpRequestView request) {
        return holds(request) != unless;
    }

    /**
     * Whether the rule applies, as {@link Acl#PASS} or {@link Acl#FAIL}, or
     * {@link Acl#MISS} when a payload fetch's answer may still change and
     * decides the outcome: HAProxy's three-valued logic, in which a negation
     * of a miss is a miss, a conjunction fails at its first failed term and an
     * alternative passes at its first passed one. Allocates nothing.
     */
    public int evaluate(HttpRequestView request) {
        int term = 0;
        int result = Acl.FAIL;
        for (int end : alternativeEnds) {
            int all = Acl.PASS;
            for (; term < end && all != Acl.FAIL; term++) {
                int t = termEvaluates(term, request);
                if (t != Acl.PASS) {
                    all = t;
                }
            }
            term = end;
            if (all == Acl.PASS) {
                result = Acl.PASS;
                break;
            }
            if (all == Acl.MISS) {
                result = Acl.MISS;
            }
        }
        return result == Acl.MISS || !unless ? result : result == Acl.PASS ? Acl.FAIL : Acl.PASS;
    }

    private int termEvaluates(int term, HttpRequestView request) {
        int any = Acl.FAIL;
        for (Acl acl : terms[term]) {
            int r = acl.evaluate(request);
            if (r == Acl.PASS) {
                any = Acl.PASS;
                break;
            }
            if (r == Acl.MISS) {
                any = Acl.MISS;
            }
        }
        if (any == Acl.MISS || !negated[term]) {
            return any;
        }
        return any == Acl.PASS ? Acl.FAIL : Acl.PASS;
    }

    private boolean holds(HttpRequestView request) {
        int term = 0;
        for (int end : alternativeEnds) {
            boolean all = true;
            for (; term < end && all; term++) {
                all = termHolds(term, request);
            }
            if (all) {
                return true;
            }
            term = end;
        }
        return false;
    }

    private boolean termHolds(int term, HttpRequestView request) {
        boolean any = false;
        for (Acl acl : terms[term]) {
            if (acl.matches(request)) {
                any = true;
                break;
            }
        }
        return any != negated[term];
    }

    /**
     * Collects terms and {@code ||} in the order they are written.
     *
     * <p>Not thread-safe: used by one thread while the configuration is compiled.
     */
    public static final class Builder {
        private final List<Acl[]> terms = new ArrayList<>();
        private final List<Boolean> negated = new ArrayList<>();
        private final List<Integer> ends = new ArrayList<>();

        /** Adds a term to the current alternative: true when any of {@code acls} matches (false when negated). */
        public Builder term(boolean negate, List<Acl> acls) {
            if (acls.isEmpty()) {
                throw new IllegalArgumentException("a term needs at least one ACL");
            }
            terms.add(acls.toArray(new Acl[0]));
            negated.add(negate);
            return this;
        }

        /** Ends the current alternative; the next term starts another. */
        public Builder or() {
            int last = ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
            if (terms.size() == last) {
                throw new IllegalStateException("an alternative needs at least one term");
            }
            ends.add(terms.size());
            return this;
        }

        /**
         * The condition; {@code unless} inverts it. With no term at all it is
         * always true (always false with {@code unless}).
         */
        public Condition build(boolean unless) {
            int last = ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
            if (!ends.isEmpty() && terms.size() == last) {
                throw new IllegalStateException("an alternative needs at least one term");
            }
            List<Integer> alternatives = new ArrayList<>(ends);
            if (terms.size() > last || terms.isEmpty()) {
                alternatives.add(terms.size());
            }
            boolean[] flags = new boolean[negated.size()];
            for (int i = 0; i < flags.length; i++) {
                flags[i] = negated.get(i);
            }
            int[] alternativeEnds = alternatives.stream().mapToInt(Integer::intValue).toArray();
            return new Condition(terms.toArray(new Acl[0][]), flags, alternativeEnds, unless);
        }
    }
}
