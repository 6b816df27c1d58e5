package dev.sluice.config;

import dev.sluice.backend.BalanceAlgorithm;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.HashFunction;
import dev.sluice.backend.HashType;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The keywords of server choice and retries, with HAProxy 2.6's meanings and
 * defaults: {@code balance}, {@code hash-type}, {@code option allbackups},
 * {@code retries}, {@code option redispatch [interval]}, {@code retry-on}, and
 * the server options {@code weight}, {@code backup}, {@code disabled} and
 * {@code enabled}.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class BalanceKeywords {
    static final String BALANCE_USAGE = "roundrobin|static-rr|leastconn|first|source|random[(<draws>)]"
            + "|uri [whole] [len <n>] [depth <n>] [path-only]|url_param <name>|hdr(<name>) [use_domain_only]";

    private BalanceKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .add(new Keyword<>("balance", BALANCE_USAGE, 1, Integer.MAX_VALUE, Keyword.Repeat.LAST_WINS,
                        Support.IMPLEMENTED, BalanceKeywords::balance));
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .add(new Keyword<>("hash-type", "map-based|consistent [sdbm|djb2|wt6|crc32 [avalanche]]", 1, 3,
                        Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED, BalanceKeywords::hashType));
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .option("option allbackups", (p, use) -> p.balancing.allBackups = true,
                        (p, use) -> p.balancing.allBackups = false);
        // Read into the backend's retry policy; the server link does not replay a failed request yet, so
        // RuntimeGaps refuses a line that asks for a retry (see runtimeGaps).
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .readNotRun(new Keyword<>("retries", "<number>", 1, 1, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                        (p, use) -> {
                            p.balancing.retry = p.balancing.retry.withRetries(use.number(use.arg(0), 0, 1_000_000));
                            p.balancing.retriesLine = use.line();
                        }));
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .add(new Keyword<>("option redispatch", "[<interval>]", 0, 1, Keyword.Repeat.LAST_WINS,
                        Support.IMPLEMENTED, BalanceKeywords::redispatch,
                        (p, use) -> p.balancing.retry = p.balancing.retry.withoutRedispatch()));
        keywords.proxies(Placement.BACKEND_AND_DEFAULTS)
                .readNotRun(new Keyword<>("retry-on", "none|conn-failure|empty-response|junk-response|response-timeout"
                        + "|0rtt-rejected|all-retryable-errors|<status>...", 1, Integer.MAX_VALUE,
                        Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED, BalanceKeywords::retryOn));

        keywords.server()
                .single("weight", "<0..256>", (s, use) -> s.balancing.weight = use.number(use.arg(0), 0, Server.MAX_WEIGHT));
        keywords.server().add(new Keyword<>("backup", "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (s, use) -> s.balancing.backup = true, (s, use) -> s.balancing.backup = false));
        keywords.server()
                .flag("disabled", (s, use) -> s.balancing.disabled = true)
                .flag("enabled", (s, use) -> s.balancing.disabled = false);
    }

    /** {@code balance <algorithm> [<arguments>]}. */
    private static void balance(ProxySection section, Invocation use) throws ConfigException {
        // Algorithm names are matched exactly, as HAProxy does; only hdr's field name ignores case.
        String word = use.arg(0);
        int extra = use.args().size() - 1;
        BalanceSpec spec;
        if (word.equals("uri")) {
            spec = BalanceSpec.of(BalanceAlgorithm.URI).withUri(uriOptions(use));
        } else if (word.equals("url_param")) {
            if (extra < 1) {
                throw use.error("url_param needs the name of a URL parameter: balance url_param <name>");
            }
            if (extra > 1) {
                if (use.arg(2).equals("check_post")) {
                    throw use.error("url_param's 'check_post' (hashing a parameter of a POST body) is not supported"
                            + " by Sluice; the parameter is looked up in the query string only");
                }
                throw use.error("url_param takes a parameter name and nothing else, got '" + use.arg(2) + "'");
            }
            spec = BalanceSpec.of(BalanceAlgorithm.URL_PARAM, use.arg(1));
        } else if (word.startsWith("hdr(")) {
            if (!word.endsWith(")") || word.length() == 5) {
                throw use.error("hdr needs a header field name: balance hdr(<name>)");
            }
            spec = BalanceSpec.of(BalanceAlgorithm.HDR, word.substring(4, word.length() - 1));
            if (extra == 1 && use.arg(1).equals("use_domain_only")) {
                spec = spec.withDomainOnly();
            } else if (extra > 0) {
                throw use.error("hdr(<name>) takes only 'use_domain_only' after it, got '" + use.arg(1) + "'");
            }
        } else if (word.equals("random") || word.startsWith("random(")) {
            spec = BalanceSpec.of(BalanceAlgorithm.RANDOM);
            if (word.startsWith("random(")) {
                if (!word.endsWith(")")) {
                    throw use.error("random: missing closing parenthesis in '" + word + "'");
                }
                String draws = word.substring(7, word.length() - 1);
                spec = spec.withDraws(use.number(draws, 1, 1000));
            }
            noMore(use, extra);
        } else if (word.equals("hash")) {
            throw use.error("'balance hash <expression>' is not supported by Sluice (it evaluates no sample"
                    + " expressions); use source, uri, url_param or hdr(<name>)");
        } else if (word.startsWith("rdp-cookie")) {
            throw use.error("'balance rdp-cookie' is not supported by Sluice (it does not read RDP); use source");
        } else {
            spec = switch (word) {
                case "roundrobin" -> BalanceSpec.of(BalanceAlgorithm.ROUNDROBIN);
                case "static-rr" -> BalanceSpec.of(BalanceAlgorithm.STATIC_RR);
                case "leastconn" -> BalanceSpec.of(BalanceAlgorithm.LEASTCONN);
                case "first" -> BalanceSpec.of(BalanceAlgorithm.FIRST);
                case "source" -> BalanceSpec.of(BalanceAlgorithm.SOURCE);
                default -> throw use.error("unknown algorithm '" + word + "'; expected " + BALANCE_USAGE);
            };
            noMore(use, extra);
        }
        section.balancing.algorithm = spec;
        section.balancing.balanceLine = use.line();
    }

    private static void noMore(Invocation use, int extra) throws ConfigException {
        if (extra > 0) {
            throw use.error("'balance " + use.arg(0) + "' takes no argument, got '" + use.arg(1) + "'");
        }
    }

    /** {@code balance uri [whole] [len <n>] [depth <n>] [path-only]}. */
    private static BalanceSpec.UriKey uriOptions(Invocation use) throws ConfigException {
        boolean whole = false;
        boolean pathOnly = false;
        int len = 0;
        int depth = 0;
        for (int i = 1; i < use.args().size(); i++) {
            String a = use.arg(i);
            switch (a) {
                case "whole" -> whole = true;
                case "path-only" -> pathOnly = true;
                case "len", "depth" -> {
                    if (i + 1 >= use.args().size()) {
                        throw use.error("uri: '" + a + "' expects a positive integer");
                    }
                    int n = use.number(use.arg(++i), 1, Integer.MAX_VALUE);
                    if (a.equals("len")) {
                        len = n;
                    } else {
                        depth = n;
                    }
                }
                default -> throw use.error("uri only takes 'len', 'depth', 'path-only' and 'whole', got '" + a + "'");
            }
        }
        return new BalanceSpec.UriKey(whole, pathOnly, len, depth);
    }

    /** {@code hash-type map-based|consistent [<function> [avalanche]]}. */
    private static void hashType(ProxySection section, Invocation use) throws ConfigException {
        BalanceSettings b = section.balancing;
        b.hashType = switch (use.arg(0)) {
            case "map-based" -> HashType.MAP_BASED;
            case "consistent" -> HashType.CONSISTENT;
            case "avalanche" -> throw use.error("'hash-type avalanche' was removed from HAProxy; write"
                    + " 'hash-type map-based sdbm avalanche'");
            default -> throw use.error("expected map-based or consistent, got '" + use.arg(0) + "'");
        };
        b.hashFunction = null;
        b.avalanche = false;
        if (use.args().size() > 1) {
            b.hashFunction = null;
            for (HashFunction f : HashFunction.values()) {
                if (f.keyword().equals(use.arg(1))) {
                    b.hashFunction = f;
                }
            }
            if (b.hashFunction == null) {
                throw use.error("the hash function must be sdbm, djb2, wt6 or crc32, got '" + use.arg(1) + "'");
            }
            if (use.args().size() > 2) {
                if (!use.arg(2).equals("avalanche")) {
                    throw use.error("the only hash modifier is avalanche, got '" + use.arg(2) + "'");
                }
                b.avalanche = true;
            }
        }
    }

    /** {@code option redispatch [<interval>]}: on the last retry by default, every |P|-th with an interval. */
    private static void redispatch(ProxySection section, Invocation use) throws ConfigException {
        int interval = RetryPolicy.LAST_RETRY;
        if (!use.args().isEmpty()) {
            String text = use.arg(0);
            boolean negative = text.startsWith("-");
            int n = use.number(negative ? text.substring(1) : text, 0, 1_000_000);
            interval = negative ? -n : n;
        }
        section.balancing.retry = section.balancing.retry.withRedispatch(interval);
    }

    /** {@code retry-on <keyword>...}: replaces the whole list, as in HAProxy. */
    private static void retryOn(ProxySection section, Invocation use) throws ConfigException {
        Set<RetryPolicy.RetryOn> events = EnumSet.noneOf(RetryPolicy.RetryOn.class);
        Set<Integer> statuses = new HashSet<>();
        boolean none = false;
        for (String word : use.args()) {
            if (word.equals("none")) {
                none = true;
                continue;
            }
            if (word.equals("all-retryable-errors")) {
                events.addAll(EnumSet.allOf(RetryPolicy.RetryOn.class));
                statuses.addAll(RetryPolicy.ALL_RETRYABLE_STATUSES);
                continue;
            }
            RetryPolicy.RetryOn event = null;
            for (RetryPolicy.RetryOn e : RetryPolicy.RetryOn.values()) {
                if (e.keyword().equals(word)) {
                    event = e;
                }
            }
            if (event != null) {
                events.add(event);
                continue;
            }
            if (word.matches("[0-9]{3}") && RetryPolicy.RETRYABLE_STATUSES.contains(Integer.parseInt(word))) {
                statuses.add(Integer.parseInt(word));
                continue;
            }
            throw use.error("retry-on does not know '" + word + "'; it takes none, conn-failure, empty-response,"
                    + " junk-response, response-timeout, 0rtt-rejected, all-retryable-errors or one of the statuses "
                    + "401, 403, 404, 408, 425, 500, 501, 502, 503, 504");
        }
        if (none && (!events.isEmpty() || !statuses.isEmpty())) {
            throw use.error("retry-on none cannot be combined with other keywords");
        }
        section.balancing.retry = section.balancing.retry.withRetryOn(events, statuses);
        section.balancing.retryOnLine = use.line();
    }

    /**
     * The retry lines the running proxy does not honour yet: the server link
     * does not replay a failed request, so a line that asks for a retry is
     * refused at its line rather than ignored. {@code retries 0} and
     * {@code retry-on none} ask for what Sluice does, and pass.
     */
    static void runtimeGaps(String file, java.util.List<ProxySection> backends, Diagnostics diagnostics) {
        // A defaults section's line reaches every backend below it: it is reported once.
        Set<Integer> reported = new HashSet<>();
        for (ProxySection backend : backends) {
            BalanceSettings b = backend.balancing;
            if (b.retriesLine > 0 && b.retry.retries() > 0 && (b.retryOnLine == 0 || !b.retry.on().isEmpty()
                    || !b.retry.statuses().isEmpty()) && reported.add(b.retriesLine)) {
                diagnostics.error(new ConfigException(file, b.retriesLine, "'retries' is read, but Sluice does not"
                        + " retry a failed connection yet; write 'retries 0' until it does"));
            }
            if (b.retryOnLine > 0 && (!b.retry.on().isEmpty() || !b.retry.statuses().isEmpty())
                    && reported.add(b.retryOnLine)) {
                diagnostics.error(new ConfigException(file, b.retryOnLine, "'retry-on' is read, but Sluice does not"
                        + " retry a failed request yet; write 'retry-on none' until it does"));
            }
        }
    }
}
