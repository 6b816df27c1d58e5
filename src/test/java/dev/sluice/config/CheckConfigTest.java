package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.CheckStatus;
import dev.sluice.backend.CheckStep;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.ServerCheckSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The health check keywords become the backend's script and each server's options, with HAProxy's defaults. */
class CheckConfigTest {
    private static BackendConfig backend(String lines) throws ConfigException {
        return parse("frontend f\n bind :80\n default_backend b\nbackend b\n" + lines + "\n server s 127.0.0.1:1 check\n")
                .backends().get(0);
    }

    private static String refusal(String lines) {
        return assertThrows(ConfigException.class, () -> backend(lines)).getMessage();
    }

    private static String sent(HealthCheckSpec spec, int step) {
        return new String(((CheckStep.Send) spec.steps().get(step)).bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aServerWithCheckAndNoCheckOptionIsCheckedByTcpConnectWithHaproxysIntervals() throws ConfigException {
        BackendConfig b = backend("");
        assertEquals(HealthCheckSpec.TCP_CONNECT, b.check());
        assertEquals(ServerCheckSpec.DEFAULTS, b.servers().get(0).check());
        assertNull(parse(ConfigParserTest.PROXIES).backends().get(0).servers().get(0).check(), "no check: none");
    }

    @Test
    void serverCheckOptionsAreReadAndDefaultServerPassesThemOn() throws ConfigException {
        Config c = parse("frontend f\n bind :80\n default_backend b\nbackend b\n default-server inter 3s fall 5\n"
                + " server a 127.0.0.1:1 check fastinter 500ms downinter 10s rise 4 port 9000 addr 127.0.0.9"
                + " check-send-proxy\n server b 127.0.0.1:2 check\n server c 127.0.0.1:3\n");
        List<ServerConfig> s = c.backends().get(0).servers();
        assertEquals(new ServerCheckSpec("127.0.0.9", 9000, 3000, 500, 10_000, 4, 5, true), s.get(0).check());
        assertEquals(new ServerCheckSpec(null, 0, 3000, 0, 0, 2, 5, false), s.get(1).check());
        assertNull(s.get(2).check());
        assertNull(parse("frontend f\n bind :80\n default_backend b\nbackend b\n default-server check\n"
                + " server a 127.0.0.1:1 no-check\n").backends().get(0).servers().get(0).check());
    }

    @Test
    void optionHttpchkSendsOptionsSlashHttp10ByDefaultAndExpectsA2xxOr3xx() throws ConfigException {
        HealthCheckSpec spec = backend("option httpchk").check();
        assertEquals(HealthCheckSpec.Protocol.HTTP, spec.protocol());
        assertEquals(CheckStep.Connect.DEFAULT, spec.steps().get(0));
        assertEquals("OPTIONS / HTTP/1.0\r\nConnection: close\r\n\r\n", sent(spec, 1));
        assertEquals(CheckStep.Expect.HTTP_2XX_3XX, spec.steps().get(2));
        assertEquals("OPTIONS /health HTTP/1.0\r\nConnection: close\r\n\r\n", sent(backend("option httpchk /health").check(), 1));
        assertEquals("HEAD /h HTTP/1.1\r\nConnection: close\r\n\r\n", sent(backend("option httpchk HEAD /h HTTP/1.1").check(), 1));
    }

    @Test
    void httpCheckSendOverridesTheRequestAndExpectReplacesTheImplicitOne() throws ConfigException {
        HealthCheckSpec spec = backend("""
                 option httpchk GET /
                 http-check send meth POST uri /ping ver HTTP/1.1 hdr Host example.org hdr X-A "1 2" body hello
                 http-check expect status 200,300-310
                 http-check disable-on-404
                 timeout check 2s
                 timeout connect 5s
                 option log-health-checks""").check();
        assertEquals("POST /ping HTTP/1.1\r\nHost: example.org\r\nX-A: 1 2\r\nConnection: close\r\n"
                + "Content-Length: 5\r\n\r\nhello", sent(spec, 1));
        CheckStep.Expect e = (CheckStep.Expect) spec.steps().get(2);
        assertEquals(CheckStep.Match.HTTP_STATUS, e.match());
        assertArrayEquals(new int[] {200, 200, 300, 310}, e.statuses());
        assertEquals(3, spec.steps().size());
        assertTrue(spec.disableOn404());
        assertTrue(spec.logHealthChecks());
        assertEquals(2000, spec.timeoutCheckMillis());
        assertEquals(5000, spec.timeoutConnectMillis());
    }

    @Test
    void httpCheckExpectReadsItsMatchesNegationAndStatuses() throws ConfigException {
        CheckStep.Expect e = (CheckStep.Expect) backend("option httpchk\n http-check expect ! rstatus ^5").check()
                .steps().get(2);
        assertEquals(CheckStep.Match.HTTP_STATUS_REGEX, e.match());
        assertTrue(e.inverse());
        CheckStep.Expect s = (CheckStep.Expect) backend("option httpchk\n http-check expect"
                + " error-status L7RSP !string SQL\\ Error").check().steps().get(2);
        assertEquals(CheckStep.Match.HTTP_BODY, s.match());
        assertTrue(s.inverse());
        assertEquals("SQL Error", new String(s.literal(), StandardCharsets.US_ASCII));
        assertEquals(CheckStatus.L7RSP, s.errorStatus());
    }

    @Test
    void tcpCheckRulesBecomeTheScriptWithAnImplicitConnect() throws ConfigException {
        HealthCheckSpec spec = backend("""
                 option tcp-check
                 tcp-check send PING\\r\\n
                 tcp-check expect string +PONG
                 tcp-check send-binary 696e666f0d0a comment info
                 tcp-check expect min-recv 8 rstring role:master""").check();
        assertEquals("tcp-check", spec.kind());
        assertEquals(5, spec.steps().size());
        assertEquals(CheckStep.Connect.DEFAULT, spec.steps().get(0));
        assertEquals("PING\r\n", sent(spec, 1));
        assertEquals("info\r\n", sent(spec, 3));
        CheckStep.Expect last = (CheckStep.Expect) spec.steps().get(4);
        assertEquals(CheckStep.Match.REGEX, last.match());
        assertEquals(8, last.minRecv());
    }

    @Test
    void aTcpCheckConnectMustComeFirstWhenThereIsOne() {
        assertEquals("t.cfg:6: the first tcp-check rule must be a 'tcp-check connect' when the rules hold one",
                refusal(" option tcp-check\n tcp-check send x\n tcp-check connect port 81"));
    }

    @Test
    void aProxyWithoutRulesRunsItsDefaultsRulesAndItsFirstRuleReplacesThem() throws ConfigException {
        Config c = parse("""
                defaults
                    option tcp-check
                    tcp-check send A
                    tcp-check expect string B
                frontend f
                    bind :80
                    default_backend x
                backend x
                    server s 127.0.0.1:1 check
                backend y
                    tcp-check send C
                    server s 127.0.0.1:1 check
                """);
        assertEquals("A", sent(c.backends().get(0).check(), 1));
        assertEquals(3, c.backends().get(0).check().steps().size());
        assertEquals("C", sent(c.backends().get(1).check(), 1));
        assertEquals(2, c.backends().get(1).check().steps().size());
    }

    @Test
    void theProtocolChecksAreRead() throws ConfigException {
        assertEquals("redis-check", backend("option redis-check").check().kind());
        assertEquals("ssl-hello-chk", backend("option ssl-hello-chk").check().kind());
        assertEquals("mysql-check", backend("option mysql-check").check().kind());
        HealthCheckSpec login = backend("option mysql-check user haproxy").check();
        assertEquals(4, login.steps().size(), "connect, login and quit, handshake, answer to the login");
        assertTrue(sent(login, 1).contains("haproxy" + (char) 0));
        assertEquals("pgsql-check", backend("option pgsql-check user haproxy").check().kind());
        HealthCheckSpec smtp = backend("option smtpchk EHLO example.org").check();
        assertEquals("EHLO example.org\r\n", sent(smtp, 3));
        assertEquals("HELO localhost\r\n", sent(backend("option smtpchk").check(), 3));
        assertEquals("httpchk", backend("option redis-check\n option httpchk").check().kind(), "the last check wins");
    }

    @Test
    void spreadChecksIsAGlobalPercentUpTo50() throws ConfigException {
        assertEquals(5, parse("global\n spread-checks 5\n" + ConfigParserTest.PROXIES).global().spreadChecks());
        assertThrows(ConfigException.class, () -> parse("global\n spread-checks 51\n" + ConfigParserTest.PROXIES));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "option mysql-check user haproxy pre-41|t.cfg:5: option mysql-check: 'pre-41' (a MySQL 4.0 login) is not"
            + " supported by Sluice; write post-41, or nothing",
        "option pgsql-check|t.cfg:5: option pgsql-check: option pgsql-check expects 'user <username>'",
        "http-check expect hdr name x|t.cfg:5: http-check expect: 'http-check expect hdr' is not supported by Sluice;"
            + " match the status or the body (status, rstatus, string, rstring)",
        "http-check expect rstring (|t.cfg:5: http-check expect: not a valid regular expression '(': Unclosed group",
        "http-check expect status 2xx|t.cfg:5: http-check expect: expected a whole number from 100 to 999, got '2xx'",
        "http-check send uri-lf /%[src]|t.cfg:5: http-check send: 'uri-lf' is not supported by Sluice (it evaluates"
            + " no log-format); write 'uri' with a fixed value",
        "tcp-check connect ssl|t.cfg:5: tcp-check connect: 'ssl' is not supported by Sluice: it does not originate"
            + " TLS yet; check the server's plain port, or use option ssl-hello-chk",
        "tcp-check send-binary 0g|t.cfg:5: tcp-check send-binary: expected an even number of hexadecimal digits,"
            + " got '0g'",
        "tcp-check expect on-error %[x] string a|t.cfg:5: tcp-check expect: 'on-error' is not supported by Sluice"
            + " (it evaluates no log-format or sample expression); remove it",
        "option httpchk GET / HTTP/1.0\\r\\nHost:\\ x|t.cfg:5: option httpchk: headers after the version of option"
            + " httpchk are not supported by Sluice (HAProxy deprecated them); write 'http-check send hdr <name> <value>'",
        "http-check send-state|t.cfg:5: 'http-check send-state' is not supported by Sluice: Sluice's http-check"
            + " takes connect, send, expect, disable-on-404 and comment",
    })
    void checkLinesSluiceDoesNotBuildAreRefusedWithTheAlternative(String line, String message) {
        assertEquals(message, refusal(" " + line));
    }

    @Test
    void agentChecksAreRefusedWithTheAlternative() {
        String m = assertThrows(ConfigException.class, () -> parse("frontend f\n bind :80\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1 check agent-check agent-port 5555\n")).getMessage();
        assertEquals("t.cfg:5: server s: 'agent-check' is not supported by Sluice: Sluice runs no agent checks;"
                + " check the server with 'check' and 'option httpchk' or 'option tcp-check'", m);
    }
}
