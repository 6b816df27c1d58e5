package dev.sluice.config;

import dev.sluice.http.StickRule;
import dev.sluice.stick.StickData;
import dev.sluice.stick.StickTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stick-table} and the rules that track sticky counters in it:
 * {@code http-request track-sc0|sc1|sc2} and {@code tcp-request connection
 * track-sc0|sc1|sc2}. The data a table stores is read by the {@code sc_*} and
 * {@code src_*} fetches of {@link RoutingKeywords}.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class StickKeywords {
    /**
     * The most one table may allocate. A table is pre-allocated whole, outside
     * the buffer pool; a million address entries with every counter take about
     * 100 MB, so this leaves room for that and refuses a typo's {@code size 1g}.
     */
    static final long MAX_TABLE_BYTES = 512L << 20;
    /** The longest key of a string table. */
    static final int MAX_KEY_LENGTH = 1024;
    /** What {@code store} takes, for messages. */
    private static final String STORED = "conn_cur, conn_cnt, conn_rate(PERIOD), http_req_cnt, http_req_rate(PERIOD),"
            + " http_err_cnt, http_err_rate(PERIOD), server_id";
    /** The patterns a stick rule takes, for messages. */
    private static final String PATTERNS = "src, req.hdr(NAME), req.cook(NAME), url_param(NAME)";

    private StickKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.FRONTEND_AND_BACKEND).add(new Keyword<>("stick-table",
                "type ip|ipv6|string [len <length>] size <size> [expire <time>] [nopurge] [store <data>,...]", 2,
                Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED, StickKeywords::stickTable));
        for (int n = 0; n < dev.sluice.stick.StickCounters.SLOTS; n++) {
            int counter = n;
            keywords.proxies(Placement.FRONTEND_AND_BACKEND).repeatable("http-request track-sc" + n,
                    "<key> [table <table>] [if|unless <condition>]", 1,
                    (p, use) -> httpTrack(p, use, counter));
        }
        for (StickRule.Kind kind : StickRule.Kind.values()) {
            String word = kind == StickRule.Kind.ON ? "on" : kind == StickRule.Kind.MATCH ? "match" : "store-request";
            keywords.proxies(Placement.BACKEND).repeatable("stick " + word,
                    "<pattern> [table <table>] [if|unless <condition>]", 1, (p, use) -> stickRule(p, use, kind));
        }
    }

    // ---- stick-table ----

    static void stickTable(ProxySection section, Invocation use) throws ConfigException {
        if (section.routing.stickTable != null) {
            throw use.error(section.describe() + " has a stick-table already (line " + section.routing.stickTable.line()
                    + "); a section holds one: declare another in a backend of its own and name it with 'table NAME'");
        }
        List<String> a = use.args();
        StickTable.Type type = null;
        int length = -1;
        long size = -1;
        long expire = 0;
        boolean nopurge = false;
        Map<StickData, Long> stored = new LinkedHashMap<>();
        boolean serverIds = false;
        for (int i = 0; i < a.size(); i++) {
            String word = a.get(i);
            switch (word) {
                case "type" -> type = type(use, value(use, a, i++));
                case "len" -> length = use.number(value(use, a, i++), 1, MAX_KEY_LENGTH);
                case "size" -> size = use.size(value(use, a, i++), Integer.MAX_VALUE);
                case "expire" -> expire = use.timeMillis(value(use, a, i++));
                case "nopurge" -> nopurge = true;
                case "store" -> {
                    for (String data : value(use, a, i++).split(",")) {
                        if (data.trim().equals("server_id")) {
                            serverIds = true;
                        } else {
                            store(use, data.trim(), stored);
                        }
                    }
                }
                case "peers" -> throw use.error("'peers' is not supported by Sluice: its stick tables are the"
                        + " process's own, never shared with other processes; remove 'peers " + (i + 1 < a.size()
                        ? a.get(i + 1) : "NAME") + "'");
                case "srvkey" -> {
                    String key = value(use, a, i++);
                    if (!key.equals("name")) {
                        throw use.error("'srvkey " + key + "' is not supported by Sluice: a stick rule's entry names"
                                + " its server by name (srvkey name, the default) and by id; 'srvkey addr' serves"
                                + " peers and server templates, which Sluice does not have");
                    }
                }
                case "write-to" -> throw use.error("'write-to' is not supported by Sluice: it copies the table into"
                        + " another one for peers, which Sluice does not have");
                case "recv-only" -> throw use.error("'recv-only' is not supported by Sluice: it is about peers,"
                        + " which Sluice does not have");
                default -> throw use.error("'" + word + "' is not supported by Sluice (supported: type, len, size,"
                        + " expire, nopurge, store)");
            }
        }
        if (type == null) {
            throw use.error("needs a type: write 'type ip', 'type ipv6' or 'type string'");
        }
        if (size < 0) {
            throw use.error("needs a size, the most entries it holds: write for example 'size 100k'");
        }
        if (size == 0) {
            throw use.error("size 0 holds no entry: write at least 'size 1'");
        }
        if (length >= 0 && type != StickTable.Type.STRING) {
            throw use.error("'len' sets the longest key of a string table; a " + type.keyword() + " table's keys"
                    + " have a fixed length: remove 'len " + length + "'");
        }
        if (nopurge && expire == 0) {
            use.warn("'nopurge' without 'expire': once full, the table never tracks a new key again");
        }
        int keyLength = type == StickTable.Type.STRING ? (length < 0 ? StickTable.DEFAULT_STRING_LENGTH : length) : 0;
        StickTableSpec spec = new StickTableSpec(section.name, type, keyLength, (int) size, expire, nopurge, stored,
                use.line(), serverIds);
        if (size > 1 << 26 || spec.bytes() > MAX_TABLE_BYTES) {
            throw use.error("the table would take " + (spec.bytes() >> 20) + " MB, over the " + (MAX_TABLE_BYTES >> 20)
                    + " MB Sluice allows a table (it allocates every entry at start-up): lower 'size'"
                    + (type == StickTable.Type.STRING ? " or 'len'" : "") + " or store fewer data types");
        }
        section.routing.stickTable = spec;
    }

    private static String value(Invocation use, List<String> args, int i) throws ConfigException {
        if (i + 1 >= args.size()) {
            throw use.error("'" + args.get(i) + "' needs a value");
        }
        return args.get(i + 1);
    }

    private static StickTable.Type type(Invocation use, String word) throws ConfigException {
        return switch (word) {
            case "ip" -> StickTable.Type.IP;
            case "ipv6" -> StickTable.Type.IPV6;
            case "string" -> StickTable.Type.STRING;
            case "integer" -> throw use.error("type integer is not supported by Sluice: no key Sluice tracks is an"
                    + " integer; write 'type ip' (or ipv6) to track src, 'type string' to track req.hdr(NAME)");
            case "binary" -> throw use.error("type binary is not supported by Sluice: write 'type ip' (or ipv6) to"
                    + " track src, 'type string' to track req.hdr(NAME)");
            default -> throw use.error("unknown table type '" + word + "' (Sluice supports ip, ipv6 and string)");
        };
    }

    private static void store(Invocation use, String data, Map<StickData, Long> stored) throws ConfigException {
        int open = data.indexOf('(');
        String name = open < 0 ? data : data.substring(0, open);
        StickData d = StickData.named(name);
        if (d == null) {
            String why = name.startsWith("gpc") || name.startsWith("gpt")
                    ? "general purpose counters and tags are set by actions (sc-inc-gpc0, sc-set-gpt0) that Sluice"
                    + " does not have"
                    : name.startsWith("bytes_") ? "Sluice does not count bytes per table entry"
                    : name.equals("server_key") || name.equals("server_name")
                    ? "Sluice stores the server of a stick rule by its id and name by itself (server_id, srvkey name)"
                    : name.startsWith("sess_") ? "Sluice counts connections (conn_cnt, conn_rate), not sessions"
                    : name.startsWith("http_fail_") ? "Sluice counts client errors (http_err_cnt), not server failures"
                    : "it is no data type Sluice knows";
            throw use.error("'store " + data + "' is not supported by Sluice: " + why + " (supported: " + STORED + ")");
        }
        long period = 0;
        if (d.rate()) {
            if (open < 0 || !data.endsWith(")")) {
                throw use.error("'" + name + "' needs a period, as in " + name + "(10s)");
            }
            period = use.timeMillis(data.substring(open + 1, data.length() - 1));
            if (period == 0) {
                throw use.error("'" + data + "': the period must be at least 1ms");
            }
        } else if (open >= 0) {
            throw use.error("'" + name + "' takes no period: write " + name);
        }
        if (stored.containsKey(d)) {
            throw use.error("'" + name + "' is stored twice");
        }
        stored.put(d, period);
    }

    // ---- track-sc ----

    /** {@code http-request track-scN KEY [table NAME] [if|unless COND]}. */
    static void httpTrack(ProxySection section, Invocation use, int counter) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        Track track = track(use, end, true);
        HttpRequestRule rule = new HttpRequestRule(HttpRequestRule.Action.TRACK, track.header(),
                track.table() == null ? section.name : track.table(), null,
                RoutingKeywords.condition(section, use, end), use.line(), null, counter, null);
        HttpKeywords.add(section, use, rule);
    }

    /** The key and table of a {@code track-scN} rule, from its words before the condition. */
    record Track(String header, String table) {
    }

    static Track track(Invocation use, int end, boolean http) throws ConfigException {
        if (end == 0) {
            throw use.error("needs a key: write src" + (http ? " (or req.hdr(NAME) for a string table)" : ""));
        }
        String key = use.arg(0);
        String header = null;
        if (key.startsWith("req.hdr(") && key.endsWith(")") || key.startsWith("hdr(") && key.endsWith(")")) {
            if (!http) {
                throw use.error("the key '" + key + "' reads the HTTP request, which tcp-request connection rules"
                        + " run before; write 'http-request track-scN " + key + "'");
            }
            header = key.substring(key.indexOf('(') + 1, key.length() - 1);
            if (header.isEmpty() || header.contains(",")) {
                throw use.error("'" + key + "': write req.hdr(NAME), without an occurrence number");
            }
        } else if (!key.equals("src")) {
            throw use.error("the key '" + key + "' is not supported by Sluice (supported: src"
                    + (http ? ", req.hdr(NAME)" : "") + ")");
        }
        return new Track(header, tableArgument(use, end));
    }

    /** The {@code table NAME} after a rule's key, or null; nothing else may come before the condition. */
    private static String tableArgument(Invocation use, int end) throws ConfigException {
        String table = null;
        int i = 1;
        if (i < end && use.arg(i).equals("table")) {
            if (i + 1 >= end) {
                throw use.error("'table' needs the name of a section with a stick-table");
            }
            table = use.arg(i + 1);
            i += 2;
        }
        if (i < end) {
            throw use.error("unexpected '" + use.arg(i) + "' (expected table NAME, then if or unless)");
        }
        return table;
    }

    // ---- stick on, stick match, stick store-request ----

    /** {@code stick on|match|store-request PATTERN [table NAME] [if|unless COND]}. */
    static void stickRule(ProxySection section, Invocation use, StickRule.Kind kind) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        if (end == 0) {
            throw use.error("needs a pattern: write src (or " + PATTERNS.substring(5) + ")");
        }
        String pattern = use.arg(0);
        StickRule.Source source;
        String name = null;
        if (pattern.equals("src")) {
            source = StickRule.Source.SRC;
        } else {
            int open = pattern.indexOf('(');
            String fetch = open < 0 ? pattern : pattern.substring(0, open);
            source = switch (fetch) {
                case "req.hdr", "hdr" -> StickRule.Source.HEADER;
                case "req.cook", "cook" -> StickRule.Source.COOKIE;
                case "url_param", "urlp" -> StickRule.Source.URL_PARAM;
                default -> null;
            };
            if (source == null || open < 0 || !pattern.endsWith(")")) {
                int close = pattern.indexOf(')');
                boolean converted = fetch.contains(",") || close >= 0 && close + 1 < pattern.length();
                throw use.error("the pattern '" + pattern + "' is not supported by Sluice (supported: " + PATTERNS
                        + (converted ? "; converters are not supported" : "") + ")");
            }
            name = pattern.substring(open + 1, pattern.length() - 1);
            if (name.isEmpty() || name.contains(",")) {
                throw use.error("'" + pattern + "': write " + fetch + "(NAME) with one name"
                        + (source == StickRule.Source.HEADER ? ", without an occurrence number"
                        : source == StickRule.Source.URL_PARAM ? ", without a delimiter" : ""));
            }
        }
        String table = tableArgument(use, end);
        StickRuleSpec rule = new StickRuleSpec(kind, source, name, pattern, table == null ? section.name : table,
                RoutingKeywords.condition(section, use, end), use.line());
        try {
            RuleCompiler.stickRule(rule);
        } catch (IllegalArgumentException e) {
            throw use.error("'" + pattern + "': " + e.getMessage());
        }
        section.routing.stickRules.add(rule);
    }
}
