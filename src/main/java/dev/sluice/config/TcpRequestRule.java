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
 * @param counter the sticky counter of {@code track-scN}, else 0
 * @param table the section whose stick table {@code track-scN src} tracks the client in, else null
 */
public record TcpRequestRule(Phase phase, Action action, ConditionSpec condition, int line, int counter,
        String table) {
    /** A rule that tracks no counter. */
    public TcpRequestRule(Phase phase, Action action, ConditionSpec condition, int line) {
        this(phase, action, condition, line, 0, null);
    }

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

    /**
     * What a rule does; the first accept or reject whose condition holds
     * decides, and none deciding accepts. A track rule whose condition holds
     * tracks the client's address and evaluation goes on.
     */
    public enum Action {
        ACCEPT("accept"), REJECT("reject"), TRACK("track-sc");

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
