package dev.sluice.config;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directives of the mode http keywords: {@code acl}, {@code use_backend},
 * {@code http-request ...}, {@code option forwardfor}, {@code http-reuse}, {@code max-body-size}, and
 * the condition syntax they share. Each rule is compiled as it is read, so that
 * whatever the evaluators refuse is reported with its line.
 *
 * <p>Stateless; safe from any thread.
 */
final class HttpKeywords {
    /** ACL names as HAProxy allows them. */
    private static final Pattern ACL_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    /** {@code fetch}, {@code fetch_suffix}, each perhaps followed by {@code (argument)}. */
    private static final Pattern CRITERION = Pattern.compile("([a-z.]+?)(?:_([a-z]+))?(?:\\((.*)\\))?");
    /** A file for {@code http-request return} larger than this cannot fit any sane buffer. */
    static final long MAX_RETURN_FILE_BYTES = 16 << 20;
    private static final int DEFAULT_DENY_STATUS = 403;

    /**
     * HAProxy's predefined ACLs that Sluice's fetches express exactly; a
     * condition may name them without declaring them. The others (TRUE, HTTP_1.1,
     * HTTP_CONTENT, ...) are refused as unknown ACL names.
     */
    static final Map<String, AclSpec> PREDEFINED = predefined();

    private HttpKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.FRONTEND_AND_BACKEND)
                .repeatable("acl", "<name> <fetch> [flags] [values]", 2, HttpKeywords::acl)
                .repeatable("http-request set-header", "<name> <value> [if|unless <condition>]", 2,
                        HttpKeywords::setHeader)
                .repeatable("http-request add-header", "<name> <value> [if|unless <condition>]", 2,
                        HttpKeywords::addHeader)
                .repeatable("http-request del-header", "<name> [if|unless <condition>]", 1, HttpKeywords::delHeader)
                .repeatable("http-request return", "[status <code>] [content-type <type>] [string <text> | file"
                        + " <path>] [hdr <name> <value>]... [if|unless <condition>]", 0, HttpKeywords::returnResponse)
                .repeatable("http-request deny", "[deny_status <code>] [if|unless <condition>]", 0, HttpKeywords::deny);
        keywords.proxies(Placement.FRONTEND).repeatable("use_backend", "<backend name> [if|unless <condition>]", 1,
                HttpKeywords::useBackend);
        keywords.proxies(Placement.EVERY_PROXY)
                .variadic("option forwardfor", "", HttpKeywords::forwardFor)
                .flag("option httpclose", (p, use) -> p.http.httpClose = true);
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS).single("http-reuse", "never|safe", HttpKeywords::httpReuse);
        keywords.proxies(Placement.EVERY_PROXY)
                .single("max-body-size", "<size>", HttpKeywords::maxBodySize)
                // HTTP keep-alive is how Sluice's HTTP mode works; in TCP mode, as in HAProxy, it does nothing.
                .noEffect("option http-keep-alive");
    }

    // ---- acl ----

    static void acl(ProxySection section, Invocation use) throws ConfigException {
        String name = use.arg(0);
        if (!ACL_NAME.matcher(name).matches()) {
            throw use.error("'" + name + "' is not a valid ACL name (letters, digits, '_', '.', ':' and '-' only)");
        }
        section.http.acls.add(aclSpec(use, name, use.args().subList(1, use.args().size())));
    }

    /** Reads {@code CRITERION [flags] [values]} and compiles it once, to report any refusal at this line. */
    private static AclSpec aclSpec(Invocation use, String name, List<String> words) throws ConfigException {
        if (words.isEmpty()) {
            throw use.error("ACL '" + name + "' needs a fetch, such as path_beg or hdr(host)");
        }
        Matcher m = CRITERION.matcher(words.get(0));
        Fetch fetch = m.matches() ? fetch(m.group(1)) : null;
        String suffix = m.matches() ? m.group(2) : null;
        if (fetch == null || (suffix != null && !textSuffix(suffix))) {
            throw use.error("fetch '" + words.get(0) + "' is not supported by Sluice (supported: path, hdr(NAME),"
                    + " each also with _beg, _end or _sub; method; src)");
        }
        if (suffix != null && (fetch == Fetch.SRC || fetch == Fetch.METHOD)) {
            throw use.error("fetch '" + words.get(0) + "' is not supported by Sluice (" + fetch.keyword()
                    + " takes no suffix)");
        }
        String header = m.group(3);
        if (header != null && header.contains(",")) {
            throw use.error("'" + words.get(0) + "': an occurrence number is not supported by Sluice; write hdr(NAME)");
        }
        AclMatch match = suffix == null ? fetch.defaultMatch() : AclMatch.valueOf(suffix.toUpperCase(Locale.ROOT));
        boolean ignoreCase = false;
        boolean matchGiven = false;
        int i = 1;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String flag = words.get(i++);
            if (flag.equals("--")) {
                break;
            }
            switch (flag) {
                case "-i" -> ignoreCase = true;
                case "-m" -> {
                    if (i == words.size()) {
                        throw use.error("-m needs a match method: str, beg, end, sub or found");
                    }
                    if (suffix != null || matchGiven) {
                        throw use.error("-m cannot change how '" + words.get(0) + "' matches; write "
                                + fetch.keyword() + (header == null ? "" : "(" + header + ")") + " -m ...");
                    }
                    match = matchMethod(use, words.get(i++));
                    matchGiven = true;
                }
                case "-f", "-n", "-M", "-u" -> throw use.error("ACL flag '" + flag + "' is not supported by Sluice");
                default -> throw use.error("unknown ACL flag '" + flag + "' (write -- before a value that starts"
                        + " with '-')");
            }
        }
        AclSpec spec = new AclSpec(name, fetch, header, match, ignoreCase, words.subList(i, words.size()), use.line());
        try {
            RuleCompiler.acl(spec);
        } catch (IllegalArgumentException refused) {
            throw use.error(words.get(0) + ": " + refused.getMessage());
        }
        return spec;
    }

    private static Map<String, AclSpec> predefined() {
        Map<String, AclSpec> acls = new LinkedHashMap<>();
        acls.put("LOCALHOST", new AclSpec("LOCALHOST", Fetch.SRC, null, AclMatch.IP, false,
                List.of("127.0.0.1/8", "::1"), 0));
        acls.put("METH_GET", new AclSpec("METH_GET", Fetch.METHOD, null, AclMatch.STR, false,
                List.of("GET", "HEAD"), 0));
        for (String method : List.of("CONNECT", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "TRACE")) {
            acls.put("METH_" + method, new AclSpec("METH_" + method, Fetch.METHOD, null, AclMatch.STR, false,
                    List.of(method), 0));
        }
        return Map.copyOf(acls);
    }

    private static Fetch fetch(String word) {
        for (Fetch fetch : Fetch.values()) {
            if (fetch.keyword().equals(word)) {
                return fetch;
            }
        }
        return null;
    }

    private static boolean textSuffix(String suffix) {
        return suffix.equals("beg") || suffix.equals("end") || suffix.equals("sub");
    }

    private static AclMatch matchMethod(Invocation use, String word) throws ConfigException {
        for (AclMatch match : AclMatch.values()) {
            if (match.keyword().equals(word)) {
                return match;
            }
        }
        throw use.error("-m " + word + " is not supported by Sluice (supported: str, beg, end, sub, found, ip)");
    }

    // ---- conditions ----

    /** The index of the first {@code if} or {@code unless} from {@code from} on, or the argument count. */
    private static int conditionStart(Invocation use, int from) {
        for (int i = from; i < use.args().size(); i++) {
            if (use.arg(i).equals("if") || use.arg(i).equals("unless")) {
                return i;
            }
        }
        return use.args().size();
    }

    /** The condition starting at {@code start} ({@code if} or {@code unless}), or null when there is none. */
    static ConditionSpec condition(ProxySection section, Invocation use, int start) throws ConfigException {
        List<String> words = use.args();
        if (start == words.size()) {
            return null;
        }
        boolean unless = words.get(start).equals("unless");
        List<List<ConditionSpec.Term>> alternatives = new ArrayList<>();
        List<ConditionSpec.Term> current = new ArrayList<>();
        int i = start + 1;
        while (i < words.size()) {
            String word = words.get(i);
            if (word.equals("||") || word.equals("or")) {
                if (current.isEmpty()) {
                    throw use.error("'" + word + "' needs a term on each side");
                }
                alternatives.add(current);
                current = new ArrayList<>();
                i++;
                continue;
            }
            boolean negated = false;
            while (word.startsWith("!")) {
                negated = !negated;
                word = word.substring(1);
                if (word.isEmpty()) {
                    if (++i == words.size()) {
                        throw use.error("'!' must be followed by an ACL");
                    }
                    word = words.get(i);
                }
            }
            if (word.equals("{")) {
                int close = words.subList(i, words.size()).indexOf("}");
                if (close < 0) {
                    throw use.error("missing '}' after '{'");
                }
                List<String> inside = words.subList(i + 1, i + close);
                String text = "{ " + String.join(" ", inside) + " }";
                if (inside.isEmpty()) {
                    throw use.error("an anonymous ACL needs a fetch: '{ }' is empty");
                }
                current.add(new ConditionSpec.Term(negated, text, List.of(aclSpec(use, text, inside))));
                i += close + 1;
                continue;
            }
            if (word.equals("}") || word.equals("if") || word.equals("unless")) {
                throw use.error("unexpected '" + word + "' in the condition");
            }
            List<AclSpec> named = section.http.aclsNamed(word);
            if (named.isEmpty() && PREDEFINED.containsKey(word)) {
                named = List.of(PREDEFINED.get(word));
            }
            if (named.isEmpty()) {
                throw use.error("no ACL named '" + word + "' above this line in " + section.describe());
            }
            current.add(new ConditionSpec.Term(negated, word, named));
            i++;
        }
        if (current.isEmpty()) {
            throw use.error(alternatives.isEmpty() ? "'" + words.get(start) + "' needs a condition"
                    : "'||' needs a term on each side");
        }
        alternatives.add(current);
        return new ConditionSpec(unless, alternatives);
    }

    // ---- use_backend ----

    static void useBackend(ProxySection section, Invocation use) throws ConfigException {
        if (use.args().size() > 1 && !use.arg(1).equals("if") && !use.arg(1).equals("unless")) {
            throw use.error("expected if or unless after the backend name, got '" + use.arg(1) + "'");
        }
        String backend = literal(use, use.arg(0));
        section.http.useBackends.add(new UseBackend(backend, condition(section, use, 1), use.line()));
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
        int end = conditionStart(use, 0);
        if (end != 2) {
            throw use.error("expected a header name and one value (quote a value that holds spaces), then"
                    + " if or unless, got " + end + " words before the condition");
        }
        refuseFramingField(use, use.arg(0));
        HttpRequestRule rule = new HttpRequestRule(action, use.arg(0), literal(use, use.arg(1)), null,
                condition(section, use, 2), use.line());
        add(section, use, rule);
    }

    static void delHeader(ProxySection section, Invocation use) throws ConfigException {
        int end = conditionStart(use, 0);
        if (end > 1 && use.arg(1).equals("-m")) {
            throw use.error("-m is not supported by Sluice; the name is matched whole, ignoring case");
        }
        if (end != 1) {
            throw use.error("expected one header name, then if or unless, got " + end + " words before the"
                    + " condition");
        }
        refuseFramingField(use, use.arg(0));
        add(section, use, new HttpRequestRule(HttpRequestRule.Action.DEL_HEADER, use.arg(0), null, null,
                condition(section, use, 1), use.line()));
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

    static void returnResponse(ProxySection section, Invocation use) throws ConfigException {
        int end = conditionStart(use, 0);
        int status = 200;
        String contentType = null;
        byte[] body = null;
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        boolean statusGiven = false;
        int i = 0;
        while (i < end) {
            String option = use.arg(i);
            int values = option.equals("hdr") ? 2 : 1;
            if (i + values >= end) {
                throw use.error("'" + option + "' needs " + (values == 2 ? "a name and a value" : "a value"));
            }
            switch (option) {
                case "status" -> {
                    checkOnce(use, statusGiven, option);
                    statusGiven = true;
                    status = use.number(use.arg(i + 1), 200, 599);
                }
                case "content-type" -> {
                    checkOnce(use, contentType != null, option);
                    contentType = use.arg(i + 1);
                }
                case "string" -> {
                    checkOnce(use, body != null, "string or file");
                    body = use.arg(i + 1).getBytes(StandardCharsets.UTF_8);
                }
                case "file" -> {
                    checkOnce(use, body != null, "string or file");
                    body = readFile(use, use.arg(i + 1));
                }
                case "hdr" -> fields.add(Map.entry(use.arg(i + 1), literal(use, use.arg(i + 2))));
                case "lf-string", "lf-file" -> throw use.error("'" + option + "': log-format expressions are not"
                        + " supported by Sluice");
                default -> throw use.error("'" + option + "' is not supported by Sluice (supported: status,"
                        + " content-type, string, file, hdr)");
            }
            i += 1 + values;
        }
        HttpRequestRule.Response response = new HttpRequestRule.Response(status, contentType, body, fields);
        add(section, use, new HttpRequestRule(HttpRequestRule.Action.RETURN, null, null, response,
                condition(section, use, end), use.line()));
    }

    static void deny(ProxySection section, Invocation use) throws ConfigException {
        int end = conditionStart(use, 0);
        int status = DEFAULT_DENY_STATUS;
        if (end > 0) {
            if (!use.arg(0).equals("deny_status")) {
                throw use.error("'" + use.arg(0) + "' is not supported by Sluice (supported: deny_status)");
            }
            if (end != 2) {
                throw use.error("expected deny_status and one status code, then if or unless");
            }
            status = use.number(use.arg(1), 200, 599);
        }
        HttpRequestRule.Response response = new HttpRequestRule.Response(status, null, null, List.of());
        add(section, use, new HttpRequestRule(HttpRequestRule.Action.DENY, null, null, response,
                condition(section, use, end), use.line()));
    }

    private static void checkOnce(Invocation use, boolean given, String option) throws ConfigException {
        if (given) {
            throw use.error("'" + option + "' is given twice");
        }
    }

    /** Compiles the rule once, so that a header name or a response the evaluators refuse is reported here. */
    private static void add(ProxySection section, Invocation use, HttpRequestRule rule) throws ConfigException {
        try {
            RuleCompiler.check(rule);
        } catch (IllegalArgumentException refused) {
            throw use.error(refused.getMessage());
        }
        section.http.httpRequestRules.add(rule);
    }

    private static byte[] readFile(Invocation use, String name) throws ConfigException {
        try {
            Path path = Path.of(name);
            if (Files.size(path) > MAX_RETURN_FILE_BYTES) {
                throw use.error("file '" + name + "' is larger than any buffer can hold");
            }
            return Files.readAllBytes(path);
        } catch (IOException | InvalidPathException e) {
            throw use.error("cannot read file '" + name + "': " + e.getMessage());
        }
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

    static void forwardFor(ProxySection section, Invocation use) throws ConfigException {
        if (!use.args().isEmpty()) {
            throw use.error("'" + use.arg(0) + "' is not supported by Sluice");
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
