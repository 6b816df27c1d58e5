package dev.sluice.config;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keywords that name tests and route by them, in either mode: {@code acl},
 * the condition syntax every rule shares ({@code if|unless ...}),
 * {@code use_backend} and {@code tcp-request}. Each ACL is compiled as it is
 * read, so that whatever the evaluators refuse is reported with its line.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class RoutingKeywords {
    /** ACL names as HAProxy allows them. */
    private static final Pattern ACL_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    /** {@code fetch}, {@code fetch_suffix}, each perhaps followed by {@code (argument)}. */
    private static final Pattern CRITERION = Pattern.compile("([a-z.]+?)(?:_([a-z]+))?(?:\\((.*)\\))?");
    /**
     * HAProxy's predefined ACLs that Sluice's fetches express exactly; a
     * condition may name them without declaring them. The others (TRUE, HTTP_1.1,
     * HTTP_CONTENT, ...) are refused as unknown ACL names.
     */
    static final Map<String, AclSpec> PREDEFINED = predefined();


    private RoutingKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.FRONTEND_AND_BACKEND)
                .repeatable("acl", "<name> <fetch> [flags] [values]", 2, RoutingKeywords::acl);
        keywords.proxies(Placement.FRONTEND).repeatable("use_backend", "<backend name> [if|unless <condition>]", 1,
                RoutingKeywords::useBackend);
        keywords.proxies(Placement.FRONTEND).add(new Keyword<>("tcp-request connection",
                "accept|reject|track-sc0|track-sc1|track-sc2 src [table <table>] [if|unless <condition>]", 1,
                Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE,
                Support.IMPLEMENTED, (p, use) -> tcpRequest(p, use, TcpRequestRule.Phase.CONNECTION)));
        keywords.proxies(Placement.FRONTEND_AND_BACKEND).add(new Keyword<>("tcp-request content",
                "accept|reject [if|unless <condition>]", 1, Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE,
                Support.IMPLEMENTED, (p, use) -> tcpRequest(p, use, TcpRequestRule.Phase.CONTENT)));
        // Content rules that read the client's bytes (req.ssl_sni) wait for them up to this delay.
        keywords.proxies(Placement.EVERY_PROXY).add(new Keyword<>("tcp-request inspect-delay", "<time>", 1, 1,
                Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (p, use) -> p.routing.inspectDelayMillis = use.timeMillis(use.arg(0))));
    }

    // ---- acl ----

    static void acl(ProxySection section, Invocation use) throws ConfigException {
        String name = use.arg(0);
        if (!ACL_NAME.matcher(name).matches()) {
            throw use.error("'" + name + "' is not a valid ACL name (letters, digits, '_', '.', ':' and '-' only)");
        }
        try {
            section.routing.acls.add(aclSpec(section, use, name, use.args().subList(1, use.args().size())));
        } catch (ConfigException refused) {
            // So that the rules naming it say where the real problem is.
            section.routing.refusedAcls.putIfAbsent(name, use.line());
            throw refused;
        }
    }

    /** Reads {@code CRITERION [flags] [values]} and compiles it once, to report any refusal at this line. */
    private static AclSpec aclSpec(ProxySection section, Invocation use, String name, List<String> words)
            throws ConfigException {
        if (words.isEmpty()) {
            throw use.error("ACL '" + name + "' needs a fetch, such as path_beg or hdr(host)");
        }
        if (isStickFetch(words.get(0))) {
            words = new ArrayList<>(words);
            words.set(0, stickFetch(section, use, words.get(0)));
        }
        Matcher m = CRITERION.matcher(words.get(0));
        Fetch fetch = m.matches() ? fetch(m.group(1)) : null;
        String suffix = m.matches() ? m.group(2) : null;
        String bare = words.get(0).indexOf('(') < 0 ? words.get(0)
                : words.get(0).substring(0, words.get(0).indexOf('('));
        Fetch whole = fetch(bare);
        if (whole == null && bare.lastIndexOf('_') > 0) {
            // A fetch with an underscore in its own name and a suffix: ssl_fc_sni_end.
            int u = bare.lastIndexOf('_');
            Fetch stem = fetch(bare.substring(0, u));
            if (stem != null && textSuffix(bare.substring(u + 1))) {
                fetch = stem;
                suffix = bare.substring(u + 1);
            }
        }
        if (whole != null) {
            // A fetch whose own name has an underscore (dst_port, hdr_cnt) is not a fetch with a suffix.
            fetch = whole;
            suffix = null;
        }
        if (fetch == null || (suffix != null && !textSuffix(suffix))) {
            throw use.error("fetch '" + words.get(0) + "' is not supported by Sluice (supported: path, url, hdr(NAME)"
                    + " and req.hdr(NAME), each also with _beg, _end, _sub or _reg; hdr_cnt([NAME]); method; src; dst;"
                    + " dst_port; nbsrv(BACKEND); ssl_fc; ssl_fc_sni, also with _beg, _end, _sub or _reg; ssl_fc_protocol;"
                    + " ssl_c_used; ssl_c_verify; var(NAME);"
                    + " in mode tcp req.len, req.ssl_hello_type and req.ssl_sni, also with _beg, _end, _sub or _reg;"
                    + " of a stick table sc_*, sc0_* to sc2_* and src_* of conn_cur, conn_cnt, conn_rate,"
                    + " http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, and sc_tracked)");
        }
        if (suffix != null && fetch != Fetch.PATH && fetch != Fetch.HDR && fetch != Fetch.URL
                && fetch != Fetch.SSL_FC_SNI && fetch != Fetch.REQ_SSL_SNI) {
            throw use.error("fetch '" + words.get(0) + "' is not supported by Sluice (" + fetch.keyword()
                    + " takes no suffix)");
        }
        String header = m.matches() ? m.group(3) : null;
        if (fetch.readsTrackedCounter() || fetch.readsClientEntry()) {
            Matcher stick = STICK_FETCH.matcher(words.get(0));
            header = stick.matches() ? stick.group(3) : null;
        }
        if (header != null && header.contains(",") && !fetch.readsTrackedCounter()) {
            throw use.error("'" + words.get(0) + "': an occurrence number is not supported by Sluice; write "
                    + fetch.keyword() + "(NAME)");
        }
        if (header != null && header.isEmpty() && fetch == Fetch.HDR_CNT) {
            header = null;
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
                        throw use.error("-m needs a match method: str, beg, end, sub, reg or found");
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

    /** What follows {@code src_} in the names of the fetches that read a stick table (the others: src_port, ...). */
    private static final Pattern SRC_STICK_DATA = Pattern.compile(
            "(gpc|gpt|bytes|kbytes|sess|http|conn|get|inc|clr|updt|frequency).*");

    private static boolean isStickFetch(String word) {
        Matcher m = STICK_FETCH.matcher(word);
        return m.matches() && (!m.group(1).equals("src") || SRC_STICK_DATA.matcher(m.group(2)).matches());
    }
    /** {@code track-scN}. */
    private static final Pattern TRACK_SC = Pattern.compile("track-sc([0-9]+)");
    /** The sticky counter fetches: {@code sc_X(N[,T])}, {@code scN_X([T])}, {@code src_X([T])}. */
    private static final Pattern STICK_FETCH = Pattern.compile("(sc[0-9]*|src)_([a-z0-9_]+)(?:\\((.*)\\))?");

    /**
     * Writes a sticky counter fetch in the one form the evaluators read:
     * {@code scN_X(T)} becomes {@code sc_X(N,T)}, and {@code src_X()} names
     * the section's own table. A data type Sluice does not store is refused here,
     * by name.
     */
    private static String stickFetch(ProxySection section, Invocation use, String word) throws ConfigException {
        Matcher m = STICK_FETCH.matcher(word);
        m.matches();
        String prefix = m.group(1);
        String data = m.group(2);
        String argument = m.group(3) == null ? "" : m.group(3);
        boolean known = data.equals("tracked") ? !prefix.equals("src") : dev.sluice.stick.StickData.named(data) != null;
        if (!known) {
            throw use.error("fetch '" + word + "' is not supported by Sluice: its stick tables store conn_cur,"
                    + " conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt and http_err_rate (read with"
                    + " sc_*, sc0_* to sc2_* and src_*), and sc_tracked tells whether a counter tracks an entry");
        }
        if (prefix.equals("src")) {
            String table = argument.isEmpty() ? section.name : argument;
            return "src_" + data + "(" + table + ")";
        }
        if (prefix.equals("sc")) {
            return word;
        }
        String n = prefix.substring(2);
        if (!n.matches("[0-2]")) {
            throw use.error("fetch '" + word + "': Sluice tracks the sticky counters sc0, sc1 and sc2 only");
        }
        return "sc_" + data + "(" + n + (argument.isEmpty() ? "" : "," + argument) + ")";
    }

    private static Map<String, AclSpec> predefined() {
        Map<String, AclSpec> acls = new LinkedHashMap<>();
        acls.put("LOCALHOST", new AclSpec("LOCALHOST", Fetch.SRC, null, AclMatch.IP, false,
                List.of("127.0.0.1/8", "::1"), 0));
        acls.put("METH_GET", new AclSpec("METH_GET", Fetch.METHOD, null, AclMatch.STR, false,
                List.of("GET", "HEAD"), 0));
        acls.put("REQ_CONTENT", new AclSpec("REQ_CONTENT", Fetch.REQ_LEN, null, AclMatch.INT, false,
                List.of("gt", "0"), 0));
        for (String method : List.of("CONNECT", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "TRACE")) {
            acls.put("METH_" + method, new AclSpec("METH_" + method, Fetch.METHOD, null, AclMatch.STR, false,
                    List.of(method), 0));
        }
        return Map.copyOf(acls);
    }

    private static Fetch fetch(String word) {
        // HAProxy's req.* names of the same fetches.
        switch (word) {
            case "req.hdr" -> {
                return Fetch.HDR;
            }
            case "req.hdr_cnt" -> {
                return Fetch.HDR_CNT;
            }
            case "req_len" -> {
                return Fetch.REQ_LEN;
            }
            case "req_ssl_hello_type" -> {
                return Fetch.REQ_SSL_HELLO_TYPE;
            }
            case "req_ssl_sni" -> {
                return Fetch.REQ_SSL_SNI;
            }
            default -> {
            }
        }
        for (Fetch fetch : Fetch.values()) {
            if (fetch.keyword().equals(word)) {
                return fetch;
            }
        }
        return null;
    }

    private static boolean textSuffix(String suffix) {
        return suffix.equals("beg") || suffix.equals("end") || suffix.equals("sub") || suffix.equals("reg");
    }

    private static AclMatch matchMethod(Invocation use, String word) throws ConfigException {
        for (AclMatch match : AclMatch.values()) {
            if (match.keyword().equals(word)) {
                return match;
            }
        }
        throw use.error("-m " + word + " is not supported by Sluice (supported: str, beg, end, sub, reg, found, ip, int, bool)");
    }

    // ---- conditions ----

    /** The index of the first {@code if} or {@code unless} from {@code from} on, or the argument count. */
    static int conditionStart(Invocation use, int from) {
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
                current.add(new ConditionSpec.Term(negated, text, List.of(aclSpec(section, use, text, inside))));
                i += close + 1;
                continue;
            }
            if (word.equals("}") || word.equals("if") || word.equals("unless")) {
                throw use.error("unexpected '" + word + "' in the condition");
            }
            List<AclSpec> named = section.routing.aclsNamed(word);
            if (named.isEmpty() && PREDEFINED.containsKey(word)) {
                named = List.of(PREDEFINED.get(word));
            }
            if (named.isEmpty() && section.routing.refusedAcls.containsKey(word)) {
                throw use.error("ACL '" + word + "' was refused at line " + section.routing.refusedAcls.get(word));
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
        String backend = HttpKeywords.literal(use, use.arg(0));
        section.routing.useBackends.add(new UseBackend(backend, condition(section, use, 1), use.line()));
    }

    // ---- tcp-request ----

    private static void tcpRequest(ProxySection section, Invocation use, TcpRequestRule.Phase phase)
            throws ConfigException {
        Matcher track = TRACK_SC.matcher(use.arg(0));
        if (track.matches()) {
            if (phase == TcpRequestRule.Phase.CONTENT) {
                throw use.error("'" + use.arg(0) + "' is not supported by Sluice in tcp-request content rules: write"
                        + " 'tcp-request connection " + use.arg(0) + " src' (for the connection) or 'http-request "
                        + use.arg(0) + "' (for each request)");
            }
            if (!track.group(1).matches("[0-2]")) {
                throw use.error("'" + use.arg(0) + "': Sluice tracks the sticky counters sc0, sc1 and sc2 only");
            }
            int end = conditionStart(use, 1);
            java.util.List<String> rest = use.args().subList(1, end);
            if (rest.isEmpty()) {
                throw use.error("'" + use.arg(0) + "' needs a key: write " + use.arg(0) + " src");
            }
            String table = null;
            if (!rest.get(0).equals("src")) {
                throw use.error("the key '" + rest.get(0) + "' is not supported by Sluice in tcp-request connection"
                        + " rules (supported: src; a key of the HTTP request goes in http-request " + use.arg(0) + ")");
            }
            if (rest.size() >= 2 && rest.get(1).equals("table")) {
                if (rest.size() < 3) {
                    throw use.error("'table' needs the name of a section with a stick-table");
                }
                table = rest.get(2);
            }
            int expected = table == null ? 1 : 3;
            if (rest.size() != expected) {
                throw use.error("unexpected '" + rest.get(expected) + "' (expected table NAME, then if or unless)");
            }
            section.routing.tcpRequestRules.add(new TcpRequestRule(phase, TcpRequestRule.Action.TRACK,
                    condition(section, use, end), use.line(), Integer.parseInt(track.group(1)),
                    table == null ? section.name : table));
            return;
        }
        TcpRequestRule.Action action = null;
        for (TcpRequestRule.Action candidate : TcpRequestRule.Action.values()) {
            if (candidate != TcpRequestRule.Action.TRACK && candidate.keyword().equals(use.arg(0))) {
                action = candidate;
            }
        }
        if (action == null) {
            throw use.error("'" + use.arg(0) + "' is not supported by Sluice (supported: accept, reject"
                    + (phase == TcpRequestRule.Phase.CONNECTION ? ", track-sc0, track-sc1, track-sc2" : "") + ")");
        }
        if (use.args().size() > 1 && !use.arg(1).equals("if") && !use.arg(1).equals("unless")) {
            throw use.error("expected if or unless after '" + use.arg(0) + "', got '" + use.arg(1) + "'");
        }
        section.routing.tcpRequestRules.add(new TcpRequestRule(phase, action, condition(section, use, 1),
                use.line()));
    }
}
