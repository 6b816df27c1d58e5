package dev.sluice.config;

import java.util.Objects;

/**
 * One {@code use_backend} line of a frontend in mode http.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param backend the name of the backend that receives a request the condition holds for
 * @param condition null when the line has none: then every request goes there
 * @param line the line of the rule
 */
public record UseBackend(String backend, ConditionSpec condition, int line) {
    public UseBackend {
        Objects.requireNonNull(backend, "backend");
    }
}
