package dev.sluice.config;

import dev.sluice.backend.CheckStatus;
import dev.sluice.backend.CheckStep;
import dev.sluice.backend.HttpCheckRequest;
import dev.sluice.backend.ServerCheckSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The health check keywords, with HAProxy 2.6's meanings and defaults: the
 * server options {@code check}, {@code inter}, {@code fastinter},
 * {@code downinter}, {@code rise}, {@code fall}, {@code port}, {@code addr},
 * {@code check-send-proxy}; {@code option httpchk} with {@code http-check
 * connect|send|expect|disable-on-404|comment}; {@code option tcp-check} with
 * {@code tcp-check connect|send|send-binary|expect|comment}; the protocol
 * checks {@code option ssl-hello-chk}, {@code redis-check}, {@code smtpchk},
 * {@code mysql-check} (without a user) and {@code pgsql-check}; {@code option
 * log-health-checks}; {@code timeout check}; the global {@code spread-checks}.
 * What Sluice does not build is refused with the alternative to write.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class CheckKeywords {
    /** HAProxy's largest {@code spread-checks}: 50 percent. */
    static final int MAX_SPREAD_CHECKS = 50;

    private CheckKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.global().single("spread-checks", "<0..50>",
                (g, use) -> g.spreadChecks = use.number(use.arg(0), 0, MAX_SPREAD_CHECKS));

        keywords.server().add(new Keyword<>("check", "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                (s, use) -> s.check.enabled = true, (s, use) -> s.check.enabled = false));
        keywords.server()
                .single("inter", "<time>", (s, use) -> s.check.interMillis = positiveTime(use))
                .single("fastinter", "<time>", (s, use) -> s.check.fastinterMillis = positiveTime(use))
                .single("downinter", "<time>", (s, use) -> s.check.downinterMillis = positiveTime(use))
                .single("rise", "<count>", (s, use) -> s.check.rise = use.number(use.arg(0), 1, 1_000_000))
                .single("fall", "<count>", (s, use) -> s.check.fall = use.number(use.arg(0), 1, 1_000_000))
                .single("port", "<port>", (s, use) -> s.check.port = use.number(use.arg(0), 1, 65535))
                .single("addr", "<address>", CheckKeywords::addr);
        keywords.server().add(new Keyword<>("check-send-proxy", "", 0, 0, Keyword.Repeat.LAST_WINS,
                Support.IMPLEMENTED, (s, use) -> s.check.sendProxy = true, (s, use) -> s.check.sendProxy = false));

        KeywordSink<ProxySection> backends = keywords.proxies(Placement.BACKEND_AND_DEFAULTS);
        backends.add(new Keyword<>("option httpchk", "[<method>] [<uri>] [<version>]", 0, 3, Keyword.Repeat.LAST_WINS,
                Support.IMPLEMENTED, CheckKeywords::httpchk, (p, use) -> p.checks.kind = CheckSettings.Kind.TCP));
        backends.flag("option tcp-check", (p, use) -> p.checks.kind = CheckSettings.Kind.TCP_CHECK);
        backends.flag("option ssl-hello-chk", (p, use) -> p.checks.kind = CheckSettings.Kind.SSL_HELLO);
        backends.flag("option redis-check", (p, use) -> p.checks.kind = CheckSettings.Kind.REDIS);
        backends.variadic("option smtpchk", "[HELO|EHLO <domain>]", CheckKeywords::smtpchk);
        backends.variadic("option mysql-check", "[user <name> [post-41]]", CheckKeywords::mysqlCheck);
        backends.variadic("option pgsql-check", "user <name>", CheckKeywords::pgsqlCheck);
        backends.option("option log-health-checks", (p, use) -> p.checks.logHealthChecks = true,
                (p, use) -> p.checks.logHealthChecks = false);
        backends.single("timeout check", "<time>", (p, use) -> p.checks.timeoutCheckMillis = use.timeMillis(use.arg(0)));
        backends.flag("http-check disable-on-404", (p, use) -> p.checks.disableOn404 = true);
        backends.repeatable("http-check connect", "[default] [port <port>] [addr <address>] [send-proxy] [linger]"
                + " [comment <msg>]", 0, (p, use) -> p.checks.addHttpRule(new CheckSettings.Rule(connect(use), null,
                        use.line())));
        backends.repeatable("http-check send", "[meth <method>] [uri <uri>] [ver <version>] [hdr <name> <value>]..."
                + " [body <string>] [comment <msg>]", 0, CheckKeywords::httpSend);
        backends.repeatable("http-check expect", "[min-recv <n>] [comment <msg>] [ok-status <st>] [error-status <st>]"
                + " [tout-status <st>] [!] status|rstatus|string|rstring <pattern>", 2,
                (p, use) -> p.checks.addHttpRule(new CheckSettings.Rule(expect(use, true), null, use.line())));
        backends.repeatable("http-check comment", "<text>", 1, (p, use) -> { });
        backends.repeatable("tcp-check connect", "[default] [port <port>] [addr <address>] [send-proxy] [linger]"
                + " [comment <msg>]", 0, (p, use) -> p.checks.addTcpRule(new CheckSettings.Rule(connect(use), null,
                        use.line())));
        backends.repeatable("tcp-check send", "<data> [comment <msg>]", 1, (p, use) -> p.checks.addTcpRule(
                new CheckSettings.Rule(new CheckStep.Send(data(use).getBytes(StandardCharsets.ISO_8859_1)), null,
                        use.line())));
        backends.repeatable("tcp-check send-binary", "<hex string> [comment <msg>]", 1, (p, use) -> p.checks.addTcpRule(
                new CheckSettings.Rule(new CheckStep.Send(hex(use, data(use))), null, use.line())));
        backends.repeatable("tcp-check expect", "[min-recv <n>] [comment <msg>] [ok-status <st>] [error-status <st>]"
                + " [tout-status <st>] [!] string|rstring|binary|rbinary <pattern>", 2,
                (p, use) -> p.checks.addTcpRule(new CheckSettings.Rule(expect(use, false), null, use.line())));
        backends.repeatable("tcp-check comment", "<text>", 1, (p, use) -> { });
    }

    private static long positiveTime(Invocation use) throws ConfigException {
        long ms = use.timeMillis(use.arg(0));
        if (ms <= 0) {
            throw use.error("expected a time above 0, got '" + use.arg(0) + "'");
        }
        return ms;
    }

    private static void addr(ServerOptions s, Invocation use) throws ConfigException {
        // An address alone, without a port: the check's port is the server's, or 'port'.
        s.check.address = use.address(use.arg(0) + ":1", 0).getHostString();
    }

    /** {@code option httpchk}, {@code option httpchk <uri>}, {@code <method> <uri>}, {@code <method> <uri> <version>}. */
    private static void httpchk(ProxySection section, Invocation use) throws ConfigException {
        CheckSettings c = section.checks;
        c.kind = CheckSettings.Kind.HTTP;
        List<String> a = use.args();
        c.httpMethod = HttpCheckRequest.DEFAULT_METHOD;
        c.httpUri = HttpCheckRequest.DEFAULT_URI;
        c.httpVersion = HttpCheckRequest.DEFAULT_VERSION;
        if (a.size() == 1) {
            c.httpUri = a.get(0);
        } else if (a.size() >= 2) {
            c.httpMethod = a.get(0);
            c.httpUri = a.get(1);
        }
        if (a.size() == 3) {
            if (a.get(2).contains("\r") || a.get(2).contains("\n")) {
                throw use.error("headers after the version of option httpchk are not supported by Sluice (HAProxy"
                        + " deprecated them); write 'http-check send hdr <name> <value>'");
            }
            c.httpVersion = a.get(2);
        }
    }

    private static void smtpchk(ProxySection section, Invocation use) throws ConfigException {
        CheckSettings c = section.checks;
        c.kind = CheckSettings.Kind.SMTP;
        List<String> a = use.args();
        if (a.size() > 2) {
            throw use.error("option smtpchk takes at most HELO|EHLO and a domain");
        }
        // As in HAProxy: a command other than HELO or EHLO, or a command without its domain, means HELO localhost.
        c.smtpGreeting = a.size() == 2 && (a.get(0).equals("HELO") || a.get(0).equals("EHLO"))
                ? a.get(0) + " " + a.get(1) : "HELO localhost";
    }

    /** {@code option mysql-check [user <name> [post-41|pre-41]]}. */
    private static void mysqlCheck(ProxySection section, Invocation use) throws ConfigException {
        List<String> a = use.args();
        section.checks.mysqlUser = null;
        if (!a.isEmpty()) {
            if (!a.get(0).equals("user") || a.size() < 2 || a.size() > 3) {
                throw use.error("expected 'user <username> [post-41|pre-41]'");
            }
            if (a.size() == 3 && !a.get(2).equals("post-41")) {
                throw use.error(a.get(2).equals("pre-41") ? "'pre-41' (a MySQL 4.0 login) is not supported by"
                        + " Sluice; write post-41, or nothing" : "expected post-41 or pre-41, got '" + a.get(2) + "'");
            }
            section.checks.mysqlUser = a.get(1);
        }
        section.checks.kind = CheckSettings.Kind.MYSQL;
    }

    private static void pgsqlCheck(ProxySection section, Invocation use) throws ConfigException {
        if (use.args().size() != 2 || !use.arg(0).equals("user")) {
            throw use.error("option pgsql-check expects 'user <username>'");
        }
        section.checks.kind = CheckSettings.Kind.PGSQL;
        section.checks.pgsqlUser = use.arg(1);
    }

    /** {@code tcp-check connect} and {@code http-check connect} options. */
    private static CheckStep.Connect connect(Invocation use) throws ConfigException {
        int port = 0;
        String address = null;
        boolean sendProxy = false;
        boolean linger = false;
        List<String> a = use.args();
        for (int i = 0; i < a.size(); i++) {
            switch (a.get(i)) {
                case "default" -> {
                }
                case "port" -> port = use.number(value(use, i++), 1, 65535);
                case "addr" -> address = use.address(value(use, i++) + ":1", 0).getHostString();
                case "send-proxy" -> sendProxy = true;
                case "linger" -> linger = true;
                case "comment" -> value(use, i++);
                case "ssl", "sni", "alpn" -> throw use.error("'" + a.get(i) + "' is not supported by Sluice: it"
                        + " does not originate TLS yet; check the server's plain port, or use option ssl-hello-chk");
                case "via-socks4" -> throw use.error("'via-socks4' is not supported by Sluice: checks connect directly");
                case "proto" -> throw use.error("'proto' is not supported by Sluice: checks speak HTTP/1.1 or bytes");
                default -> throw use.error("unknown connect option '" + a.get(i) + "'");
            }
        }
        return new CheckStep.Connect(port, address, sendProxy, linger);
    }

    private static String value(Invocation use, int i) throws ConfigException {
        if (i + 1 >= use.args().size()) {
            throw use.error("'" + use.arg(i) + "' needs a value");
        }
        return use.arg(i + 1);
    }

    /** {@code http-check send [meth <m>] [uri <u>] [ver <v>] [hdr <name> <value>]... [body <string>] [comment <msg>]}. */
    private static void httpSend(ProxySection section, Invocation use) throws ConfigException {
        String method = null;
        String uri = null;
        String version = null;
        String body = null;
        List<HttpCheckRequest.Header> headers = new ArrayList<>();
        List<String> a = use.args();
        for (int i = 0; i < a.size(); i++) {
            switch (a.get(i)) {
                case "meth" -> method = value(use, i++);
                case "uri" -> uri = value(use, i++);
                case "ver" -> version = value(use, i++);
                case "body" -> body = value(use, i++);
                case "comment" -> value(use, i++);
                case "hdr" -> {
                    if (i + 2 >= a.size()) {
                        throw use.error("'hdr' needs a name and a value");
                    }
                    headers.add(new HttpCheckRequest.Header(a.get(i + 1), a.get(i + 2)));
                    i += 2;
                }
                case "uri-lf", "body-lf" -> throw use.error("'" + a.get(i) + "' is not supported by Sluice (it"
                        + " evaluates no log-format); write '" + a.get(i).substring(0, a.get(i).length() - 3)
                        + "' with a fixed value");
                default -> throw use.error("unknown http-check send option '" + a.get(i) + "'");
            }
        }
        section.checks.addHttpRule(new CheckSettings.Rule(null,
                new CheckSettings.HttpSend(method, uri, version, headers, body), use.line()));
    }

    /** {@code tcp-check send <data> [comment <msg>]}: the data, its comment dropped. */
    private static String data(Invocation use) throws ConfigException {
        List<String> a = use.args();
        if (a.size() == 3 && a.get(1).equals("comment")) {
            return a.get(0);
        }
        if (a.size() != 1) {
            throw use.error("expected one piece of data (escape its spaces with '\\ ') and an optional comment");
        }
        return a.get(0);
    }

    private static byte[] hex(Invocation use, String text) throws ConfigException {
        try {
            if (text.length() % 2 != 0) {
                throw new IllegalArgumentException("odd length");
            }
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw use.error("expected an even number of hexadecimal digits, got '" + text + "'");
        }
    }

    /** {@code tcp-check expect} and {@code http-check expect}. */
    private static CheckStep.Expect expect(Invocation use, boolean http) throws ConfigException {
        List<String> a = use.args();
        int minRecv = -1;
        CheckStatus ok = null;
        CheckStatus error = null;
        CheckStatus timeout = null;
        String comment = "";
        boolean inverse = false;
        int i = 0;
        while (i < a.size()) {
            String w = a.get(i);
            switch (w) {
                case "min-recv" -> {
                    String v = value(use, i);
                    minRecv = v.equals("-1") ? -1 : use.number(v, 0, Integer.MAX_VALUE);
                    i += 2;
                    continue;
                }
                case "comment" -> {
                    comment = value(use, i);
                    i += 2;
                    continue;
                }
                case "ok-status" -> {
                    ok = status(use, value(use, i), "L7OK", "L7OKC", "L6OK", "L4OK");
                    i += 2;
                    continue;
                }
                case "error-status" -> {
                    error = status(use, value(use, i), "L7OKC", "L7RSP", "L7STS", "L6RSP", "L4CON");
                    i += 2;
                    continue;
                }
                case "tout-status" -> {
                    timeout = status(use, value(use, i), "L7TOUT", "L6TOUT", "L4TOUT");
                    i += 2;
                    continue;
                }
                case "on-success", "on-error", "status-code" -> throw use.error("'" + w + "' is not supported by"
                        + " Sluice (it evaluates no log-format or sample expression); remove it");
                case "!" -> {
                    inverse = true;
                    i++;
                    continue;
                }
                default -> {
                }
            }
            break;
        }
        if (i < a.size() && a.get(i).startsWith("!")) {
            inverse = true;
            a = new ArrayList<>(a);
            a.set(i, a.get(i).substring(1));
        }
        if (i < a.size() && http && List.of("hdr", "fhdr", "string-lf").contains(a.get(i))) {
            throw use.error("'http-check expect " + a.get(i) + "' is not supported by Sluice; match the status or"
                    + " the body (status, rstatus, string, rstring)");
        }
        if (i + 2 != a.size()) {
            throw use.error("expected [!] <match> <pattern> after the options, the pattern's spaces escaped with '\\ '");
        }
        String match = a.get(i);
        String pattern = a.get(i + 1);
        CheckStep.Match kind;
        byte[] literal = null;
        Pattern regex = null;
        int[] statuses = null;
        if (http) {
            switch (match) {
                case "status" -> {
                    kind = CheckStep.Match.HTTP_STATUS;
                    statuses = statuses(use, pattern);
                }
                case "rstatus" -> {
                    kind = CheckStep.Match.HTTP_STATUS_REGEX;
                    regex = regex(use, pattern);
                }
                case "string" -> {
                    kind = CheckStep.Match.HTTP_BODY;
                    literal = pattern.getBytes(StandardCharsets.ISO_8859_1);
                }
                case "rstring" -> {
                    kind = CheckStep.Match.HTTP_BODY_REGEX;
                    regex = regex(use, pattern);
                }
                case "hdr", "fhdr", "string-lf" -> throw use.error("'http-check expect " + match + "' is not"
                        + " supported by Sluice; match the status or the body (status, rstatus, string, rstring)");
                default -> throw use.error("expected status, rstatus, string or rstring, got '" + match + "'");
            }
        } else {
            switch (match) {
                case "string" -> {
                    kind = CheckStep.Match.CONTAINS;
                    literal = pattern.getBytes(StandardCharsets.ISO_8859_1);
                }
                case "binary" -> {
                    kind = CheckStep.Match.CONTAINS;
                    literal = hex(use, pattern);
                }
                case "rstring" -> {
                    kind = CheckStep.Match.REGEX;
                    regex = regex(use, pattern);
                }
                case "rbinary" -> {
                    kind = CheckStep.Match.HEX_REGEX;
                    regex = regex(use, pattern);
                }
                case "string-lf", "binary-lf" -> throw use.error("'tcp-check expect " + match + "' is not supported"
                        + " by Sluice (it evaluates no log-format); use string or binary with a fixed pattern");
                default -> throw use.error("expected string, rstring, binary or rbinary, got '" + match + "'");
            }
        }
        CheckStep.Expect base = CheckStep.Expect.of(kind, inverse, literal, regex, statuses);
        return new CheckStep.Expect(kind, inverse, literal, regex, statuses, minRecv,
                ok != null ? ok : base.okStatus(), error != null ? error : base.errorStatus(),
                timeout != null ? timeout : base.timeoutStatus(), comment);
    }

    private static CheckStatus status(Invocation use, String name, String... allowed) throws ConfigException {
        for (String a : allowed) {
            if (a.equals(name)) {
                return CheckStatus.valueOf(name);
            }
        }
        throw use.error("expected one of " + String.join(", ", allowed) + ", got '" + name + "'");
    }

    /** {@code status 200,201,300-310}: pairs of low, high. */
    private static int[] statuses(Invocation use, String text) throws ConfigException {
        List<Integer> ranges = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String[] bounds = part.split("-", -1);
            if (bounds.length > 2 || part.isEmpty()) {
                throw use.error("expected status codes or ranges (200,300-399), got '" + text + "'");
            }
            int low = use.number(bounds[0], 100, 999);
            int high = bounds.length == 2 ? use.number(bounds[1], low, 999) : low;
            ranges.add(low);
            ranges.add(high);
        }
        return ranges.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Pattern regex(Invocation use, String text) throws ConfigException {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw use.error("not a valid regular expression '" + text + "': " + e.getDescription());
        }
    }

    /**
     * A server's check options, for {@link ServerOptions#build}: null when the
     * server has no {@code check}. A server with {@code send-proxy} or {@code
     * send-proxy-v2} ({@code serverSendProxy} above 0) is checked with a PROXY
     * header too, as in HAProxy, unless the check goes to its own {@code port} or
     * {@code addr}, where only {@code check-send-proxy} asks for one.
     */
    static ServerCheckSpec spec(ServerCheckOptions o, int serverSendProxy) {
        if (!o.enabled) {
            return null;
        }
        return new ServerCheckSpec(o.address, o.port, o.interMillis, o.fastinterMillis, o.downinterMillis, o.rise,
                o.fall, o.sendProxy || serverSendProxy > 0 && o.port == 0 && o.address == null);
    }
}
