package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mode http keywords: what each line becomes, and every refusal with its file and line. */
class HttpConfigTest {
    /** Line 1 is the frontend header, so a test's first line is line 4. */
    private static final String FRONTEND = "frontend f\n mode http\n bind :80\n";
    private static final String BACKENDS = "backend b\n mode http\n server s 127.0.0.1:1\n"
            + "backend api\n mode http\n server s 127.0.0.1:2\n";

    /** A frontend in mode http holding {@code lines} (from line 4 on), then the backends b and api. */
    private static FrontendConfig frontend(String lines) throws ConfigException {
        return parse(FRONTEND + lines + "\n default_backend b\n" + BACKENDS).frontends().get(0);
    }

    private static void refusedInFrontend(String lines, String message) {
        assertRefused(FRONTEND + lines + "\n default_backend b\n" + BACKENDS, message);
    }

    private static ConditionSpec.Term term(boolean negated, String name, AclSpec... acls) {
        return new ConditionSpec.Term(negated, name, List.of(acls));
    }

    // --- acl ---

    @Test
    void aclLinesAreReadWithFetchMatchFlagsAndValues() throws ConfigException {
        FrontendConfig f = frontend("""
                 acl api path_beg /api /v2
                 acl host hdr(Host) -i example.com
                 acl has_cookie hdr(cookie) -m found
                 acl css path -m end .css
                 acl get method GET HEAD
                 acl lan src 10.0.0.0/8 ::1
                 acl dash path -- -x
                """);
        assertEquals(List.of(
                new AclSpec("api", Fetch.PATH, null, AclMatch.BEG, false, List.of("/api", "/v2"), 4),
                new AclSpec("host", Fetch.HDR, "Host", AclMatch.STR, true, List.of("example.com"), 5),
                new AclSpec("has_cookie", Fetch.HDR, "cookie", AclMatch.FOUND, false, List.of(), 6),
                new AclSpec("css", Fetch.PATH, null, AclMatch.END, false, List.of(".css"), 7),
                new AclSpec("get", Fetch.METHOD, null, AclMatch.STR, false, List.of("GET", "HEAD"), 8),
                new AclSpec("lan", Fetch.SRC, null, AclMatch.IP, false, List.of("10.0.0.0/8", "::1"), 9),
                new AclSpec("dash", Fetch.PATH, null, AclMatch.STR, false, List.of("-x"), 10)), f.routing().acls());
    }

    @Test
    void everySuffixOfPathAndHdrSetsTheMatch() throws ConfigException {
        FrontendConfig f = frontend("""
                 acl a path_end x
                 acl b path_sub x
                 acl c hdr_beg(h) x
                 acl d hdr_end(h) x
                 acl e hdr_sub(h) x
                """);
        assertEquals(List.of(AclMatch.END, AclMatch.SUB, AclMatch.BEG, AclMatch.END, AclMatch.SUB),
                f.routing().acls().stream().map(AclSpec::match).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "acl|'acl' takes at least 2 arguments (acl <name> <fetch> [flags] [values]), got 0",
        "acl a/b path /|acl: 'a/b' is not a valid ACL name (letters, digits, '_', '.', ':' and '-' only)",
        "acl a url_dom x|acl: fetch 'url_dom' is not supported by Sluice (supported: path, url, hdr(NAME) and"
            + " req.hdr(NAME), each also with _beg, _end, _sub or _reg; hdr_cnt([NAME]); method; src; dst; dst_port;"
            + " nbsrv(BACKEND); ssl_fc; ssl_fc_sni, also with _beg, _end, _sub or _reg; ssl_fc_protocol; ssl_c_used; ssl_c_verify; var(NAME);"
                + " in mode tcp req.len, req.ssl_hello_type and req.ssl_sni, also with _beg, _end, _sub or _reg; of a stick table sc_*, sc0_* to sc2_* and src_* of conn_cur, conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, and sc_tracked)",
        "acl a src_beg 10.|acl: fetch 'src_beg' is not supported by Sluice (src takes no suffix)",
        "acl a hdr x|acl: hdr: hdr needs a header name, as in hdr(host)",
        "acl a hdr(host,1) x|acl: 'hdr(host,1)': an occurrence number is not supported by Sluice; write hdr(NAME)",
        "acl a path(x) /|acl: path(x): path takes no argument in parentheses",
        "acl a path_beg|acl: path_beg: needs at least one value to match",
        "acl a path -m dom x|acl: -m dom is not supported by Sluice (supported: str, beg, end, sub, reg, found, ip,"
            + " int, bool)",
        "acl a path_reg ^/(|acl: path_reg: '^/(' is not a valid regular expression: Unclosed group",
        "acl a nbsrv x|acl: nbsrv: nbsrv needs a backend name, as in nbsrv(app)",
        "acl a ssl_fc 1|acl: ssl_fc: -m bool takes no value, got '1'",
        "acl a hdr_cnt(x) -i 1|acl: hdr_cnt(x): -i has no meaning for hdr_cnt",
        "acl a path -m|acl: -m needs a match method: str, beg, end, sub, reg or found",
        "acl a path_beg -m sub /|acl: -m cannot change how 'path_beg' matches; write path -m ...",
        "acl a path -m beg -m end /|acl: -m cannot change how 'path' matches; write path -m ...",
        "acl a hdr(x) -m found y|acl: hdr(x): -m found takes no value, got 'y'",
        "acl a path -f /etc/list|acl: ACL flag '-f' is not supported by Sluice",
        "acl a path -x /|acl: unknown ACL flag '-x' (write -- before a value that starts with '-')",
        "acl a src 10.0.0.0/40|acl: src: expected a prefix length from 0 to 32 in '10.0.0.0/40'",
        "acl a src example.com|acl: src: expected an IPv4 or IPv6 address, got 'example.com'",
        "acl a src -i 10.0.0.1|acl: src: -i has no meaning for src",
        "acl a method -m ip GET|acl: method: -m ip applies to src and dst only",
    })
    void badAclLinesAreRefusedAtTheirLine(String line, String reason) {
        refusedInFrontend(" " + line, "t.cfg:4: " + reason);
    }

