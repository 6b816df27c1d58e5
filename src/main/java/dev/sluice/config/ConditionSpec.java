package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code if} or {@code unless} part of a rule: alternatives separated by
 * {@code ||} (or {@code or}), each a list of terms that must all hold. AND binds
 * tighter than OR, as in HAProxy.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param unless true for {@code unless}: the rule applies when the condition does not hold
 * @param alternatives at least one, each with at least one term
 */
public record ConditionSpec(boolean unless, List<List<Term>> alternatives) {
    public ConditionSpec {
        alternatives = alternatives.stream().map(List::copyOf).toList();
        if (alternatives.isEmpty() || alternatives.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("a condition needs at least one term in every alternative");
        }
    }

    /**
     * One term: an ACL name (every {@code acl} line of that name declared above
     * the rule, any of which may match) or an anonymous ACL, perhaps negated.
     *
     * @param name the ACL name, or the anonymous ACL's text
     * @param acls the ACL lines the name stands for, at least one
     */
    public record Term(boolean negated, String name, List<AclSpec> acls) {
        public Term {
            Objects.requireNonNull(name, "name");
            acls = List.copyOf(acls);
            if (acls.isEmpty()) {
                throw new IllegalArgumentException("a term needs at least one ACL");
            }
        }
    }
}
