package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.log.LogFacility;
import dev.sluice.log.LogFormat;
import dev.sluice.log.LogOption;
import dev.sluice.log.LogTarget;
import dev.sluice.log.SyslogFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The logging keywords read into the model with HAProxy's meanings, and their refusals with FILE:LINE. */
class LogKeywordsTest {
    private static final String BACKEND = "backend b\n server s1 127.0.0.1:8081\n";

    private static Config parse(String text) throws ConfigException {
        return new ConfigParser("t.cfg", 4).read(text);
    }

    private static LogConfig frontendLog(String text) throws ConfigException {
        return parse(text + BACKEND).frontends().get(0).log();
    }

    private static ConfigException refused(String text) {
        return assertThrows(ConfigException.class, () -> parse(text + BACKEND));
    }

    @Test
    void optionHttplogInDefaultsGivesFrontendsHaproxysHttpFormat() throws Exception {
        LogConfig log = frontendLog("defaults\n mode http\n option httplog\nfrontend f\n bind :80\n default_backend b\n");
        assertEquals(LogFormat.HTTPLOG, log.format().text());
        assertTrue(log.targets().isEmpty(), "without log lines a frontend logs nothing, as in HAProxy");
    }

    @Test
    void theLastOfLogFormatHttplogAndTcplogWins() throws Exception {
        assertEquals("%ci %ST", frontendLog("defaults\n mode http\n option httplog\nfrontend f\n bind :80\n"
                + " log-format \"%ci %ST\"\n default_backend b\n").format().text());
        assertEquals(LogFormat.HTTPLOG_CLF, frontendLog("defaults\n mode http\n log-format %ci\nfrontend f\n"
                + " bind :80\n option httplog clf\n default_backend b\n").format().text());
        assertEquals(LogFormat.TCPLOG, frontendLog("frontend f\n bind :80\n option httplog\n option tcplog\n"
                + " default_backend b\n").format().text());
    }

    @Test
    void httplogInModeTcpFallsBackToTcplogWithHaproxysWarning() throws Exception {
        Config config = parse("frontend f\n bind :80\n option httplog\n default_backend b\n" + BACKEND);
        assertEquals(LogFormat.TCPLOG, config.frontends().get(0).log().format().text());
        assertEquals(List.of("t.cfg:3: warning: 'option httplog' not usable with frontend 'f' (needs 'mode http');"
                + " falling back to 'option tcplog', as HAProxy does"), config.warnings());
    }

    @Test
    void anHttpVariableInAModeTcpFrontendIsRefusedAtTheFormatsLine() {
        ConfigException e = refused("defaults\n log-format \"%ci %r\"\nfrontend f\n bind :80\n default_backend b\n");
        assertEquals("t.cfg:2: log-format: format variable 'r' is reserved for HTTP mode (the section is in mode"
                + " tcp)", e.getMessage());
    }

    @Test
    void aBadFormatIsRefusedAtItsLine() {
        assertEquals("t.cfg:3: log-format: no such format variable 'cix'. If you wanted to emit the '%' character"
                + " verbatim, you need to use '%%'", refused("frontend f\n bind :80\n log-format %cix\n"
                        + " default_backend b\n").getMessage());
        assertEquals("t.cfg:2: log-format: '%[req.hdr(host)]' reads the request head, which is gone when the line is"
                + " written; keep it with 'capture request header NAME len N' and write %hr, or with 'http-request"
                + " set-var(txn.NAME) EXPR' and write %[var(txn.NAME)]", refused("defaults\n log-format %[req.hdr(host)]\n"
                        + "frontend f\n bind :80\n default_backend b\n").getMessage());
        assertEquals("t.cfg:2: log-format: sample fetch 'ssl_c_sig_alg' is not supported by Sluice (supported: src, dst,"
                + " src_port, dst_port, method, path, query, url, req.hdr(NAME[,OCC]), hdr(NAME[,OCC]),"
                + " req.fhdr(NAME[,OCC]), ssl_fc, ssl_fc_sni, ssl_fc_protocol, ssl_fc_cipher, var(NAME), str(TEXT),"
                + " ssl_c_s_dn([ENTRY[,OCC[,FORMAT]]]), ssl_c_i_dn(...), ssl_c_notbefore, ssl_c_notafter, ssl_c_serial,"
                + " ssl_c_sha1, ssl_c_used, ssl_c_verify)",
                refused("defaults\n log-format %[ssl_c_sig_alg]\nfrontend f\n bind :80\n default_backend b\n")
                        .getMessage());
        assertEquals("t.cfg:3: log-format: expects one argument, got 2; quote the format or escape its spaces:"
                + " log-format \"%ci:%cp [%t] ...\"", refused("frontend f\n bind :80\n log-format %ci %t\n"
                        + " default_backend b\n").getMessage());
        assertEquals("t.cfg:3: option httplog: expected nothing or 'clf', got 'json'", refused("frontend f\n"
                + " bind :80\n option httplog json\n default_backend b\n").getMessage());
    }

    @Test
    void optionsAreInheritedAndTurnedOffWithNo() throws Exception {
        LogConfig log = frontendLog("defaults\n option dontlognull\n option dontlog-normal\n"
                + " option log-separate-errors\nfrontend f\n bind :80\n no option dontlog-normal\n default_backend b\n");
        assertEquals(Set.of(LogOption.DONTLOGNULL, LogOption.LOG_SEPARATE_ERRORS), log.options());
    }

