package dev.sluice.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which proxy sections take a keyword, as the columns of HAProxy's keyword
 * matrix say (defaults, frontend, listen, backend). A {@code listen} section is
 * a frontend and a backend in one, so it takes every keyword either takes.
 * Immutable.
 */
enum Placement {
    /** defaults, frontend, listen and backend. */
    EVERY_PROXY(ProxySection.Kind.DEFAULTS, ProxySection.Kind.FRONTEND, ProxySection.Kind.LISTEN,
            ProxySection.Kind.BACKEND),
    /** defaults, frontend and listen: what the client side of a proxy uses. */
    FRONTEND_AND_DEFAULTS(ProxySection.Kind.DEFAULTS, ProxySection.Kind.FRONTEND, ProxySection.Kind.LISTEN),
    /** defaults, listen and backend: what the server side of a proxy uses. */
    BACKEND_AND_DEFAULTS(ProxySection.Kind.DEFAULTS, ProxySection.Kind.LISTEN, ProxySection.Kind.BACKEND),
    /** frontend, listen and backend, not defaults (rules, ACLs). */
    FRONTEND_AND_BACKEND(ProxySection.Kind.FRONTEND, ProxySection.Kind.LISTEN, ProxySection.Kind.BACKEND),
    /** frontend and listen only ({@code bind}, {@code use_backend}). */
    FRONTEND(ProxySection.Kind.FRONTEND, ProxySection.Kind.LISTEN),
    /** listen and backend only ({@code server}). */
    BACKEND(ProxySection.Kind.LISTEN, ProxySection.Kind.BACKEND);

    private final Set<ProxySection.Kind> kinds;

    Placement(ProxySection.Kind first, ProxySection.Kind... rest) {
        this.kinds = EnumSet.of(first, rest);
    }

    boolean includes(ProxySection.Kind kind) {
        return kinds.contains(kind);
    }
}
