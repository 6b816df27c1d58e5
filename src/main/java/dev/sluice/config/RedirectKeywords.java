package dev.sluice.config;

import dev.sluice.http.RedirectRule;

/**
 * {@code redirect} and {@code http-request redirect}: one kind
 * ({@code location}, {@code prefix} or {@code scheme}) with its value, and the
 * options, in any order as HAProxy reads them, then an optional condition.
 * A {@code redirect} line runs after the section's {@code http-request} rules
 * (whatever its place in the file), an {@code http-request redirect} in their
 * order. A {@code redirect} value is taken as written; an
 * {@code http-request redirect} value is a log-format string in HAProxy, of
 * which Sluice takes the literal ones ({@code %%} for a percent sign).
 *
 * <p>Stateless; safe from any thread.
 */
final class RedirectKeywords {
    static final String USAGE = "location|prefix|scheme <value> [code 301|302|303|307|308] [drop-query]"
            + " [keep-query] [append-slash] [set-cookie NAME[=VALUE] | clear-cookie NAME[=]] [if|unless <condition>]";

    private RedirectKeywords() {
    }

    static void parse(ProxySection section, Invocation use, boolean redirectKeyword) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        RedirectRule.Kind kind = null;
        String value = null;
        int code = 302;
        boolean dropQuery = false;
        boolean keepQuery = false;
        boolean appendSlash = false;
        String setCookie = null;
        String clearCookie = null;
        for (int i = 0; i < end; i++) {
            String option = use.arg(i);
            boolean takesValue = switch (option) {
                case "location", "prefix", "scheme", "code", "set-cookie", "clear-cookie", "set-cookie-fmt" -> true;
                default -> false;
            };
            if (takesValue && i + 1 >= end) {
                throw use.error("'" + option + "' needs a value");
            }
            switch (option) {
                case "location", "prefix", "scheme" -> {
                    if (kind != null) {
                        throw use.error("a redirect has one of location, prefix or scheme; '" + option
                                + "' comes after '" + kind.name().toLowerCase(java.util.Locale.ROOT) + "'");
                    }
                    kind = RedirectRule.Kind.valueOf(option.toUpperCase(java.util.Locale.ROOT));
                    String raw = use.arg(++i);
                    value = redirectKeyword ? raw : HttpKeywords.literal(use, raw);
                }
                case "code" -> {
                    String text = use.arg(++i);
                    code = use.number(text, 301, 308);
                    if (code > 303 && code < 307) {
                        throw use.error("'code " + text + "': a redirect's code is 301, 302, 303, 307 or 308");
                    }
                }
                case "drop-query" -> dropQuery = true;
                case "keep-query" -> keepQuery = true;
                case "append-slash" -> appendSlash = true;
                // The location of a literal rule is never empty, so there is nothing to skip.
                case "ignore-empty" -> {
                }
                case "set-cookie" -> {
                    setCookie = use.arg(++i);
                    clearCookie = null;
                }
                case "clear-cookie" -> {
                    clearCookie = use.arg(++i);
                    setCookie = null;
                }
                case "set-cookie-fmt" -> throw use.error("'set-cookie-fmt': log-format expressions are not supported"
                        + " by Sluice (use set-cookie NAME=VALUE)");
                default -> throw use.error("'" + option + "' is not supported by Sluice (supported: location, prefix,"
                        + " scheme, code, drop-query, keep-query, append-slash, ignore-empty, set-cookie,"
                        + " clear-cookie)");
            }
        }
        if (kind == null) {
            throw use.error("a redirect needs location, prefix or scheme and its value");
        }
        RedirectRule.Options options = new RedirectRule.Options(dropQuery, keepQuery, appendSlash, setCookie,
                clearCookie);
        HttpRequestRule.Redirect redirect = new HttpRequestRule.Redirect(kind, value, code, options,
                redirectKeyword);
        HttpKeywords.add(section, use, new HttpRequestRule(HttpRequestRule.Action.REDIRECT, null, null, null,
                RoutingKeywords.condition(section, use, end), use.line(), redirect));
    }
}
