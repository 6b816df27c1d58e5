package dev.sluice.config;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mode http keywords: {@code http-request ...}, {@code option forwardfor},
 * {@code option httpclose}, {@code http-reuse} and {@code max-body-size}. Each
 * rule is compiled as it is read, so that whatever the evaluators refuse is
 * reported with its line; conditions come from {@link RoutingKeywords}. The
 * answers Sluice gives itself ({@code http-request return} and {@code deny},
 * {@code errorfile}, {@code errorfiles}) are read by {@link ReplyKeywords},
 * redirects by {@link RedirectKeywords}; all are registered here.
 *
 * <p>Stateless; safe from any thread.
 */
final class HttpKeywords {

    private HttpKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.FRONTEND_AND_BACKEND)
                .repeatable("http-request set-header", "<name> <value> [if|unless <condition>]", 2,
                        HttpKeywords::setHeader)
                .repeatable("http-request add-header", "<name> <value> [if|unless <condition>]", 2,
                        HttpKeywords::addHeader)
                .repeatable("http-request del-header", "<name> [if|unless <condition>]", 1, HttpKeywords::delHeader)
                .repeatable("http-request set-method", "<method> [if|unless <condition>]", 1,
                        (p, use) -> startLineRule(p, use, HttpRequestRule.Action.SET_METHOD))
                .repeatable("http-request set-uri", "<uri> [if|unless <condition>]", 1,
                        (p, use) -> startLineRule(p, use, HttpRequestRule.Action.SET_URI))
                .repeatable("http-request set-path", "<path> [if|unless <condition>]", 1,
                        (p, use) -> startLineRule(p, use, HttpRequestRule.Action.SET_PATH))
                .repeatable("http-request set-query", "<query> [if|unless <condition>]", 1,
                        (p, use) -> startLineRule(p, use, HttpRequestRule.Action.SET_QUERY))
                .repeatable("http-request replace-header", "<name> <regex> <replacement> [if|unless <condition>]", 3,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_HEADER, false))
                .repeatable("http-request replace-value", "<name> <regex> <replacement> [if|unless <condition>]", 3,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_VALUE, false))
                .repeatable("http-request replace-path", "<regex> <replacement> [if|unless <condition>]", 2,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_PATH, false))
                .repeatable("http-request replace-pathq", "<regex> <replacement> [if|unless <condition>]", 2,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_PATHQ, false))
                .repeatable("http-request replace-uri", "<regex> <replacement> [if|unless <condition>]", 2,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_URI, false))
                .repeatable("http-request set-var", "(<var-name>) <expr> [if|unless <condition>]", 2,
                        (p, use) -> varRule(p, use, HttpRequestRule.Action.SET_VAR))
                .repeatable("http-request unset-var", "(<var-name>) [if|unless <condition>]", 1,
                        (p, use) -> varRule(p, use, HttpRequestRule.Action.UNSET_VAR))
                .repeatable("http-request return", "[status <code>] [content-type <type>] [string <text> | file"
                        + " <path>] [hdr <name> <value>]... [if|unless <condition>]", 0, ReplyKeywords::returnResponse)
                .repeatable("http-request deny", "[deny_status <code>] [if|unless <condition>]", 0, ReplyKeywords::deny)
                .repeatable("http-request redirect", RedirectKeywords.USAGE, 2,
                        (p, use) -> RedirectKeywords.parse(p, use, false))
                .repeatable("redirect", RedirectKeywords.USAGE, 2, (p, use) -> RedirectKeywords.parse(p, use, true))
                .repeatable("http-response set-header", "<name> <value>", 2,
                        (section, use) -> responseHeaderRule(section, use, HttpRequestRule.Action.SET_HEADER))
                .repeatable("http-response add-header", "<name> <value>", 2,
                        (section, use) -> responseHeaderRule(section, use, HttpRequestRule.Action.ADD_HEADER))
                .repeatable("http-response del-header", "<name>", 1,
                        (section, use) -> responseHeaderRule(section, use, HttpRequestRule.Action.DEL_HEADER))
                .repeatable("http-response replace-header", "<name> <regex> <replacement>", 3,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_HEADER, true))
                .repeatable("http-response replace-value", "<name> <regex> <replacement>", 3,
                        (p, use) -> replaceRule(p, use, HttpRequestRule.Action.REPLACE_VALUE, true));
        keywords.proxies(Placement.EVERY_PROXY)
                .add(new Keyword<>("option forwardfor", "", 0, Integer.MAX_VALUE, Keyword.Repeat.LAST_WINS,
                        Support.IMPLEMENTED, HttpKeywords::forwardFor, (p, use) -> p.http.forwardFor = false));
        keywords.proxies(Placement.EVERY_PROXY)
                // The three connection modes exclude each other in a section: the last one written wins.
                .option("option httpclose", (p, use) -> {
                    p.http.httpClose = true;
                    p.http.serverClose = false;
                }, (p, use) -> p.http.httpClose = false)
                .option("option http-server-close", (p, use) -> {
                    p.http.serverClose = true;
                    p.http.httpClose = false;
                }, (p, use) -> p.http.serverClose = false)
                .option("option http-keep-alive", (p, use) -> {
                    p.http.serverClose = false;
                    p.http.httpClose = false;
                }, (p, use) -> {
                });
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS).single("http-reuse", "never|safe", HttpKeywords::httpReuse);
        keywords.proxies(Placement.EVERY_PROXY)
                .single("max-body-size", "<size>", HttpKeywords::maxBodySize)
                .repeatable("errorfile", "<code> <file>", 2,
                        (section, use) -> section.http.errorEntries.add(ReplyKeywords.errorFile(use)))
                .repeatable("errorfiles", "<name> [<code> ...]", 1, ReplyKeywords::errorFiles);
        keywords.httpErrors().repeatable("errorfile", "<code> <file>", 2, (section, use) -> {
            ErrorFile page = ReplyKeywords.errorFile(use);
            section.files.put(page.code(), page);
        });
    }

    // ---- http-request ----

    static void setHeader(ProxySection section, Invocation use) throws ConfigException {
        headerRule(section, use, HttpRequestRule.Action.SET_HEADER);
    }

    static void addHeader(ProxySection section, Invocation use) throws ConfigException {
        headerRule(section, use, HttpRequestRule.Action.ADD_HEADER);
    }

    private static void headerRule(ProxySection section, Invocation use, HttpRequestRule.Action action)
            throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        if (end != 2) {
            throw use.error("expected a header name and one value (quote a value that holds spaces), then"
                    + " if or unless, got " + end + " words before the condition");
        }
        refuseFramingField(use, use.arg(0));
        // The value is a log-format string: its %[...] expressions are compiled, and refused, with the rule.
        HttpRequestRule rule = new HttpRequestRule(action, use.arg(0), use.arg(1), null,
                RoutingKeywords.condition(section, use, 2), use.line());
        add(section, use, rule);
    }

    /**
     * {@code http-request set-var(NAME) EXPR [if|unless COND]} and
     * {@code unset-var(NAME) [if|unless COND]}: the parser hands the name in
     * parentheses over as the first argument ({@link #splitVariable}).
     */
    static void varRule(ProxySection section, Invocation use, HttpRequestRule.Action action) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 1);
        int wanted = action == HttpRequestRule.Action.SET_VAR ? 2 : 1;
        if (end != wanted) {
            throw use.error(wanted == 2 ? "expected one sample expression after set-var(NAME), then if or unless,"
                    + " got " + (end - 1) + " words" : "expected nothing after unset-var(NAME) but if or unless");
        }
        // The name is checked with the rule's compilation (VarRule), which names this line.
        add(section, use, new HttpRequestRule(action, use.arg(0), wanted == 2 ? use.arg(1) : null, null,
                RoutingKeywords.condition(section, use, wanted), use.line()));
    }

    /**
     * The words of a statement, with {@code set-var(NAME)} or
     * {@code unset-var(NAME)} after {@code http-request} (or {@code http-response}) split into the
     * keyword and its first argument, so that the keyword table finds
     * {@code http-request set-var}.
     */
    static java.util.List<String> splitVariable(java.util.List<String> words) {
        if (words.size() < 2 || !words.get(0).equals("http-request") && !words.get(0).equals("http-response")) {
            return words;
        }
        String w = words.get(1);
        int open = w.indexOf('(');
        if (open < 0 || !w.endsWith(")") || !(w.startsWith("set-var(") || w.startsWith("unset-var("))) {
            return words;
        }
        java.util.List<String> split = new java.util.ArrayList<>(words.size() + 1);
        split.add(words.get(0));
        split.add(w.substring(0, open));
        split.add(w.substring(open + 1, w.length() - 1));
        split.addAll(words.subList(2, words.size()));
        return split;
    }

    /**
     * {@code http-request set-method|set-uri|set-path|set-query VALUE}: one
     * literal value (a log-format expression is refused by {@link #literal}),
     * checked against what the request line can hold.
     */
    static void startLineRule(ProxySection section, Invocation use, HttpRequestRule.Action action)
            throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        if (end != 1) {
            throw use.error("expected one value (quote a value that holds spaces), then if or unless, got " + end
                    + " words before the condition");
        }
        add(section, use, new HttpRequestRule(action, null, literal(use, use.arg(0)), null,
                RoutingKeywords.condition(section, use, 1), use.line()));
    }

    /**
     * {@code http-response set-header|add-header NAME VALUE} and
     * {@code http-response del-header NAME}: run on every response the
     * section's servers send, the backend's rules before the frontend's. A
     * condition would read the response (its status, its fields), which
     * Sluice's fetches cannot yet: it is refused rather than misread.
     */
    static void responseHeaderRule(ProxySection section, Invocation use, HttpRequestRule.Action action)
            throws ConfigException {
        int words = action == HttpRequestRule.Action.DEL_HEADER ? 1 : 2;
        int end = RoutingKeywords.conditionStart(use, 0);
        refuseResponseCondition(use, end);
        if (end != words) {
            throw use.error(words == 1 ? "expected one header name, got " + end + " words"
                    : "expected a header name and one value (quote a value that holds spaces), got " + end + " words");
        }
        refuseFramingField(use, use.arg(0));
        HttpRequestRule rule = new HttpRequestRule(action, use.arg(0), words == 2 ? use.arg(1) : null,
                null, null, use.line());
        addResponse(section, use, rule);
    }

    private static void refuseResponseCondition(Invocation use, int end) throws ConfigException {
        if (end < use.args().size()) {
            throw use.error("a condition on an http-response rule is not supported by Sluice yet (its fetches read"
                    + " requests, not responses); the rule runs on every response without one");
        }
    }

    private static void addResponse(ProxySection section, Invocation use, HttpRequestRule rule)
            throws ConfigException {
        try {
            RuleCompiler.responseEdit(rule);
        } catch (IllegalArgumentException refused) {
            throw use.error(refused.getMessage());
        }
        section.http.httpResponseRules.add(rule);
    }

    /**
     * {@code http-request|http-response replace-header|replace-value NAME REGEX
     * REPLACEMENT} and {@code http-request replace-path|replace-pathq|replace-uri
     * REGEX REPLACEMENT}: the pattern and the template are compiled now, so that
     * a bad pattern or a reference to a group it lacks names this line. The
     * replacement is literal text with {@code \0..\9}; a log-format
     * expression is refused by {@link #literal}.
     */
    static void replaceRule(ProxySection section, Invocation use, HttpRequestRule.Action action, boolean response)
            throws ConfigException {
        boolean named = action == HttpRequestRule.Action.REPLACE_HEADER
                || action == HttpRequestRule.Action.REPLACE_VALUE;
        int words = named ? 3 : 2;
        int end = RoutingKeywords.conditionStart(use, 0);
        if (response) {
            refuseResponseCondition(use, end);
        }
        if (end != words) {
            throw use.error("expected " + (named ? "a header name, " : "") + "a regular expression and a"
                    + " replacement (quote one that holds spaces)" + (response ? "" : ", then if or unless") + ", got "
                    + end + " words" + (response ? "" : " before the condition"));
        }
        String name = named ? use.arg(0) : null;
        if (named) {
            refuseFramingField(use, name);
        }
        int at = named ? 1 : 0;
        HttpRequestRule rule = new HttpRequestRule(action, name, literal(use, use.arg(at + 1)), null,
                response ? null : RoutingKeywords.condition(section, use, words), use.line(), null, 0, use.arg(at));
        if (response) {
            addResponse(section, use, rule);
        } else {
            add(section, use, rule);
        }
    }

    static void delHeader(ProxySection section, Invocation use) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        if (end > 1 && use.arg(1).equals("-m")) {
            throw use.error("-m is not supported by Sluice; the name is matched whole, ignoring case");
        }
        if (end != 1) {
            throw use.error("expected one header name, then if or unless, got " + end + " words before the"
                    + " condition");
        }
        refuseFramingField(use, use.arg(0));
        add(section, use, new HttpRequestRule(HttpRequestRule.Action.DEL_HEADER, use.arg(0), null, null,
                RoutingKeywords.condition(section, use, 1), use.line()));
    }

    /**
     * Fields that frame the message or route it: a rule that changes them would
     * make Sluice forward a body the server reads differently (request
     * smuggling by configuration), so no header rule may name them.
     */
    private static final Set<String> FRAMING_FIELDS = Set.of("content-length", "transfer-encoding", "host",
            "connection", "keep-alive", "proxy-connection", "te", "upgrade", "trailer");

    private static void refuseFramingField(Invocation use, String name) throws ConfigException {
        if (FRAMING_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
            throw use.error("'" + name + "' frames or routes the message; Sluice does not let a rule change it");
        }
    }

    /** Compiles the rule once, so that a header name or a response the evaluators refuse is reported here. */
    static void add(ProxySection section, Invocation use, HttpRequestRule rule) throws ConfigException {
        try {
            RuleCompiler.check(rule);
        } catch (IllegalArgumentException refused) {
            throw use.error(refused.getMessage());
        }
        section.http.httpRequestRules.add(rule);
    }

    /**
     * A value HAProxy reads as a log-format string. Sluice takes it as literal
     * text: {@code %%} is a percent sign, and any other {@code %} is refused,
     * because HAProxy would replace it with something Sluice cannot compute.
     */
    static String literal(Invocation use, String text) throws ConfigException {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '%') {
                    i++;
                } else {
                    throw use.error("'" + text + "': log-format expressions are not supported by Sluice"
                            + " (write %% for a percent sign)");
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    // ---- options ----

    /** {@code option forwardfor [except NETWORK] [header NAME] [if-none]}, the arguments in any order. */
    static void forwardFor(ProxySection section, Invocation use) throws ConfigException {
        String header = null;
        String except = null;
        boolean ifNone = false;
        List<String> args = use.args();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "except", "header" -> {
                    if (i + 1 >= args.size()) {
                        throw use.error("'" + args.get(i) + "' needs a value");
                    }
                    if (args.get(i).equals("except")) {
                        except = args.get(++i);
                    } else {
                        header = args.get(++i);
                    }
                }
                case "if-none" -> ifNone = true;
                default -> throw use.error("unknown argument '" + args.get(i) + "' (expected except NETWORK,"
                        + " header NAME or if-none)");
            }
        }
        try {
            section.http.forwardForSpec = dev.sluice.http.ForwardFor.of(header, except, ifNone);
        } catch (IllegalArgumentException bad) {
            throw use.error(bad.getMessage());
        }
        section.http.forwardFor = true;
    }

    /**
     * The largest {@code max-body-size}: a chunked body's length is summed from
     * chunk sizes of up to 2^62 each, so a limit up to 2^62 keeps that sum
     * (limit plus one chunk) from overflowing before it is compared.
     */
    static final long MAX_BODY_SIZE = 1L << 62;

    static void maxBodySize(ProxySection section, Invocation use) throws ConfigException {
        section.http.maxBodySize = use.size(use.arg(0), MAX_BODY_SIZE);
    }

    static void httpReuse(ProxySection section, Invocation use) throws ConfigException {
        for (HttpReuse reuse : HttpReuse.values()) {
            if (reuse.keyword().equals(use.arg(0))) {
                section.http.httpReuse = reuse;
                return;
            }
        }
        throw use.error(use.arg(0) + " is not supported by Sluice (supported: never, safe)");
    }
}
