package dev.sluice.config;

import dev.sluice.http.PersistCookie;
import java.util.ArrayList;
import java.util.List;

/**
 * Cookie persistence: the backend's {@code cookie NAME [rewrite|insert|prefix]
 * [indirect] [nocache] [postonly] [preserve] [httponly] [secure] [domain D]...
 * [attr A]...} and the server option {@code cookie VALUE}, with HAProxy 2.6's
 * meanings and refusals. {@code maxidle}, {@code maxlife} and {@code dynamic}
 * are refused with the reason.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class CookieKeywords {
    static final String USAGE = "<name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve]"
            + " [httponly] [secure] [domain <domain>]... [attr <value>]...";

    /** A {@code cookie} line as read; compiled with the backend's server values once the section is known. */
    record CookieLine(String name, PersistCookie.Options options, int line) {
    }

    private CookieKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .add(new Keyword<>("cookie", USAGE, 1, Integer.MAX_VALUE, Keyword.Repeat.LAST_WINS,
                        Support.IMPLEMENTED, CookieKeywords::cookie));
        keywords.server().single("cookie", "<value>", (s, use) -> {
            try {
                PersistCookie.checkValue(use.arg(0));
            } catch (IllegalArgumentException e) {
                throw use.error(e.getMessage());
            }
            s.balancing.cookie = use.arg(0);
        });
    }

    private static void cookie(ProxySection section, Invocation use) throws ConfigException {
        String name = use.arg(0);
        try {
            PersistCookie.checkName(name);
        } catch (IllegalArgumentException e) {
            throw use.error(e.getMessage());
        }
        PersistCookie.Mode mode = null;
        boolean indirect = false;
        boolean noCache = false;
        boolean postOnly = false;
        boolean preserve = false;
        boolean httpOnly = false;
        boolean secure = false;
        List<String> domains = new ArrayList<>();
        List<String> attributes = new ArrayList<>();
        List<String> args = use.args();
        for (int i = 1; i < args.size(); i++) {
            String word = args.get(i);
            switch (word) {
                case "rewrite", "insert", "prefix" -> {
                    PersistCookie.Mode m = PersistCookie.Mode.valueOf(word.toUpperCase(java.util.Locale.ROOT));
                    if (mode != null && mode != m) {
                        throw use.error("cookie modes 'rewrite', 'insert' and 'prefix' exclude one another; give one");
                    }
                    mode = m;
                }
                case "indirect" -> indirect = true;
                case "nocache" -> noCache = true;
                case "postonly" -> postOnly = true;
                case "preserve" -> preserve = true;
                case "httponly" -> httpOnly = true;
                case "secure" -> secure = true;
                case "domain", "attr" -> {
                    if (i + 1 >= args.size()) {
                        throw use.error("'" + word + "' needs a value: cookie ... " + word + " <value>");
                    }
                    String value = args.get(++i);
                    try {
                        PersistCookie.checkAttribute(word, value);
                    } catch (IllegalArgumentException e) {
                        throw use.error(e.getMessage());
                    }
                    (word.equals("domain") ? domains : attributes).add(value);
                }
                case "maxidle", "maxlife" -> throw use.error("'" + word + "' is not supported by Sluice: its cookies"
                        + " carry no date; end persistence with the server's own cookie and 'preserve', or drop the"
                        + " option");
                case "dynamic" -> throw use.error("'dynamic' is not supported by Sluice: give each server its value"
                        + " with 'server ... cookie VALUE'");
                default -> throw use.error("'" + word + "' is not a cookie option (rewrite, insert, prefix, indirect,"
                        + " nocache, postonly, preserve, httponly, secure, domain, attr)");
            }
        }
        if (mode == PersistCookie.Mode.REWRITE && indirect) {
            throw use.error("cookie modes 'rewrite' and 'indirect' exclude one another, as in HAProxy: the server"
                    + " sets a rewritten cookie on every response");
        }
        if (preserve && mode != PersistCookie.Mode.INSERT && !indirect) {
            throw use.error("cookie 'preserve' needs 'insert' or 'indirect'");
        }
        section.http.cookie = new CookieLine(name, new PersistCookie.Options(
                mode == null ? PersistCookie.Mode.PASSIVE : mode, indirect, noCache, postOnly, preserve, httpOnly,
                secure, domains, attributes), use.line());
    }
}
