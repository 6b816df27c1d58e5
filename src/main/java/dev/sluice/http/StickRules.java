package dev.sluice.http;

import java.util.List;

/**
 * A backend's stick rules ({@code stick on}, {@code stick match},
 * {@code stick store-request}) in file order, as HAProxy runs them: after
 * the backend's {@code http-request} rules and its persistence cookie, before
 * any server is chosen.
 *
 * <p>Immutable; safe to share between loops. Reading it allocates nothing.
 */
public final class StickRules {
    /** A backend without stick rules. */
    public static final StickRules NONE = new StickRules(List.of());

    private final StickRule[] rules;

    private StickRules(List<StickRule> rules) {
        this.rules = rules.toArray(new StickRule[0]);
    }

    public static StickRules of(List<StickRule> rules) {
        return rules.isEmpty() ? NONE : new StickRules(rules);
    }

    public int size() {
        return rules.length;
    }

    public boolean isEmpty() {
        return rules.length == 0;
    }

    /** Rule {@code i}, in file order. */
    public StickRule get(int i) {
        return rules[i];
    }
}
