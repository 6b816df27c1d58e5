package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {
    /** The smallest valid file's proxies, appended after what a test puts first. */
    static final String PROXIES = """
            frontend f
                bind 127.0.0.1:8080
                default_backend b
            backend b
                server s1 127.0.0.1:8081
            """;

    static Config parse(String text) throws ConfigException {
        return new ConfigParser("t.cfg", 4).read(text);
    }

    static void assertRefused(String text, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals(message, e.getMessage());
    }

    private static Global global(String lines) throws ConfigException {
        return parse("global\n" + lines + "\n" + PROXIES).global();
    }

    private static FrontendConfig frontend(String lines) throws ConfigException {
        return parse("""
                frontend f
                    bind 127.0.0.1:8080
                    default_backend b
                """ + lines + "\nbackend b\n server s1 127.0.0.1:8081\n").frontends().get(0);
    }

    private static BackendConfig backend(String lines) throws ConfigException {
        return parse("frontend f\n bind :80\n default_backend b\nbackend b\n" + lines + "\n").backends().get(0);
    }

    // --- global ---

    @Test
    void globalDefaultsApplyWhenTheFileHasNoGlobalSection() throws ConfigException {
        assertEquals(new Global(4, 2000, 16384, 2048, 2, 1024, 30_000, 101, ProcessLogConfig.NONE, 0), parse(PROXIES).global());
    }

    @Test
    void nbthreadDefaultsToTheAvailableProcessors() throws ConfigException {
        Config config = ConfigParser.parse("t.cfg", PROXIES);
        assertEquals(Runtime.getRuntime().availableProcessors(), config.global().nbthread());
    }

    @Test
    void everyGlobalKeywordSetsItsField() throws ConfigException {
        Global global = global("""
                nbthread 3
                maxconn 500
                tune.bufsize 8192
                tune.buffers.limit 90
                tune.buffers.reserve 5
                tune.maxrewrite 512
                hard-stop-after 2m
                tune.http.maxhdr 64
                """);
        assertEquals(new Global(3, 500, 8192, 90, 5, 512, 120_000, 64, ProcessLogConfig.NONE, 0), global);
    }

    @Test
    void buffersLimitDefaultsToTheMemoryBudgetAtMostTwoPerConnection() throws ConfigException {
        assertEquals(600, global("maxconn 300").buffersLimit());
        assertEquals(2048, global("maxconn 20000").buffersLimit(), "32 MiB of 16 KB buffers");
        assertEquals(640, global("maxconn 20000\ntune.buffers.memory 10m").buffersLimit());
        assertEquals(1280, global("maxconn 20000\ntune.buffers.memory 10m\ntune.bufsize 8192").buffersLimit());
        assertEquals(5000, global("maxconn 20000\ntune.buffers.memory 10m\ntune.buffers.limit 5000").buffersLimit());
    }

    @Test
    void defaultBuffersLimitIsRaisedToTheSmallestAcceptedValue() throws ConfigException {
        Global global = global("maxconn 10\nnbthread 4\ntune.buffers.reserve 3");
        assertEquals(Global.minimumBuffersLimit(4, 3), global.buffersLimit());
        assertEquals(20, global.buffersLimit());
    }

    @Test
    void severalGlobalSectionsAddUp() throws ConfigException {
        Global global = parse("global\n maxconn 300\nglobal\n nbthread 2\n" + PROXIES).global();
        assertEquals(300, global.maxconn());
        assertEquals(2, global.nbthread());
    }

    @Test
    void aGlobalMaxconnSetTwiceKeepsTheFirstValueWithAWarningAsHaproxyDoes() throws ConfigException {
        Config config = parse("global\n maxconn 300\nglobal\n maxconn 400\n" + PROXIES);
        assertEquals(300, config.global().maxconn());
        assertEquals(List.of("t.cfg:4: warning: 'maxconn' is already set at line 2; this line is ignored, as HAProxy"
                + " ignores it"), config.warnings());
    }

    @Test
    void aGlobalTuningSetTwiceTakesTheLastValueWithAWarning() throws ConfigException {
        Config config = parse("global\n tune.bufsize 8192\n nbthread 3\n tune.bufsize 4096\n" + PROXIES);
        assertEquals(4096, config.global().bufsize());
        assertEquals(List.of("t.cfg:4: warning: 'tune.bufsize' is set again (line 2 set it first); this line's value"
                + " wins, as in HAProxy"), config.warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nbthread 0|nbthread: expected a whole number from 1 to 4096, got '0'",
        "nbthread 4097|nbthread: expected a whole number from 1 to 4096, got '4097'",
        "maxconn many|maxconn: expected a whole number >= 1, got 'many'",
        "maxconn -1|maxconn: expected a whole number >= 1, got '-1'",
        "maxconn 99999999999999999999|maxconn: expected a whole number >= 1, got '99999999999999999999'",
        "tune.bufsize 16k|tune.bufsize: expected a whole number >= 1, got '16k'",
        "tune.buffers.limit 0|tune.buffers.limit: expected a whole number >= 1, got '0'",
        "tune.buffers.reserve x|tune.buffers.reserve: expected a whole number from 0 to 1048576, got 'x'",
        "tune.maxrewrite 1.5|tune.maxrewrite: expected a whole number >= 0, got '1.5'",
        "hard-stop-after soon|hard-stop-after: expected a time like 5s or 500ms (units us, ms, s, m, h, d), got 'soon'",
    })
    void badGlobalValuesAreRefusedWithKeywordAndLine(String line, String reason) {
        assertRefused("global\n" + line + "\n" + PROXIES, "t.cfg:2: " + reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "maxconn|'maxconn' takes 1 argument (maxconn <number>), got 0",
        "maxconn 1 2|'maxconn' takes 1 argument (maxconn <number>), got 2",
    })
    void wrongArgumentCountsAreRefused(String line, String reason) {
        assertRefused("global\n" + line + "\n" + PROXIES, "t.cfg:2: " + reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "master-worker|'master-worker' is not supported by Sluice: Sluice runs as one process and reloads in"
            + " place (SIGHUP, SIGUSR2 or the stats socket's 'reload'); a service manager restarts it if it dies",
        "cpu-map|'cpu-map' is not supported by Sluice: Sluice does not pin its event loop threads to CPUs; remove"
            + " the line, or pin the whole process with taskset or systemd's CPUAffinity",
        "stats|'stats x' is not supported by Sluice: Sluice's stats keywords are socket and timeout in global, and"
            + " enable, uri, refresh, auth, realm, hide-version, show-node, show-desc, show-legends and scope in a"
            + " proxy",
        "tune.ssl.maxrecord|'tune.ssl.maxrecord' is not supported by Sluice",
    })
    void unsupportedGlobalKeywordsAreRefusedByNameWithWhatToDo(String keyword, String reason) {
        assertRefused("global\n    " + keyword + " x\n" + PROXIES, "t.cfg:2: " + reason);
    }

    @Test
    void globalTakesNoArgument() {
        assertRefused("global main\n" + PROXIES, "t.cfg:1: global takes no argument, got 'main'");
    }

    // --- times ---

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "250, 250",
        "250ms, 250",
        "1us, 1",
        "1000us, 1",
        "1500us, 2",
        "5s, 5000",
        "2m, 120000",
        "3h, 10800000",
        "1d, 86400000",
        "2147483647, 2147483647",
    })
    void timesTakeHaproxyUnitsAndBareNumbersAreMilliseconds(String text, long millis) throws ConfigException {
        assertEquals(millis, backend("timeout connect " + text + "\n server s 127.0.0.1:1").timeouts().connect());
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "5 s", "5S", "-5s", "1.5s", "5u", "s", "5y", ""})
    void malformedTimesAreRefused(String text) {
        assertRefused("defaults\n timeout connect \"" + text + "\"\n" + PROXIES,
                "t.cfg:2: timeout connect: expected a time like 5s or 500ms (units us, ms, s, m, h, d), got '" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({"10min, 600000", "5sec, 5000", "2mins, 120000", "1ms0, 1"})
    void charactersAfterAValidUnitAreIgnoredWithAWarningAsHaproxy26Does(String text, long millis)
            throws ConfigException {
        Config config = parse("defaults\n timeout connect " + text + "\n" + PROXIES);
        assertEquals(millis, config.backends().get(0).timeouts().connect());
        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).startsWith("t.cfg:2: warning: timeout connect: '" + text + "' is read as "),
                config.warnings().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "25d", "99999999999999999999d"})
    void timesBeyondHaproxysLimitAreRefused(String text) {
        assertRefused("defaults\n timeout server " + text + "\n" + PROXIES, "t.cfg:2: timeout server: time '"
                + text + "' is too large (at most 2147483647ms, about 24 days)");
    }

    // --- defaults, frontend, backend ---

    @Test
    void everyTimeoutIsReadInDefaultsAndInherited() throws ConfigException {
        Config config = parse("""
                defaults
                    timeout connect 1s
                    timeout client 2s
                    timeout server 3s
                    timeout queue 4s
                    timeout http-request 5s
                    timeout http-keep-alive 6s
                """ + PROXIES);
        Timeouts expected = new Timeouts(1000, 2000, 3000, 4000, 5000, 6000);
        assertEquals(expected, config.frontends().get(0).timeouts());
        assertEquals(expected, config.backends().get(0).timeouts());
    }

    @Test
    void timeoutsDefaultToNotSet() throws ConfigException {
        assertEquals(Timeouts.NONE, parse(PROXIES).frontends().get(0).timeouts());
    }

    @Test
    void frontendTimeoutsOverrideDefaults() throws ConfigException {
        FrontendConfig frontend = parse("defaults\n timeout client 2s\n timeout http-request 1s\n" + """
                frontend f
                    bind :80
                    default_backend b
                    timeout client 7s
                    timeout http-keep-alive 8s
                backend b
                    server s 127.0.0.1:1
                """).frontends().get(0);
        assertEquals(new Timeouts(0, 7000, 0, 0, 1000, 8000), frontend.timeouts());
    }

    @Test
    void backendTimeoutsOverrideDefaults() throws ConfigException {
        BackendConfig backend = backend("""
                timeout connect 1s
                timeout server 2s
                timeout queue 3s
                timeout http-request 4s
                timeout http-keep-alive 5s
                server s 127.0.0.1:1
                """);
        assertEquals(new Timeouts(1000, 0, 2000, 3000, 4000, 5000), backend.timeouts());
    }

    @Test
    void aLaterDefaultsSectionStartsAgainFromBuiltInValues() throws ConfigException {
        Config config = parse("""
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 9s
                    maxconn 50
                frontend first
                    bind :80
                    default_backend early
                backend early
                    server s 127.0.0.1:1
                defaults
                    timeout server 3s
                frontend second
                    bind :81
                    default_backend late
                backend late
                    server s 127.0.0.1:1
                """);
        assertEquals(new Timeouts(1000, 9000, 0, 0, 0, 0), config.frontends().get(0).timeouts());
        assertEquals(50, config.frontends().get(0).maxconn());
        assertEquals(new Timeouts(1000, 9000, 0, 0, 0, 0), config.backends().get(0).timeouts());
        assertEquals(new Timeouts(0, 0, 3000, 0, 0, 0), config.frontends().get(1).timeouts());
        assertEquals(2000, config.frontends().get(1).maxconn());
        assertEquals(new Timeouts(0, 0, 3000, 0, 0, 0), config.backends().get(1).timeouts());
    }

    @Test
    void aNamedDefaultsSectionActsLikeAnUnnamedOne() throws ConfigException {
        Config config = parse("defaults base\n timeout queue 2s\n" + PROXIES);
        assertEquals(2000, config.backends().get(0).timeouts().queue());
    }

    @Test
    void sectionsBeforeAnyDefaultsUseBuiltInValues() throws ConfigException {
        Config config = parse(PROXIES + "defaults\n timeout queue 2s\n");
        assertEquals(Timeouts.NONE, config.backends().get(0).timeouts());
        assertEquals(Mode.TCP, config.backends().get(0).mode());
        assertEquals(dev.sluice.backend.BalanceSpec.ROUNDROBIN, config.backends().get(0).balance());
    }

    @Test
    void aSectionMaySetAgainWhatItsDefaultsSet() throws ConfigException {
        Config config = parse("defaults\n timeout server 1s\nbackend b\n timeout server 2s\n server s 127.0.0.1:1\n"
                + "frontend f\n bind :1\n default_backend b\n");
        assertEquals(2000, config.backends().get(0).timeouts().server());
    }

    @Test
    void modeTcpIsTheDefaultAndCanBeWritten() throws ConfigException {
        assertEquals(Mode.TCP, frontend("").mode());
        assertEquals(Mode.TCP, frontend("mode tcp").mode());
        assertEquals(Mode.TCP, backend("mode tcp\nserver s 127.0.0.1:1").mode());
    }

    @Test
    void modeOtherThanTcpOrHttpIsRefused() {
        assertRefused("defaults\n mode health\n" + PROXIES, "t.cfg:2: mode: expected tcp or http, got 'health'");
    }

    @Test
    void modeHttpIsAcceptedAndMustMatchBetweenFrontendAndBackend() throws ConfigException {
        Config config = parse("defaults\n mode http\n" + PROXIES);
        assertEquals(Mode.HTTP, config.frontends().get(0).mode());
        assertEquals(Mode.HTTP, config.backends().get(0).mode());
        assertRefused("frontend f\n mode http\n bind :1\n default_backend b\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:4: default_backend: frontend 'f' is in mode http but backend 'b' (line 5) is in mode tcp");
    }

    @Test
    void frontendMaxconnDefaultsToGlobalMaxconn() throws ConfigException {
        assertEquals(700, parse("global\n maxconn 700\n" + PROXIES).frontends().get(0).maxconn());
        assertEquals(700, parse(PROXIES + "global\n maxconn 700\n").frontends().get(0).maxconn());
        assertEquals(40, frontend("maxconn 40").maxconn());
    }

    @Test
    void maxconnInDefaultsReachesFrontends() throws ConfigException {
        assertEquals(40, parse("defaults\n maxconn 40\n" + PROXIES).frontends().get(0).maxconn());
    }

    @Test
    void balanceRoundrobinIsAccepted() throws ConfigException {
        assertEquals(dev.sluice.backend.BalanceSpec.ROUNDROBIN, backend("balance roundrobin\nserver s 127.0.0.1:1").balance());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hash req.cookie(id)", "rdp-cookie"})
    void balanceAlgorithmsSluiceDoesNotBuildAreRefusedWithAnAlternative(String algorithm) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("frontend f\n bind 127.0.0.1:8080\n"
                + " default_backend b\nbackend b\n balance " + algorithm + "\n server s1 127.0.0.1:8081\n"));
        assertTrue(e.getMessage().startsWith("t.cfg:5: balance: 'balance " + algorithm.split(" ")[0]),
                e.getMessage());
        assertTrue(e.getMessage().contains("is not supported by Sluice"), e.getMessage());
        assertTrue(e.getMessage().contains("use source"), e.getMessage());
    }

    @Test
    void optionsThatAskForWhatSluiceDoesAreAcceptedAndChangeNothing() throws ConfigException {
        String withOptions = "defaults\n option http-keep-alive\n timeout client 1s\n" + """
                frontend f
                    option http-keep-alive
                    bind :80
                    default_backend b
                backend b
                    option http-keep-alive
                    server s 127.0.0.1:1
                """;
        // Comments keep every line number, so the two configs must be equal record for record.
        String withoutOptions = withOptions.replace("option http-keep-alive", "#");
        assertEquals(parse(withoutOptions), parse(withOptions));
    }

    @Test
    void anOptionAcceptedWithNoEffectTakesNoArgument() {
        assertRefused("defaults\n option dontlognull yes\n" + PROXIES,
                "t.cfg:2: 'option dontlognull' takes no argument (option dontlognull), got 1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "defaults|option httpslog|'option httpslog' is not supported by Sluice: Sluice has no TLS yet; use option"
            + " httplog",
        "defaults|option ldap-check|'option ldap-check' is not supported by Sluice: write 'option tcp-check' with"
            + " 'tcp-check send-binary' of an LDAP bind request and 'tcp-check expect binary' of its successful answer",
        "defaults|no option smart|'no option smart' is not supported by Sluice",
        "defaults|no mode|'no mode' is not supported: 'mode' cannot be turned off",
        "defaults|no option httpclose now|'no option httpclose' takes no argument, got 1",
        "defaults|timeout|'timeout' needs one of: connect, client, server, queue, http-request, http-keep-alive,"
            + " tunnel, client-fin, server-fin, check",
        "defaults|timeout tarpit 1s|'timeout tarpit' is not supported by Sluice",
        "frontend x|server s 127.0.0.1:1|'server' is not allowed in a frontend section (it belongs in: listen,"
            + " backend)",
        "frontend x|http-request set-pathq /a|'http-request set-pathq' is not supported by Sluice",
        "frontend x|http-request|'http-request' needs one of: set-header, add-header, del-header, set-method,"
            + " set-uri, set-path, set-query, replace-header, replace-value, replace-path, replace-pathq, replace-uri,"
            + " set-var, unset-var, return, deny, redirect, track-sc0, track-sc1, track-sc2, use-service",
        "frontend x|tcp-response content accept|'tcp-response content accept' is not supported by Sluice: Sluice"
            + " has no tcp-response rules yet",
        "frontend x|stats http-request deny|'stats http-request' is not supported by Sluice: the stats page takes"
            + " no rules of its own; write them as 'http-request' rules of the section, which run before the page",
        "frontend x|stats|'stats' needs one of: enable, uri, refresh, auth, realm, hide-version, show-node,"
            + " show-desc, show-legends, scope, admin",
        "backend x|stats enable|'stats enable': a stats page in a backend is not supported by Sluice (HAProxy"
            + " answers it from the backend): Sluice chooses its own answers (stats page, use-service) in the section"
            + " that receives the request, before routing; write the stats keywords in the frontend or listen section"
            + " that routes to backend 'x', or in a listen section of their own",
        "listen x|stats timeout 5s|'stats timeout' is not allowed in a listen section (it belongs in: global)",
        "frontend x|capture cookie SRV len 20|'capture cookie' is not supported by Sluice: Sluice captures"
            + " headers (capture request header NAME len N, capture response header NAME len N) but no cookie:"
            + " %CC and %CS log nothing; capture the whole header instead (capture request header Cookie len N)",
        "defaults|acl a path /|'acl' is not allowed in a defaults section (it belongs in: frontend, listen,"
            + " backend)",
        "defaults|http-request deny|'http-request deny' is not allowed in a defaults section (it belongs in:"
            + " frontend, listen, backend)",
        "defaults|nbthread 2|'nbthread' is not allowed in a defaults section (it belongs in: global)",
        "global|timeout client 5s|'timeout client' is not allowed in a global section (it belongs in: defaults,"
            + " frontend, listen)",
        "global|nbproc 2|'nbproc' is not supported by Sluice: HAProxy removed it in 2.5; write 'nbthread' (one"
            + " event loop per thread) instead",
        "global|nbproc 1|'nbproc' is not supported by Sluice: HAProxy removed it in 2.5; write 'nbthread' (one"
            + " event loop per thread) instead",
        "global|cpu-map auto:1/1-4 0-3|'cpu-map' is not supported by Sluice: Sluice does not pin its event loop"
            + " threads to CPUs; remove the line, or pin the whole process with taskset or systemd's CPUAffinity",
        "defaults|contimeout 5s|'contimeout' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'timeout connect' instead",
        "defaults|clitimeout 5s|'clitimeout' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'timeout client' instead",
        "defaults|srvtimeout 5s|'srvtimeout' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'timeout server' instead",
        "frontend x|reqadd X-Forwarded-Proto:\\ https|'reqadd' is not supported by Sluice: HAProxy removed it in"
            + " 2.1; write 'http-request add-header' instead",
        "frontend x|reqrep ^Host:\\ a Host:\\ b|'reqrep' is not supported by Sluice: HAProxy removed it in 2.1;"
            + " write 'http-request replace-header', 'http-request replace-path' or 'http-request replace-uri'"
            + " instead",
        "backend x|rspadd X-A:\\ 1|'rspadd' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'http-response add-header' instead",
        "frontend x|block if TRUE|'block' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'http-request deny' instead",
        "backend x|redispatch|'redispatch' is not supported by Sluice: HAProxy removed it in 2.1; write"
            + " 'option redispatch' instead",
        "defaults|option forceclose|'option forceclose' is not supported by Sluice: HAProxy removed it in 2.0;"
            + " write 'option httpclose', or nothing instead",
    })
    void keywordsOutsideTheTablesAreRefusedWithFileAndLine(String header, String line, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(header + "\n" + line + "\n" + PROXIES));
        assertEquals("t.cfg:2: " + reason, e.messages().get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frontend x|timeout server 5s|'timeout server' is ignored because frontend 'x' has no backend side",
        "frontend x|balance roundrobin|'balance' is ignored because frontend 'x' has no backend side",
        "frontend x|http-reuse safe|'http-reuse' is ignored because frontend 'x' has no backend side",
        "frontend x|option tcp-smart-connect|'option tcp-smart-connect' is ignored because frontend 'x' has no"
            + " backend side",
        "backend x|timeout client 5s|'timeout client' is ignored because backend 'x' has no frontend side",
        "backend x|use_backend b|'use_backend' is ignored because backend 'x' has no frontend side",
        "backend x|bind :80|'bind' is ignored because backend 'x' has no frontend side",
        "backend x|maxconn 5|'maxconn' is ignored because backend 'x' has no frontend side",
        "backend x|default_backend b|'default_backend' is ignored because backend 'x' has no frontend side",
        "backend x|option dontlognull|'option dontlognull' is ignored because backend 'x' has no frontend side",
    })
    void aKeywordOfTheOtherSideOfAProxyIsIgnoredWithAWarningAsHaproxyDoes(String header, String line,
            String warning) throws ConfigException {
        String side = header.startsWith("frontend") ? "backend" : "frontend";
        String text = header + "\n" + line + "\n" + (header.startsWith("frontend")
                ? " bind :81\n default_backend b\nbackend b\n server s 127.0.0.1:1\n"
                : " server s 127.0.0.1:1\n" + PROXIES);
        Config config = parse(text);
        assertEquals(List.of("t.cfg:2: warning: " + warning + " (it belongs in a " + side + ", a listen or a defaults"
                + " section); HAProxy ignores it too"), config.warnings());
        Config without = parse(text.replaceFirst(java.util.regex.Pattern.quote(line), "#"));
        assertEquals(without.frontends(), config.frontends());
        assertEquals(without.backends(), config.backends());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "userlist|Sluice has no HTTP authentication yet",
        "peers|Sluice's stick tables are the process's own: it does not share them with peers",
        "cache|Sluice does not cache responses",
        "program|Sluice starts no other program; let the service manager run it",
        "mailers|Sluice sends no email alerts",
    })
    void unsupportedSectionsAreRefusedAsSectionsAndTheirBodyIsSkipped(String section, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(PROXIES + section + " x\n"
                + " user admin password secret\n peer a 127.0.0.1:1\n nameserver dns 127.0.0.1:53\n"
                + " total-max-size 4\n command /bin/true\n errorfile 503 /x\n"));
        assertEquals(List.of("t.cfg:6: section '" + section + "' is not supported by Sluice (" + reason + "); its"
                + " lines up to the next section are skipped"), e.messages());
    }

    @Test
    void theSectionAfterAnUnsupportedOneIsReadAgain() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("userlist u\n user a insecure-password b\n"
                + PROXIES + " nope\n"));
        assertEquals(List.of("t.cfg:1: section 'userlist' is not supported by Sluice (Sluice has no HTTP"
                + " authentication yet); its lines up to the next section are skipped",
                "t.cfg:8: 'nope' is not supported by Sluice"), e.messages());
    }

    @Test
    void aKeywordBeforeAnySectionIsRefused() {
        assertRefused("# hello\nmaxconn 10\n" + PROXIES,
                "t.cfg:2: 'maxconn' must follow a section header (global, defaults, frontend, listen or backend)");
    }

    @Test
    void aSingleValueKeywordSetTwiceInOneSectionTakesTheLastValueWithAWarning() throws ConfigException {
        Config config = parse("defaults\n timeout client 1s\n timeout client 2s\n" + PROXIES);
        assertEquals(2000, config.frontends().get(0).timeouts().client());
        assertEquals(List.of("t.cfg:3: warning: 'timeout client' is set again (line 2 set it first); this line's"
                + " value wins, as in HAProxy"), config.warnings());
    }

    @Test
    void everyErrorOfTheFileIsReportedInLineOrder() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                global
                    cpu-map 1 0
                frontend f
                    bind :80 "unclosed
                    default_backend nowhere
                    stats http-request deny
                backend b
                    server s 127.0.0.1:1 slowstart 2s
                """));
        assertEquals(List.of("t.cfg:2: 'cpu-map' is not supported by Sluice: Sluice does not pin its event loop"
                        + " threads to CPUs; remove the line, or pin the whole process with taskset or systemd's"
                        + " CPUAffinity",
                "t.cfg:4: missing closing \" quote",
                "t.cfg:6: 'stats http-request' is not supported by Sluice: the stats page takes no rules of its"
                        + " own; write them as 'http-request' rules of the section, which run before the page",
                "t.cfg:8: server s: 'slowstart' is not supported by Sluice: Sluice gives a server that comes UP its"
                        + " whole weight at once"), e.messages());
        assertEquals(0, e.omitted());
        assertEquals(e.messages().get(0), e.getMessage());
    }

    @Test
    void theCheckRunsOnceTheLinesReadWellAndReportsEachOfItsErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                frontend f
                    bind :80
                    default_backend nowhere
                backend b
                    mode http
                frontend g
                    bind :81
                    default_backend b
                """));
        assertEquals(List.of("t.cfg:3: default_backend: no backend named 'nowhere'",
                "t.cfg:4: backend 'b' has no server line: every connection sent to it would fail"), e.messages());
    }

    @Test
    void theChecksErrorsAreSortedByLineWhateverOrderTheChecksRunIn() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                backend empty
                    mode tcp
                frontend f
                    bind :80
                    default_backend nowhere
                """));
        assertEquals(List.of("t.cfg:1: backend 'empty' has no server line: every connection sent to it would fail",
                "t.cfg:5: default_backend: no backend named 'nowhere'"), e.messages());
    }

    @Test
    void aRuleNamingARefusedAclPointsAtTheAclsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                frontend f
                    mode http
                    bind :80
                    acl bad req.cook(session) -m found
                    http-request deny if bad
                    default_backend b
                backend b
                    mode http
                    server s 127.0.0.1:1
                """));
        assertEquals("t.cfg:5: http-request deny: ACL 'bad' was refused at line 4", e.messages().get(1));
    }

    @Test
    void pastTheCapTheRestOfTheErrorsAreCounted() {
        StringBuilder text = new StringBuilder(PROXIES);
        for (int i = 0; i < Diagnostics.MAX_REPORTED + 7; i++) {
            text.append(" bogus").append(i).append('\n');
        }
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text.toString()));
        assertEquals(Diagnostics.MAX_REPORTED, e.messages().size());
        assertEquals(7, e.omitted());
        assertEquals("t.cfg:6: 'bogus0' is not supported by Sluice", e.messages().get(0));
    }

    @Test
    void sectionNamesAreRequiredAndChecked() {
        assertRefused("frontend\n", "t.cfg:1: frontend needs a name; its lines up to the next section are skipped");
        assertRefused("backend\n", "t.cfg:1: backend needs a name; its lines up to the next section are skipped");
        assertRefused("backend a/b\n", "t.cfg:1: 'a/b' is not a valid name (letters, digits, '_', '.', ':' and '-' only)");
        assertRefused("frontend f from base\n", "t.cfg:1: frontend 'f': no defaults section named 'base' above this"
                + " line");
        assertRefused("defaults d from base\n", "t.cfg:1: defaults 'd': no defaults section named 'base' above this"
                + " line");
        assertRefused("frontend f 1.2.3.4:80\n", "t.cfg:1: frontend takes no address; write 'bind 1.2.3.4:80' on a"
                + " line of its own");
        assertRefused("frontend f from\n", "t.cfg:1: expected frontend NAME [from DEFAULTS], got 'frontend f from'");
        assertRefused("defaults a b c d e\n", "t.cfg:1: expected defaults [NAME] [from OTHER], got 'defaults a b c d"
                + " e'");
    }

    @Test
    void duplicateSectionNamesAreRefusedWithBothLines() {
        assertRefused(PROXIES + "backend b\n server s 127.0.0.1:1\n",
                "t.cfg:6: backend 'b' has the same name as backend 'b' (line 4)");
        assertRefused(PROXIES + "frontend f\n bind :1\n default_backend b\n",
                "t.cfg:6: frontend 'f' has the same name as frontend 'f' (line 1)");
    }

    @Test
    void aFrontendAndABackendMayShareAName() throws ConfigException {
        Config config = parse("frontend app\n bind :80\n default_backend app\nbackend app\n server s 127.0.0.1:1\n");
        assertEquals("app", config.frontends().get(0).defaultBackend());
        assertEquals("app", config.backends().get(0).name());
    }

    // --- bind ---

    @Test
    void bindAcceptsEveryAddressForm() throws ConfigException, UnknownHostException {
        FrontendConfig frontend = parse("""
                frontend f
                    bind *:80
                    bind :81
                    bind 0.0.0.0:82
                    bind 10.1.2.3:83
                    bind [::1]:84
                    bind localhost:85
                    bind 127.0.0.1:0
                    default_backend b
                backend b
                    server s 127.0.0.1:1
                """).frontends().get(0);
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertEquals(List.of(new InetSocketAddress(any, 80), new InetSocketAddress(any, 81),
                new InetSocketAddress(any, 82), new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 83),
                new InetSocketAddress(InetAddress.getByName("::1"), 84),
                new InetSocketAddress(InetAddress.getByName("localhost"), 85),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)),
                frontend.binds().stream().map(BindConfig::address).toList());
        assertEquals(1, frontend.line());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "8080|bind: expected ADDRESS:PORT, got '8080'",
        "127.0.0.1|bind: expected ADDRESS:PORT, got '127.0.0.1'",
        "127.0.0.1:|bind: expected a port from 0 to 65535 in '127.0.0.1:', got ''",
        "127.0.0.1:65536|bind: expected a port from 0 to 65535 in '127.0.0.1:65536', got '65536'",
        "127.0.0.1:80-90|bind: port ranges are not supported by Sluice; write one bind per port, got '127.0.0.1:80-90'",
        "127.0.0.256:80|bind: expected an IPv4 address like 127.0.0.1 in '127.0.0.256:80', got '127.0.0.256'",
        "10.1:80|bind: expected an IPv4 address like 127.0.0.1 in '10.1:80', got '10.1'",
        "[127.0.0.1]:80|bind: expected an IPv6 address inside [...] in '[127.0.0.1]:80'",
        "ipv4@[::1]:80|bind: '::1' is not an IPv4 address, as the prefix of 'ipv4@[::1]:80' asks",
        "ipv6@127.0.0.1:80|bind: '127.0.0.1' is not an IPv6 address, as the prefix of 'ipv6@127.0.0.1:80' asks",
        "/run/s.sock|bind: UNIX sockets are not supported by Sluice yet; listen and connect on TCP, got '/run/s.sock'",
        "unix@s.sock|bind: UNIX sockets are not supported by Sluice yet; listen and connect on TCP, got 'unix@s.sock'",
        "fd@3|bind: address prefix 'fd@' is not supported by Sluice (supported: ipv4@, ipv6@), got 'fd@3'",
        "bad_host!:80|bind: expected a host name or an IP address in 'bad_host!:80', got 'bad_host!'",
        ":80,,:81|bind: an empty address in the list ':80,,:81'",
    })
    void badBindAddressesAreRefused(String address, String reason) {
        assertRefused("frontend f\n bind " + address + "\n default_backend b\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:2: " + reason);
    }

    @Test
    void unresolvableHostIsRefused() {
        assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n server s no-such-host.invalid:80\n",
                "t.cfg:5: server: cannot resolve 'no-such-host.invalid' in 'no-such-host.invalid:80'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "npn|'npn' is not supported by Sluice: NPN is obsolete and the JDK does not offer it; use alpn",
        "interface|'interface' is not supported by Sluice",
        "process|'process' is not supported by Sluice: Sluice spreads every listener over all its event loops",
    })
    void unknownBindOptionsAreRefusedByName(String option, String reason) {
        assertRefused("frontend f\n bind :443 " + option + " x\n default_backend b\n" + PROXIES.substring(
                PROXIES.indexOf("backend")), "t.cfg:2: bind :443: " + reason);
    }

    @Test
    void bindTakesSeveralAddressesSeparatedByCommasAndIpv6WithoutBrackets() throws ConfigException,
            UnknownHostException {
        FrontendConfig frontend = frontend("bind :::81 v4v6\n bind ipv4@:82,ipv6@:83\n bind [::]:84,127.0.0.1:85");
        InetAddress any6 = InetAddress.getByName("::");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
                new InetSocketAddress(any6, 81), new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 82),
                new InetSocketAddress(any6, 83), new InetSocketAddress(any6, 84),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 85)),
                frontend.binds().stream().map(BindConfig::address).toList());
        assertEquals(List.of(4, 5, 5, 6, 6), frontend.binds().subList(1, 6).stream().map(BindConfig::line).toList());
    }

    @Test
    void defaultBackendIsStored() throws ConfigException {
        assertEquals("b", frontend("").defaultBackend());
    }

    @Test
    void defaultBackendIsInheritedFromDefaultsAndCheckedAtThatLine() throws ConfigException {
        Config config = parse("defaults\n default_backend b\nfrontend f\n bind :80\nbackend b\n server s 127.0.0.1:1\n");
        assertEquals("b", config.frontends().get(0).defaultBackend());
        assertRefused("defaults\n default_backend c\nfrontend f\n bind :80\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:2: default_backend: no backend named 'c'");
    }

    // --- server ---

    @Test
    void serverReadsNameAddressAndOptions() throws ConfigException {
        BackendConfig backend = backend("""
                server a 127.0.0.1:81
                server b 127.0.0.2:82 maxconn 10
                server c 127.0.0.3:83 maxqueue 5 maxconn 2
                """);
        assertEquals(List.of(
                new ServerConfig("a", new InetSocketAddress("127.0.0.1", 81), 0, 0, 5),
                new ServerConfig("b", new InetSocketAddress("127.0.0.2", 82), 10, 0, 6),
                new ServerConfig("c", new InetSocketAddress("127.0.0.3", 83), 2, 5, 7)), backend.servers());
        assertTrue(backend.hasServerMaxconn());
    }

    @Test
    void serverMaxconnZeroMeansNoLimit() throws ConfigException {
        BackendConfig backend = backend("server a 127.0.0.1:81 maxconn 0");
        assertEquals(0, backend.servers().get(0).maxconn());
        assertTrue(!backend.hasServerMaxconn());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server a|'server' takes at least 2 arguments (server <name> <address>[:<port>] [options]), got 1",
        "server a 127.0.0.1:0|server: expected a port from 1 to 65535 in '127.0.0.1:0', got '0'",
        "server a 127.0.0.1:1 agent-check|server a: 'agent-check' is not supported by Sluice: Sluice runs no agent"
            + " checks; check the server with 'check' and 'option httpchk' or 'option tcp-check'",
        "server a 127.0.0.1:1 maxconn 3 foo 10|server a: 'foo' is not supported by Sluice",
        "server a 127.0.0.1:1 maxconn|server a: 'maxconn' needs a value: maxconn <number>",
        "server a 127.0.0.1:1 maxconn x|server a maxconn: expected a whole number >= 0, got 'x'",
        "server a 127.0.0.1:1 maxqueue -2|server a maxqueue: expected a whole number >= 0, got '-2'",
    })
    void badServerLinesAreRefused(String line, String reason) {
        assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n " + line + "\n", "t.cfg:5: " + reason);
    }

    @Test
    void duplicateServerNamesAreRefused() {
        assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n server a 127.0.0.1:1\n"
                + " server a 127.0.0.1:2\n", "t.cfg:6: server: server 'a' is already defined in backend 'b' at line"
                + " 5; give each server a name of its own");
    }

    // --- whole-file checks ---

    @Test
    void aFrontendWithoutBindIsAcceptedWithAWarningAndTheFileHasNoListener() throws ConfigException {
        Config config = parse("\nfrontend f\n default_backend b\nbackend b\n server s 127.0.0.1:1\n");
        assertEquals(List.of("t.cfg:2: warning: frontend 'f' has no bind line, so it accepts no connection; remove it"
                + " if it is not used"), config.warnings());
        assertTrue(!config.hasListener());
        assertTrue(parse(PROXIES).hasListener());
    }

    @Test
    void aFrontendWithoutDefaultBackendIsRefused() {
        assertRefused("frontend f\n bind :80\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:1: frontend 'f' has no default_backend: it would have nowhere to send its connections");
    }

    @Test
    void anUnknownDefaultBackendIsRefusedAtItsLine() {
        assertRefused("frontend f\n bind :80\n default_backend nowhere\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:3: default_backend: no backend named 'nowhere'");
    }

    @Test
    void aBackendWithoutServersIsRefusedAtItsHeader() {
        assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n balance roundrobin\n",
                "t.cfg:4: backend 'b' has no server line: every connection sent to it would fail");
    }

    @Test
    void aFileWithNoProxiesIsValid() throws ConfigException {
        Config config = parse("global\n maxconn 10\n");
        assertEquals(List.of(), config.frontends());
        assertEquals(List.of(), config.backends());
        assertNull(config.backend("b").orElse(null));
    }

    @Test
    void parsingAPathReadsTheFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("site.cfg");
        Files.writeString(file, PROXIES);
        Config config = ConfigParser.parse(file);
        assertEquals(file, config.file());
        assertEquals("b", config.backend("b").orElseThrow().name());
        Files.writeString(file, "global\n master-worker\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(file));
        assertEquals(file + ":2: 'master-worker' is not supported by Sluice: Sluice runs as one process and reloads"
                + " in place (SIGHUP, SIGUSR2 or the stats socket's 'reload'); a service manager restarts it if it"
                + " dies", e.getMessage());
        assertEquals(file.toString(), e.file());
        assertEquals(2, e.line());
    }
}