    // --- conditions ---

    @Test
    void conditionsReadAndBeforeOrNegationAndAnonymousAcls() throws ConfigException {
        FrontendConfig f = frontend("""
                 acl a path /a
                 acl b path /b
                 acl a path /a2
                 use_backend api if a !b || ! b { hdr(x) -m found } or !{ method POST }
                """);
        AclSpec a1 = f.routing().acls().get(0);
        AclSpec b = f.routing().acls().get(1);
        AclSpec a2 = f.routing().acls().get(2);
        AclSpec found = new AclSpec("{ hdr(x) -m found }", Fetch.HDR, "x", AclMatch.FOUND, false, List.of(), 7);
        AclSpec post = new AclSpec("{ method POST }", Fetch.METHOD, null, AclMatch.STR, false, List.of("POST"), 7);
        ConditionSpec expected = new ConditionSpec(false, List.of(
                List.of(term(false, "a", a1, a2), term(true, "b", b)),
                List.of(term(true, "b", b), term(false, "{ hdr(x) -m found }", found)),
                List.of(term(true, "{ method POST }", post))));
        assertEquals(List.of(new UseBackend("api", expected, 7)), f.routing().useBackends());
    }

    @Test
    void unlessAndRulesWithoutConditionAreKept() throws ConfigException {
        FrontendConfig f = frontend(" acl a path /a\n use_backend api unless a\n use_backend b\n");
        assertTrue(f.routing().useBackends().get(0).condition().unless());
        assertNull(f.routing().useBackends().get(1).condition());
    }

    @Test
    void aConditionUsesOnlyTheAclLinesAboveIt() throws ConfigException {
        FrontendConfig f = frontend(" acl a path /1\n use_backend api if a\n acl a path /2\n");
        assertEquals(1, f.routing().useBackends().get(0).condition().alternatives().get(0).get(0).acls().size());
        assertEquals(2, f.routing().acls().size());
    }

