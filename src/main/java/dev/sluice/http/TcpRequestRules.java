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
    public static final TcpRequestRules NONE = new TcpRequestRules(new Phase[0], new boolean[0], new Condition[0],
            new int[0], new String[0]);

    private final Phase[] phases;
    private final boolean[] accepts;
    private final Condition[] conditions;
    /** Per rule, the sticky counter a track rule sets, else -1. */
    private final int[] counters;
    /** Per rule, the section whose table a track rule tracks in, else null. */
    private final String[] tables;

    private TcpRequestRules(Phase[] phases, boolean[] accepts, Condition[] conditions, int[] counters,
                            String[] tables) {
        this.phases = phases;
        this.accepts = accepts;
        this.conditions = conditions;
        this.counters = counters;
        this.tables = tables;
    }

    /**
     * Whether the rules of {@code phase} let the connection on. A track rule
     * whose condition holds tracks the client's address
     * ({@code tcp-request connection track-scN src}) and the run goes on.
     */
    public boolean accepts(Phase phase, HttpRequestView connection) {
        for (int i = 0; i < phases.length; i++) {
            if (phases[i] != phase || !conditions[i].test(connection)) {
                continue;
            }
            if (counters[i] < 0) {
                return accepts[i];
            }
            track(i, connection.addresses());
        }
        return true;
    }

    /**
     * Whether the rules of {@code phase} let on a connection that only its
     * addresses describe (no request is read yet, or the rules see none of
     * it); without rules nothing is looked at.
     */
    public boolean accepts(Phase phase, ConnectionAddresses addresses) {
        return isEmpty() || accepts(phase, new AddressView(addresses));
    }

    private void track(int rule, ConnectionAddresses addresses) {
        dev.sluice.stick.StickTable t = addresses.stickTables().table(tables[rule]);
        if (t != null && addresses.tracking() != null) {
            addresses.tracking().trackAddress(counters[rule], t, addresses.client(), false);
        }
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
                if (counters[i] >= 0) {
                    track(i, connection.addresses());
                    continue;
                }
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
        private final List<Integer> counters = new ArrayList<>();
        private final List<String> tables = new ArrayList<>();

        public Builder rule(Phase phase, boolean accept, Condition condition) {
            phases.add(phase);
            accepts.add(accept);
            conditions.add(condition);
            counters.add(-1);
            tables.add(null);
            return this;
        }

        /** {@code track-scN src [table NAME]}: tracks the client's address in the table of section {@code table}. */
        public Builder track(Phase phase, int counter, String table, Condition condition) {
            if (counter < 0 || counter >= dev.sluice.stick.StickCounters.SLOTS) {
                throw new IllegalArgumentException("Sluice tracks the sticky counters sc0, sc1 and sc2 only");
            }
            rule(phase, true, condition);
            counters.set(counters.size() - 1, counter);
            tables.set(tables.size() - 1, table);
            return this;
        }

        public TcpRequestRules build() {
            boolean[] a = new boolean[accepts.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = accepts.get(i);
            }
            return phases.isEmpty() ? NONE
                    : new TcpRequestRules(phases.toArray(new Phase[0]), a, conditions.toArray(new Condition[0]),
                            counters.stream().mapToInt(Integer::intValue).toArray(), tables.toArray(new String[0]));
        }
    }
}