    @Test
    void logTagAndLogSendHostnameGoToTheHeaders() throws Exception {
        Config config = parse("global\n log-tag edge\n log-send-hostname lb1\nfrontend f\n bind :80\n log-tag web\n"
                + " default_backend b\n" + BACKEND);
        assertEquals(new ProcessLogConfig(List.of(), "edge", "lb1"), config.global().log());
        assertEquals("edge", config.global().log().identity().tag());
        assertEquals("web", config.frontends().get(0).log().tag());
        Config plain = parse("global\n log-send-hostname\nfrontend f\n bind :80\n default_backend b\n" + BACKEND);
        assertEquals(dev.sluice.log.SyslogIdentity.systemHostname(), plain.global().log().hostname());
        assertNull(parse("frontend f\n bind :80\n default_backend b\n" + BACKEND).global().log().hostname());
    }

    @Test
    void logLinesRunTheGlobalOnesForTheProcessAndLogGlobalForAProxy() throws Exception {
        Config config = parse("global\n log 127.0.0.1:514 local0\ndefaults\n log global\nfrontend f\n"
                + " bind :80\n default_backend b\n" + BACKEND);
        List<LogTarget> global = List.of(LogTarget.udp(new java.net.InetSocketAddress("127.0.0.1", 514),
                LogFacility.LOCAL0));
        assertEquals(global, config.global().log().targets());
        assertEquals(global, config.frontends().get(0).log().targets());
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void logGlobalStandsForTheGlobalLinesAndNoLogForgetsTheInheritedOnes() throws Exception {
        String global = "global\n log 127.0.0.1:514 local0\n log /dev/log local1 notice\n";
        LogConfig f = frontendLog(global + "defaults\n log global\nfrontend f\n bind :80\n"
                + " log 127.0.0.1:6000 len 4096 format rfc5424 daemon\n default_backend b\n");
        assertEquals(3, f.targets().size(), "the two global lines, then its own");
        assertEquals(LogTarget.udp(new java.net.InetSocketAddress("127.0.0.1", 514), LogFacility.LOCAL0),
                f.targets().get(0));
        assertEquals(4096, f.targets().get(2).maxLength());
        assertEquals(SyslogFormat.RFC5424, f.targets().get(2).format());
        LogConfig cleared = frontendLog(global + "defaults\n log global\nfrontend f\n bind :80\n no log\n"
                + " default_backend b\n");
        assertTrue(cleared.targets().isEmpty());
    }

    @Test
    void aFrontendWithTargetsAndNoFormatWritesTheConnectLine() throws Exception {
        LogConfig log = frontendLog("frontend f\n bind :80\n log stdout format raw daemon\n"
                + " default_backend b\n");
        assertEquals(LogFormat.CONNECT_TCP, log.format().text());
        assertEquals(LogTarget.Kind.STDOUT, log.targets().get(0).kind());
    }

    @Test
    void badLogLinesAreRefusedWithTheirReasonAndLine() {
        assertEquals("t.cfg:4: log 127.0.0.1: unknown facility 'local9' (expected kern, user, mail, daemon, auth,"
                + " syslog, lpr, news, uucp, cron, auth2, ftp, ntp, audit, alert, cron2 or local0 to local7)",
                refused("frontend f\n bind :80\n default_backend b\n log 127.0.0.1 local9\n").getMessage());
        assertEquals("t.cfg:2: log: 'log global' belongs in a defaults, frontend, listen or backend section; in"
                + " global, give the target itself", refused("global\n log global\nfrontend f\n bind :80\n"
                        + " default_backend b\n").getMessage());
        assertEquals("t.cfg:2: log: 'log global' takes no other argument, got 'local0'", refused("defaults\n"
                + " log global local0\nfrontend f\n bind :80\n default_backend b\n").getMessage());
        assertEquals("t.cfg:2: log ring@buf: ring@ targets are not supported by Sluice (UDP, UNIX datagram"
                + " sockets, stdout and stderr are)", refused("defaults\n log ring@buf local0\nfrontend f\n"
                        + " bind :80\n default_backend b\n").getMessage());
    }

    @Test
    void capturesAreKeptInTheirLinesOrderWithTheirLengths() throws Exception {
        LogConfig log = frontendLog("defaults\n mode http\nfrontend f\n bind :80\n capture request header Host len 20\n"
                + " capture response header Content-Type len 8\n capture request header X-Id len 4\n"
                + " default_backend b\n");
        assertEquals(2, log.captures().requestCount());
        assertEquals(1, log.captures().responseCount());
        assertEquals("Host", log.captures().name(0));
        assertEquals("X-Id", log.captures().name(1));
        assertEquals("Content-Type", log.captures().name(2));
        assertEquals(32, log.captures().slotBytes(), "20 + 4 + 8 bytes a session");
    }

    @Test
    void aBadCaptureIsRefusedAtItsLine() {
        assertEquals("t.cfg:4: capture request header: expected 'len <length>' after the header name, got 'length'",
                refused("frontend f\n mode http\n bind :80\n capture request header Host length 20\n"
                        + " default_backend b\n").getMessage());
        assertTrue(refused("frontend f\n mode http\n bind :80\n capture response header Host len 0\n"
                + " default_backend b\n").getMessage().startsWith("t.cfg:4: "));
        assertEquals("t.cfg:4: capture request header: 'Ho:st' is not a header name",
                refused("frontend f\n mode http\n bind :80\n capture request header Ho:st len 5\n"
                        + " default_backend b\n").getMessage());
    }

    @Test
    void aCaptureInABackendIsIgnoredWithAWarningAsHaproxyDoes() throws Exception {
        Config config = parse("frontend f\n bind :80\n default_backend b\nbackend c\n server s 127.0.0.1:1\n"
                + " capture request header Host len 5\n" + BACKEND);
        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).startsWith("t.cfg:6: warning: 'capture request header' is ignored"
                + " because backend 'c' has no frontend side"), config.warnings().get(0));
    }
}