    @Test
    void predefinedAclsNeedNoDeclarationAndADeclaredAclOfTheSameNameWins() throws ConfigException {
        FrontendConfig f = frontend(" use_backend api if METH_GET || LOCALHOST\n acl METH_POST path /p\n"
                + " use_backend api if METH_POST\n");
        List<ConditionSpec.Term> get = f.routing().useBackends().get(0).condition().alternatives().get(0);
        assertEquals(List.of("GET", "HEAD"), get.get(0).acls().get(0).values());
        AclSpec localhost = f.routing().useBackends().get(0).condition().alternatives().get(1).get(0).acls().get(0);
        assertEquals(new AclSpec("LOCALHOST", Fetch.SRC, null, AclMatch.IP, false, List.of("127.0.0.1/8", "::1"), 0),
                localhost);
        assertEquals(Fetch.PATH, f.routing().useBackends().get(1).condition().alternatives().get(0).get(0).acls().get(0).fetch());
        refusedInFrontend(" use_backend api if HTTP_1.1", "t.cfg:4: use_backend: no ACL named 'HTTP_1.1' above this"
                + " line in frontend 'f'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "use_backend api if nope#use_backend: no ACL named 'nope' above this line in frontend 'f'",
        "use_backend api if#use_backend: 'if' needs a condition",
        "use_backend api unless#use_backend: 'unless' needs a condition",
        "use_backend api if a || || a#use_backend: '||' needs a term on each side",
        "use_backend api if || a#use_backend: '||' needs a term on each side",
        "use_backend api if a ||#use_backend: '||' needs a term on each side",
        "use_backend api if a or#use_backend: '||' needs a term on each side",
        "use_backend api if a !#use_backend: '!' must be followed by an ACL",
        "use_backend api if { path /x#use_backend: missing '}' after '{'",
        "use_backend api if { }#use_backend: an anonymous ACL needs a fetch: '{ }' is empty",
        "use_backend api if a }#use_backend: unexpected '}' in the condition",
        "use_backend api if a if a#use_backend: unexpected 'if' in the condition",
        "use_backend api if { path_len 3 }#use_backend: fetch 'path_len' is not supported by Sluice (supported:"
            + " path, url, hdr(NAME) and req.hdr(NAME), each also with _beg, _end, _sub or _reg; hdr_cnt([NAME]);"
            + " method; src; dst; dst_port; nbsrv(BACKEND); ssl_fc; ssl_fc_sni, also with _beg, _end, _sub or _reg; ssl_fc_protocol; ssl_c_used; ssl_c_verify; var(NAME);"
                + " in mode tcp req.len, req.ssl_hello_type and req.ssl_sni, also with _beg, _end, _sub or _reg; of a stick table sc_*, sc0_* to sc2_* and src_* of conn_cur, conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, and sc_tracked)",
        "use_backend api when a#use_backend: expected if or unless after the backend name, got 'when'",
        "use_backend %[req.hdr(x)]#use_backend: '%[req.hdr(x)]': log-format expressions are not supported by Sluice"
            + " (write %% for a percent sign)",
    })
    void badConditionsAreRefusedAtTheirLine(String line, String reason) {
        refusedInFrontend(" acl a path /a\n " + line, "t.cfg:5: " + reason);
    }

    // --- use_backend and default_backend ---

    @Test
    void aFrontendWithUseBackendNeedsNoDefaultBackend() throws ConfigException {
        Config config = parse(FRONTEND + " use_backend api if { path_beg /api }\n" + BACKENDS);
        assertNull(config.frontends().get(0).defaultBackend());
        assertEquals("api", config.frontends().get(0).routing().useBackends().get(0).backend());
    }

    @Test
    void useBackendNamingNoBackendIsRefusedAtItsLine() {
        refusedInFrontend(" use_backend nowhere if { path / }", "t.cfg:4: use_backend: no backend named 'nowhere'");
    }

    @Test
    void useBackendToATcpBackendIsRefusedAtItsLine() {
        assertRefused(FRONTEND + " use_backend t\n default_backend b\n" + BACKENDS
                + "backend t\n server s 127.0.0.1:3\n", "t.cfg:4: use_backend: frontend 'f' is in mode http but"
                + " backend 't' (line 12) is in mode tcp");
    }

