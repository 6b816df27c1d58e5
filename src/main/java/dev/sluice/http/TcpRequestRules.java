package dev.sluice.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tcp-request connection} and {@code tcp-request content} rules of
 * a frontend, compiled: in each phase, the first rule whose condition holds
 * accepts or rejects the connection, and a connection no rule decides is
 * accepted, as in HAProxy. The conditions read layer-4 fetches only
 * ({@code src}, {@code dst}, {@code dst_port}), which are known as soon as the
 * connection is accepted, so both phases decide at once.
 *
 * <p>Immutable; safe to share between loops. Deciding allocates nothing.
 */
public final class TcpRequestRules {
    /** When a rule set runs. */
    public enum Phase { CONNECTION, CONTENT }

    /** No rule: every connection is accepted. */
    public static final TcpRequestRules NONE = new TcpRequestRules(new Phase[0], new boolean[0], new Condition[0]);

    private final Phase[] phases;
    private final boolean[] accepts;
    private final Condition[] conditions;

    private TcpRequestRules(Phase[] phases, boolean[] accepts, Condition[] conditions) {
        this.phases = phases;
        this.accepts = accepts;
        this.conditions = conditions;
    }

    /** Whether the rules of {@code phase} let the connection on. */
    public boolean accepts(Phase phase, HttpRequestView connection) {
        for (int i = 0; i < phases.length; i++) {
            if (phases[i] == phase && conditions[i].test(connection)) {
                return accepts[i];
            }
        }
        return true;
    }

    /** {@link #verdict}: the connection goes on. */
    public static final int ACCEPT = 1;
    /** {@link #verdict}: the connection is refused. */
    public static final int REJECT = 0;
    /** {@link #verdict}: a rule's condition waits for more of the client's bytes. */
    public static final int WAIT = 2;

    /**
     * The rules of {@code phase} in file order, as HAProxy runs content
     * inspection: the first rule whose condition holds decides; a rule whose
     * condition cannot be told yet ({@link Acl#MISS}, the payload may still
     * grow) stops the run with {@link #WAIT}, and the rules run again once
     * more bytes are in or the payload is final; none deciding accepts.
     */
    public int verdict(Phase phase, HttpRequestView connection) {
        for (int i = 0; i < phases.length; i++) {
            if (phases[i] != phase) {
                continue;
            }
            int r = conditions[i].evaluate(connection);
            if (r == Acl.MISS) {
                return WAIT;
            }
            if (r == Acl.PASS) {
                return accepts[i] ? ACCEPT : REJECT;
            }
        }
        return ACCEPT;
    }

    public boolean isEmpty() {
        return phases.length == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects rules in file order. */
    public static final class Builder {
        private final List<Phase> phases = new ArrayList<>();
        private final List<Boolean> accepts = new ArrayList<>();
        private final List<Condition> conditions = new ArrayList<>();

        public Builder rule(Phase phase, boolean accept, Condition condition) {
            phases.add(phase);
            accepts.add(accept);
            conditions.add(condition);
            return this;
        }

        public TcpRequestRules build() {
            boolean[] a = new boolean[accepts.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = accepts.get(i);
            }
            return phases.isEmpty() ? NONE
                    : new TcpRequestRules(phases.toArray(new Phase[0]), a, conditions.toArray(new Condition[0]));
        }
    }
}
