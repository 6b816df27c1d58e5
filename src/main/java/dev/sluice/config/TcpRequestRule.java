package dev.sluice.config;

import java.util.Objects;

/**
 * One {@code tcp-request connection|content accept|reject [if|unless CONDITION]}
 * line of a frontend, listen or backend section.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param phase when the rule runs
 * @param action what it does when its condition holds
 * @param condition null when the line has none: the rule applies to every connection
 * @param line the line of the rule
 */
public record TcpRequestRule(Phase phase, Action action, ConditionSpec condition, int line) {
    /** When a rule runs, as HAProxy names the rule sets. */
    public enum Phase {
        /** As soon as the connection is accepted, before any byte is read. */
        CONNECTION("connection"),
        /** Once the first bytes are in, or {@code tcp-request inspect-delay} has passed. */
        CONTENT("content");

        private final String keyword;

        Phase(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** What a rule does; the first rule whose condition holds decides, and none deciding accepts. */
    public enum Action {
        ACCEPT("accept"), REJECT("reject");

        private final String keyword;

        Action(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public TcpRequestRule {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(action, "action");
    }
}