    @Test
    void rulesInModeTcpAreRefusedNotIgnored() {
        assertRefused("frontend f\n bind :80\n acl a path /\n use_backend b if a\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n", "t.cfg:3: acl a: fetch path needs mode http, but frontend 'f'"
                + " is in mode tcp (line 1)");
        assertRefused("frontend f\n bind :80\n use_backend b if { hdr(host) a }\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n", "t.cfg:3: use_backend: a fetch of its condition needs mode"
                + " http, but frontend 'f' is in mode tcp (line 1)");
        assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n mode tcp\n server s 127.0.0.1:1\n"
                + " http-request deny\n", "t.cfg:7: http-request deny needs mode http, but backend 'b' is in mode tcp"
                + " (line 5)");
    }

    // --- http-request ---

    @Test
    void headerRulesAreReadInFileOrderWithTheirConditions() throws ConfigException {
        FrontendConfig f = frontend("""
                 http-request set-header X-Proto https
                 http-request add-header X-Note "a b %% c" if { path /x }
                 http-request del-header Cookie unless { method GET }
                """);
        List<HttpRequestRule> rules = f.http().httpRequestRules();
        assertEquals(new HttpRequestRule(HttpRequestRule.Action.SET_HEADER, "X-Proto", "https", null, null, 4),
                rules.get(0));
        assertEquals(HttpRequestRule.Action.ADD_HEADER, rules.get(1).action());
        // The rule keeps the log-format text; its compiled header rule writes "a b % c" (SampleTest).
        assertEquals("a b %% c", rules.get(1).value());
        assertFalse(rules.get(1).condition().unless());
        assertEquals(new HttpRequestRule(HttpRequestRule.Action.DEL_HEADER, "Cookie", null, null,
                rules.get(2).condition(), 6), rules.get(2));
        assertTrue(rules.get(2).condition().unless());
    }

    @Test
    void replaceRulesAreReadWithTheirPatternReplacementAndCondition() throws ConfigException {
        FrontendConfig f = frontend("""
                 http-request replace-header Cookie "foo=([^;]*);(.*)" "foo=\\1;x=%%;\\2" if { path /x }
                 http-request replace-value X-List a(.) b\\1
                 http-request replace-path ^/old(/.*)$ /new\\1 unless { method POST }
                 http-request replace-pathq (.*) \\1
                 http-request replace-uri ^(.*)$ \\1
                 http-response replace-header Location ^http://(.*)$ https://\\1
                 http-response replace-value Vary a b
                """);
        List<HttpRequestRule> rules = f.http().httpRequestRules();
        assertEquals(HttpRequestRule.Action.REPLACE_HEADER, rules.get(0).action());
        assertEquals("Cookie", rules.get(0).header());
        assertEquals("foo=([^;]*);(.*)", rules.get(0).regex());
        assertEquals("foo=\\1;x=%;\\2", rules.get(0).value());
        assertFalse(rules.get(0).condition().unless());
        assertEquals(new HttpRequestRule(HttpRequestRule.Action.REPLACE_VALUE, "X-List", "b\\1", null, null, 5, null, 0,
                "a(.)"), rules.get(1));
        assertEquals(HttpRequestRule.Action.REPLACE_PATH, rules.get(2).action());
        assertTrue(rules.get(2).condition().unless());
        assertEquals(List.of(HttpRequestRule.Action.REPLACE_PATHQ, HttpRequestRule.Action.REPLACE_URI),
                List.of(rules.get(3).action(), rules.get(4).action()));
        List<HttpRequestRule> responses = f.http().httpResponseRules();
        assertEquals(new HttpRequestRule(HttpRequestRule.Action.REPLACE_HEADER, "Location", "https://\\1", null, null,
                9, null, 0, "^http://(.*)$"), responses.get(0));
        assertEquals(HttpRequestRule.Action.REPLACE_VALUE, responses.get(1).action());
    }

    @Test
    void returnReadsEveryOptionInAnyOrder() throws ConfigException {
        FrontendConfig f = frontend(" http-request return hdr X-A 1 content-type text/plain status 404 string \"not here\""
                + " hdr X-B 2 if { path /gone }\n http-request return\n");
        HttpRequestRule.Response response = f.http().httpRequestRules().get(0).response();
        assertEquals(new HttpRequestRule.Response(404, "text/plain", "not here".getBytes(StandardCharsets.UTF_8),
                List.of(Map.entry("X-A", "1"), Map.entry("X-B", "2"))), response);
        assertEquals(new HttpRequestRule.Response(200, null, null, List.of()), f.http().httpRequestRules().get(1).response());
    }

    @Test
    void returnReadsItsFileWhenTheConfigurationIsLoaded(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("maintenance.html");
        Files.write(page, new byte[] {'<', 'p', '>', (byte) 0xC3, (byte) 0xA9});
        FrontendConfig f = frontend(" http-request return status 503 content-type text/html file " + page);
        assertArrayEquals(Files.readAllBytes(page), f.http().httpRequestRules().get(0).response().body());
        refusedInFrontend(" http-request return content-type text/html file " + dir.resolve("missing.html"),
                "t.cfg:4: http-request return: cannot read file '" + dir.resolve("missing.html") + "': "
                        + dir.resolve("missing.html"));
    }

    @Test
    void errorfileIsReadCheckedAndInheritedFromDefaults(@TempDir Path dir) throws Exception {
        Path p503 = dir.resolve("503.http");
        Files.writeString(p503, "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\n"
                + "Connection: close\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n");
        Path p400 = dir.resolve("400.http");
        Files.writeString(p400, "HTTP/1.1 400 Bad Request\r\ncontent-length: 3\r\n\r\nbad");
        Config config = parse("defaults\n mode http\n errorfile 503 " + p503 + "\n errorfile 400 " + p400 + "\n"
                + "frontend f\n bind :80\n errorfile 400 " + p503 + "\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n");
        List<ErrorFile> fe = config.frontends().get(0).http().errorFiles();
        assertEquals(List.of(400, 503), fe.stream().map(ErrorFile::code).toList());
        assertArrayEquals(Files.readAllBytes(p503), fe.get(0).bytes(), "the frontend's own line replaces the defaults'");
        assertEquals(7, fe.get(0).line());
        List<ErrorFile> be = config.backends().get(0).http().errorFiles();
        assertArrayEquals(Files.readAllBytes(p400), be.get(0).bytes(), "the backend inherits the defaults' pages");
    }

    @Test
    void errorfilesImportsAnHttpErrorsSectionInFileOrderWhereverTheSectionIs(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.http"), "HTTP/1.1 503 Service Unavailable\r\n\r\na");
        Path b = Files.writeString(dir.resolve("b.http"), "HTTP/1.1 503 Service Unavailable\r\n\r\nb");
        Path c = Files.writeString(dir.resolve("c.http"), "HTTP/1.1 403 Forbidden\r\n\r\nc");
        Config config = parse("frontend f\n bind :80\n errorfile 503 " + a + "\n errorfiles site 403\n"
                + " default_backend b\n"
                + "backend b\n errorfiles site\n errorfile 503 " + a + "\n server s 127.0.0.1:1\n"
                + "http-errors site\n errorfile 503 " + b + "\n errorfile 403 " + c + "\n");
        List<ErrorFile> fe = config.frontends().get(0).http().errorFiles();
        assertEquals(List.of(403, 503), fe.stream().map(ErrorFile::code).toList());
        assertArrayEquals(Files.readAllBytes(a), fe.get(1).bytes(), "only 403 was imported: the own 503 stays");
        List<ErrorFile> be = config.backends().get(0).http().errorFiles();
        assertArrayEquals(Files.readAllBytes(c), be.get(0).bytes());
        assertArrayEquals(Files.readAllBytes(a), be.get(1).bytes(), "the later errorfile line wins over the import");
        assertRefused("frontend f\n bind :80\n errorfiles nope\n default_backend b\n" + BACKENDS,
                "t.cfg:3: errorfiles: no http-errors section named 'nope'");
        assertRefused("http-errors x\n errorfile 503 " + a + "\nhttp-errors x\n" + FRONTEND + " default_backend b\n"
                + BACKENDS, "t.cfg:3: http-errors 'x' is already defined at line 1");
    }

    @Test
    void aBadErrorfileIsRefusedAtItsLine(@TempDir Path dir) throws Exception {
        Path lf = dir.resolve("lf.http");
        Files.writeString(lf, "HTTP/1.0 503 Service Unavailable\nContent-Type: text/html\n\n<h1>down</h1>\n");
        Path html = dir.resolve("page.html");
        Files.writeString(html, "<h1>down</h1>\n");
        refusedInFrontend(" errorfile 503 " + lf, "t.cfg:4: errorfile: '" + lf + "' for status 503: the file's head does not end"
                + " with an empty line; its lines must end with CRLF");
        refusedInFrontend(" errorfile 503 " + html, "t.cfg:4: errorfile: '" + html + "' for status 503: the file must hold a"
                + " whole HTTP/1.x response, starting with its status line (HTTP/1.0 or HTTP/1.1)");
        refusedInFrontend(" errorfile 302 " + html, "t.cfg:4: errorfile: status '302' cannot have an error file (one"
                + " of [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504])");
        refusedInFrontend(" errorfile 503 " + dir.resolve("missing.http"), "t.cfg:4: errorfile: cannot read file '"
                + dir.resolve("missing.http") + "': " + dir.resolve("missing.http"));
        Path big = dir.resolve("big.http");
        Files.writeString(big, "HTTP/1.1 503 Service Unavailable\r\n\r\n" + "x".repeat(600));
        assertRefused("global\n tune.bufsize 1024\n tune.maxrewrite 500\n" + FRONTEND + " errorfile 503 " + big
                + "\n default_backend b\n" + BACKENDS, "t.cfg:7: errorfile 503: the page takes 655 bytes with the"
                + " connection: close line Sluice may add, more than the 524 that tune.bufsize - tune.maxrewrite"
                + " leave for it");
    }

    @Test
    void aReturnedResponseMustFitInABufferLessTheRewriteReserve() throws ConfigException {
        // Status line, content-type and content-length take 66 bytes; 1024 - 500 leaves 524.
        String fits = "x".repeat(524 - 66);
        String text = "global\n tune.bufsize 1024\n tune.maxrewrite 500\n" + FRONTEND
                + " http-request return content-type text/plain string " + fits + "\n default_backend b\n" + BACKENDS;
        HttpRequestRule rule = parse(text).frontends().get(0).http().httpRequestRules().get(0);
        assertEquals(524, RuleCompiler.response(rule).length());
        assertRefused(text.replace(fits, fits + "x"), "t.cfg:7: http-request return: the response takes 525"
                + " bytes with its status line and header fields, more than the 524 that tune.bufsize -"
                + " tune.maxrewrite leave for it");
    }

    @Test
    void denyTakesAnOptionalStatus() throws ConfigException {
        FrontendConfig f = frontend(" http-request deny\n http-request deny deny_status 429 if { src 10.0.0.0/8 }\n");
        assertEquals(403, f.http().httpRequestRules().get(0).response().status());
        assertEquals(429, f.http().httpRequestRules().get(1).response().status());
        assertEquals(HttpRequestRule.Action.DENY, f.http().httpRequestRules().get(1).action());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "http-request set-header X#'http-request set-header' takes at least 2 arguments (http-request set-header"
            + " <name> <value> [if|unless <condition>]), got 1",
        "http-request set-header X a b#http-request set-header: expected a header name and one value (quote a value"
            + " that holds spaces), then if or unless, got 3 words before the condition",
        "http-request set-header X %[src,json]#http-request set-header: converter 'json' is not supported by Sluice"
            + " (supported: lower, upper, hex, base64)",
        "http-request add-header X 50%#http-request add-header: '50%': log-format variables other than %[...] and"
            + " %{+Q}[...] sample expressions are not supported by Sluice in a value (write %% for a percent sign)",
        "http-request set-var(proc.x) src#http-request set-var: variable 'proc.x': the proc scope (a variable of the"
            + " whole process) is not supported by Sluice; use sess or txn",
        "http-request set-var(txn.x) src path#http-request set-var: expected one sample expression after"
            + " set-var(NAME), then if or unless, got 2 words",
        "http-request unset-var(txn.x) src#http-request unset-var: expected nothing after unset-var(NAME) but if or"
            + " unless",
        "http-response set-var(txn.x) status#'http-response set-var' is not supported by Sluice: a response's rules"
            + " set no variable in Sluice; set it from the request with 'http-request set-var(txn.NAME) EXPR'",
        "http-response set-header X %[path]#http-response set-header: '%[path]': a response's rules cannot read the"
            + " request head, which went out before the response came; keep what they need with 'http-request"
            + " set-var(txn.NAME) EXPR' and write %[var(txn.NAME)]",
        "http-request set-header 'X Y' 1#http-request set-header: 'X Y' is not a valid header name",
        "http-request set-header X a\\nB#http-request set-header: a header value may not hold control characters"
            + " such as CR or LF",
        "http-request del-header X -m beg#http-request del-header: -m is not supported by Sluice; the name is matched"
            + " whole, ignoring case",
        "http-request del-header X Y#http-request del-header: expected one header name, then if or unless, got 2"
            + " words before the condition",
        "http-request del-header Content-Length#http-request del-header: 'Content-Length' frames or routes the"
            + " message; Sluice does not let a rule change it",
        "http-request set-header transfer-encoding chunked#http-request set-header: 'transfer-encoding' frames or"
            + " routes the message; Sluice does not let a rule change it",
        "http-request add-header Host evil#http-request add-header: 'Host' frames or routes the message; Sluice"
            + " does not let a rule change it",
        "http-request set-path /%[path]#http-request set-path: '/%[path]': log-format expressions are not"
            + " supported by Sluice (write %% for a percent sign)",
        "http-request set-path /a /b#http-request set-path: expected one value (quote a value that holds spaces),"
            + " then if or unless, got 2 words before the condition",
        "http-request set-uri '/a b'#http-request set-uri: '/a b' holds a space, a control character or a byte"
            + " outside ASCII, which a request target cannot",
        "http-request set-method CONNECT#http-request set-method: a rule may not turn a request into CONNECT",
        "http-request replace-path (a x#http-request replace-path: '(a' is not a valid regular expression:"
            + " Unclosed group",
        "http-request replace-header X-A (a)(b) \\7#http-request replace-header: '\\7' refers to group \\7 but"
            + " '(a)(b)' has 2 groups (write \\0 for the whole match, \\1..\\2 for a group)",
        "http-request replace-value Content-Length (.*) 0#http-request replace-value: 'Content-Length' frames or"
            + " routes the message; Sluice does not let a rule change it",
        "http-request replace-header Connection (.*) close#http-request replace-header: 'Connection' frames or"
            + " routes the message; Sluice does not let a rule change it",
        "http-request replace-uri (.*) %[path]#http-request replace-uri: '%[path]': log-format expressions are not"
            + " supported by Sluice (write %% for a percent sign)",
        "http-request replace-path (.*) if TRUE#http-request replace-path: expected a regular expression and a"
            + " replacement (quote one that holds spaces), then if or unless, got 1 words before the condition",
        "http-request replace-pathq (.*) '/a b'#http-request replace-pathq: '/a b' holds a space, a control"
            + " character or a byte outside ASCII, which a request target cannot",
        "http-response replace-header X-A a b if TRUE#http-response replace-header: a condition on an"
            + " http-response rule is not supported by Sluice yet (its fetches read requests, not responses); the"
            + " rule runs on every response without one",
        "http-response replace-value X-A a#'http-response replace-value' takes at least 3 arguments (http-response"
            + " replace-value <name> <regex> <replacement>), got 2",
        "http-request set-query x if#http-request set-query: 'if' needs a condition",
        "http-request return status 100#http-request return: expected a whole number from 200 to 599, got '100'",
        "http-request return status#http-request return: 'status' needs a value",
        "http-request return hdr X#http-request return: 'hdr' needs a name and a value",
        "http-request return status 200 status 201#http-request return: 'status' is given twice",
        "http-request return string a file b#http-request return: 'string or file' is given twice",
        "http-request return string a#http-request return: a payload needs a content-type",
        "http-request return status 204 content-type t string a#http-request return: a 204 response has no payload",
        "http-request return hdr Content-Length 5#http-request return: hdr Content-Length cannot be set here",
        "http-request return hdr X %[src]#http-request return: '%[src]': log-format expressions are not supported"
            + " by Sluice (write %% for a percent sign)",
        "http-request return lf-string x#http-request return: 'lf-string': log-format expressions are not supported"
            + " by Sluice",
        "http-request return errorfile x#http-request return: 'errorfile' is not supported by Sluice (supported:"
            + " status, content-type, string, file, hdr)",
        "http-request deny deny_status#http-request deny: expected deny_status and one status code, then if or"
            + " unless",
        "http-request deny content-type t#http-request deny: 'content-type' is not supported by Sluice (supported:"
            + " deny_status)",
        "http-request deny deny_status 99#http-request deny: expected a whole number from 200 to 599, got '99'",
        "http-request deny if nope#http-request deny: no ACL named 'nope' above this line in frontend 'f'",
    })
    void badHttpRequestLinesAreRefusedAtTheirLine(String line, String reason) {
        refusedInFrontend(" " + line, "t.cfg:4: " + reason);
    }

    // --- options, http-reuse, tune.http.maxhdr ---

    @Test
    void forwardforHttpcloseAndHttpReuseAreInheritedFromDefaults() throws ConfigException {
        Config config = parse("defaults\n mode http\n option forwardfor\n option httpclose\n http-reuse never\n"
                + "frontend f\n bind :80\n default_backend b\nbackend b\n server s 127.0.0.1:1\n");
        assertTrue(config.frontends().get(0).http().forwardFor());
        assertTrue(config.frontends().get(0).http().httpClose());
        assertTrue(config.backends().get(0).http().forwardFor());
        assertTrue(config.backends().get(0).http().httpClose());
        assertEquals(HttpReuse.NEVER, config.backends().get(0).http().httpReuse());
    }

    @Test
    void theThreeConnectionModesExcludeEachOtherAndTheLastWrittenWins() throws ConfigException {
        Config config = parse("defaults\n mode http\n option httpclose\n option http-server-close\n"
                + "frontend f\n bind :80\n option http-keep-alive\n default_backend b\n"
                + "backend b\n option http-server-close\n server s 127.0.0.1:1\n"
                + "backend c\n option http-server-close\n option httpclose\n server s 127.0.0.1:1\n"
                + "backend d\n no option http-server-close\n server s 127.0.0.1:1\n");
        HttpConfig f = config.frontends().get(0).http();
        assertFalse(f.httpClose() || f.serverClose(), "http-keep-alive undoes the defaults' mode");
        HttpConfig b = config.backends().get(0).http();
        assertTrue(b.serverClose());
        assertFalse(b.httpClose(), "http-server-close after httpclose (in defaults) wins");
        HttpConfig c = config.backends().get(1).http();
        assertTrue(c.httpClose());
        assertFalse(c.serverClose());
        assertFalse(config.backends().get(2).http().serverClose());
        assertFalse(config.backends().get(2).http().httpClose());
    }

    @Test
    void optionsAreOffAndHttpReuseIsSafeByDefault() throws ConfigException {
        Config config = parse(FRONTEND + " default_backend b\n" + BACKENDS);
        assertFalse(config.frontends().get(0).http().forwardFor());
        assertFalse(config.frontends().get(0).http().httpClose());
        assertEquals(HttpReuse.SAFE, config.backends().get(0).http().httpReuse());
        assertEquals(HttpReuse.SAFE, parse(FRONTEND + " default_backend b\n" + BACKENDS.replace(" server s 127.0.0.1:1",
                " http-reuse safe\n server s 127.0.0.1:1")).backends().get(0).http().httpReuse());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frontend f|http-response set-header X-A b if { path /x }|http-response set-header: a condition on an http-response rule is not supported by Sluice yet (its fetches read requests, not responses); the rule runs on every response without one",
        "backend x|http-response del-header Content-Length|http-response del-header: 'Content-Length' frames or routes the message; Sluice does not let a rule change it",
        "backend x|http-response add-header X-A|'http-response add-header' takes at least 2 arguments (http-response add-header <name> <value>), got 1",
        "defaults|option forwardfor except|option forwardfor: 'except' needs a value",
        "defaults|option forwardfor except 10.0.0.0/40|option forwardfor: expected a prefix length from 0 to 32 in '10.0.0.0/40'",
        "defaults|option forwardfor header|option forwardfor: 'header' needs a value",
        "defaults|option forwardfor always|option forwardfor: unknown argument 'always' (expected except NETWORK, header NAME or if-none)",
        "defaults|option httpclose now|'option httpclose' takes no argument (option httpclose), got 1",
        "defaults|http-reuse aggressive|http-reuse: aggressive is not supported by Sluice (supported: never, safe)",
        "defaults|http-reuse always|http-reuse: always is not supported by Sluice (supported: never, safe)",
        "backend x|http-reuse sometimes|http-reuse: sometimes is not supported by Sluice (supported: never, safe)",
        "global|tune.http.maxhdr 0|tune.http.maxhdr: expected a whole number from 1 to 32767, got '0'",
        "global|tune.http.maxhdr 32768|tune.http.maxhdr: expected a whole number from 1 to 32767, got '32768'",
    })
    void badOptionValuesAreRefused(String header, String line, String reason) {
        assertRefused(header + "\n " + line + "\n" + ConfigParserTest.PROXIES, "t.cfg:2: " + reason);
    }

    @Test
    void tcpSmartConnectIsOffByDefaultInheritedFromDefaultsAndABackendOption() throws ConfigException {
        assertFalse(parse(FRONTEND + " default_backend b\n" + BACKENDS).backends().get(0).smartConnect());
        Config inherited = parse("defaults\n option tcp-smart-connect\n" + FRONTEND + " default_backend b\n" + BACKENDS);
        assertTrue(inherited.backends().get(0).smartConnect());
        Config own = parse(FRONTEND + " default_backend b\n"
                + BACKENDS.replace(" server s 127.0.0.1:1", " option tcp-smart-connect\n server s 127.0.0.1:1"));
        assertTrue(own.backends().get(0).smartConnect());
        Config negated = parse("defaults\n option tcp-smart-connect\n" + FRONTEND + " default_backend b\n"
                + BACKENDS.replace(" server s 127.0.0.1:1", " no option tcp-smart-connect\n server s 127.0.0.1:1"));
        assertFalse(negated.backends().get(0).smartConnect());
    }

    @Test
    void tuneHttpMaxhdrAndTheRewriteReserveGiveTheHeadLimits() throws ConfigException {
        Global global = parse("global\n tune.http.maxhdr 20\n tune.bufsize 8192\n tune.maxrewrite 1000\n"
                + ConfigParserTest.PROXIES).global();
        assertEquals(20, global.httpLimits().maxHeaders());
        assertEquals(7192, global.httpLimits().maxHeadBytes());
        assertEquals(101, parse(ConfigParserTest.PROXIES).global().httpLimits().maxHeaders());
    }
}
