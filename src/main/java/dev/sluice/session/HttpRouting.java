package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.HttpRules;

/**
 * Chooses the backend for a parsed request head ({@code use_backend} rules,
 * then {@code default_backend}). Must not allocate: it runs once per request.
 */
@FunctionalInterface
public interface HttpRouting {
    /** The backend for this request, or {@code null} when none applies (the client gets 503). */
    Backend route(HttpRequestView request);

    /** Every request goes to {@code backend}. */
    static HttpRouting to(Backend backend) {
        return request -> backend;
    }

    /** The frontend's compiled rules choose; {@code byIndex[i]} is the backend of {@code rules.backendNames().get(i)}. */
    static HttpRouting of(HttpRules rules, Backend[] byIndex) {
        return request -> {
            int i = rules.selectBackend(request);
            return i == HttpRules.NO_BACKEND ? null : byIndex[i];
        };
    }
}
