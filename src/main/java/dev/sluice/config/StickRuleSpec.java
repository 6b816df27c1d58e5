package dev.sluice.config;

import dev.sluice.http.StickRule;
import java.util.Objects;

/**
 * One {@code stick on}, {@code stick match} or {@code stick store-request}
 * line of a backend or listen section.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param kind what it does with the key
 * @param source where the key comes from
 * @param name the header, cookie or parameter of the pattern; null for {@code src}
 * @param pattern the pattern as written, for messages
 * @param table the section whose stick table it uses (its own section's when it names none)
 * @param condition its {@code if}/{@code unless} condition, or null
 * @param line the line it is on
 */
public record StickRuleSpec(StickRule.Kind kind, StickRule.Source source, String name, String pattern, String table,
        ConditionSpec condition, int line) {
    public StickRuleSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
    }

    /** The keyword, as written: {@code stick on}, {@code stick match} or {@code stick store-request}. */
    public String keyword() {
        return switch (kind) {
            case ON -> "stick on";
            case MATCH -> "stick match";
            case STORE -> "stick store-request";
        };
    }
}
