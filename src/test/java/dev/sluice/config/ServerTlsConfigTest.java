package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.net.TestCertificates;
import dev.sluice.net.TlsClientContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS towards servers as the file says it: {@code server ... ssl} and its
 * options, {@code default-server} passing them on, the global defaults, and
 * HAProxy 2.6's refusal of a verified server without a CA file.
 */
class ServerTlsConfigTest {
    @TempDir
    Path dir;

    private static String backend(String global, String serverLines) {
        return "global\n" + global + "\ndefaults\n mode http\nfrontend f\n bind :80\n default_backend b\nbackend b\n"
                + serverLines + "\n";
    }

    private static ServerConfig first(Config c) {
        return c.backends().get(0).servers().get(0);
    }

    private Path ca() throws Exception {
        return TestCertificates.certificateOnly(TestCertificates.write(dir, "ca", "ca.test", "ca.test"),
                dir.resolve("bundle.pem"));
    }

    @Test
    void aVerifiedServerNeedsACaFileAsInHaproxy() {
        assertRefused(backend("", " server s 127.0.0.1:443 ssl"), "t.cfg:9: server s: its certificate is verified"
                + " ('verify required', the default) but no ca-file names whom to trust; add 'ca-file FILE' (or"
                + " 'ca-file @system-ca'), or write 'verify none' on the line, or 'ssl-server-verify none' in the"
                + " global section, if the network is one you trust");
    }

    @Test
    void caBaseSniAndTheDefaultsOfTheGlobalSectionApply() throws Exception {
        Path ca = ca();
        Config c = parse(backend(" ca-base " + dir + "\n ssl-default-server-options ssl-min-ver TLSv1.3 no-ssl-reuse\n"
                + " ssl-default-server-ciphersuites TLS_AES_256_GCM_SHA384",
                " server s 127.0.0.1:443 ssl ca-file " + ca.getFileName() + " sni req.hdr(host),field(1,:) alpn http/1.1"
                + " verifyhost origin.test"));
        ServerTlsConfig t = first(c).tls();
        assertTrue(t.traffic() && t.verify() && t.checks());
        assertEquals(1, t.trusted().size());
        assertEquals(TlsClientContext.Sni.HOST, t.sni());
        assertEquals("origin.test", t.verifyHost());
        assertEquals(List.of("TLSv1.3"), t.protocols());
        assertEquals("TLS_AES_256_GCM_SHA384", t.suites().get(0));
        assertEquals(List.of("http/1.1"), t.alpn());
        assertFalse(t.reuseSessions());
    }

    @Test
    void defaultServerPassesTlsOnAndNoSslTakesItBack() throws ConfigException {
        Config c = parse(backend(" ssl-server-verify none", " default-server ssl sni str(app.test) check-sni h.test\n"
                + " server a 127.0.0.1:443\n server b 127.0.0.1:80 no-ssl\n server c 127.0.0.1:444 ssl check port 8080"));
        List<ServerConfig> s = c.backends().get(0).servers();
        assertFalse(s.get(0).tls().verify(), "ssl-server-verify none");
        assertEquals("app.test", s.get(0).tls().sniName());
        assertEquals("h.test", s.get(0).tls().checkSni());
        assertNull(s.get(1).tls(), "no-ssl: in the clear");
        assertFalse(s.get(2).tls().checks(), "a check on a port of its own stays in the clear");
    }

    @Test
    void checkSslAloneMakesOnlyTheChecksSpeakTls() throws ConfigException {
        ServerTlsConfig t = first(parse(backend("", " server s 127.0.0.1:80 check check-ssl verify none"))).tls();
        assertFalse(t.traffic());
        assertTrue(t.checks());
    }

    @Test
    void whatSluiceCannotDoIsRefusedAtItsLine() {
        assertRefused(backend("", " server s 127.0.0.1:443 ssl verify none alpn h2,http/1.1"),
                "t.cfg:9: server s alpn: 'h2': Sluice speaks HTTP/1.1 to servers; write alpn http/1.1");
        assertRefused(backend("", " server s 127.0.0.1:443 ssl verify none sni req.hdr(x-name)"),
                "t.cfg:9: server s sni: 'req.hdr(x-name)' is not an expression Sluice evaluates for sni; it takes"
                + " str(NAME), req.hdr(host) (with ,field(1,:) or ,lower) and ssl_fc_sni");
        assertRefused("defaults\n mode tcp\nfrontend f\n bind :80\n default_backend b\nbackend b\n"
                + " server s 127.0.0.1:443 ssl verify none sni req.hdr(host)\n", "t.cfg:7: server s: sni req.hdr(host)"
                + " reads the HTTP request, but backend 'b' is in mode tcp; write sni ssl_fc_sni or sni str(NAME)");
        assertRefused(backend("", " server s 127.0.0.1:443 ssl verify maybe"),
                "t.cfg:9: server s verify: expected none or required, got 'maybe'");
    }

    @Test
    void aBindThatAsksForClientCertificatesNeedsACaFile() throws Exception {
        Path site = TestCertificates.write(dir, "site", "site.test", "site.test");
        assertRefused("frontend f\n mode http\n bind :443 ssl crt " + site + " verify required\n default_backend b\n"
                + "backend b\n mode http\n server s 127.0.0.1:80\n", "t.cfg:3: bind: verify required asks clients for a"
                + " certificate, but no ca-file names whom to trust; add 'ca-file FILE' (or 'ca-file @system-ca')");
        Config c = parse("frontend f\n mode http\n bind :443 ssl crt " + site + " verify optional ca-file " + ca()
                + "\n default_backend b\nbackend b\n mode http\n server s 127.0.0.1:80\n");
        assertEquals(dev.sluice.net.TlsServerContext.ClientAuth.OPTIONAL,
                c.frontends().get(0).binds().get(0).tls().clientAuth());
        assertEquals(1, c.frontends().get(0).binds().get(0).tls().clientCas().size());
    }

    /** TLS on both sides towards servers without maxconn runs without a warning: claims keep the bound. */
    @Test
    void tlsOnBothSidesTowardsAServerWithoutMaxconnRunsWithoutAWarning() throws Exception {
        Path site = TestCertificates.write(dir, "site", "site.test", "site.test");
        Config c = parse("frontend f\n mode http\n bind :443 ssl crt " + site + "\n default_backend b\n"
                + "backend b\n mode http\n server s 127.0.0.1:443 ssl verify none\n"
                + " server t 127.0.0.1:444 ssl verify none maxconn 10\n");
        assertEquals(List.of(), c.warnings());
    }

    /** A claim of an exchange over TLS is two client buffers, which a reserve of one could never serve. */
    @Test
    void aReserveOfOneIsRefusedWithTls() throws Exception {
        Path site = TestCertificates.write(dir, "site", "site.test", "site.test");
        assertRefused("global\n tune.buffers.reserve 1\nfrontend f\n mode http\n bind :443 ssl crt " + site
                + "\n default_backend b\nbackend b\n mode http\n server s 127.0.0.1:80\n", "t.cfg:2: tune.buffers.reserve"
                + " 1 can deadlock with TLS (a bind line with ssl): a session that works a server slot over TLS first"
                + " claims both of its client buffers, and a waiting claim is served from the reserve; set"
                + " tune.buffers.reserve to at least 2");
        assertRefused("global\n tune.buffers.reserve 1\nfrontend f\n mode http\n bind :80\n default_backend b\n"
                + "backend b\n mode http\n server s 127.0.0.1:443 ssl verify none\n", "t.cfg:2: tune.buffers.reserve"
                + " 1 can deadlock with TLS (server 's', line 9): a session that works a server slot over TLS first"
                + " claims both of its client buffers, and a waiting claim is served from the reserve; set"
                + " tune.buffers.reserve to at least 2");
    }

    /** crl-file is read for bind and server lines, relative to ca-base, and refused where nothing is verified. */
    @Test
    void crlFilesAreReadAndRefusedWhereNothingIsVerified() throws Exception {
        dev.sluice.net.TestRevocation r = dev.sluice.net.TestRevocation.make(dir, "s.test");
        Path site = TestCertificates.write(dir, "site", "site.test", "site.test");
        Config c = parse("global\n ca-base " + r.crl().getParent() + "\nfrontend f\n mode http\n bind :443 ssl crt "
                + site + " verify required ca-file ca.crt crl-file crl.pem\n default_backend b\nbackend b\n mode http\n"
                + " server s 127.0.0.1:443 ssl verify required ca-file ca.crt crl-file crl.pem\n");
        assertEquals(1, c.frontends().get(0).binds().get(0).tls().clientCrls().size());
        assertEquals(1, c.backends().get(0).servers().get(0).tls().crls().size());
        assertRefused("frontend f\n mode http\n bind :80\n default_backend b\nbackend b\n mode http\n"
                + " server s 127.0.0.1:443 ssl verify none crl-file " + r.crl() + "\n", "t.cfg:7: server s: crl-file "
                + r.crl() + " without verification: no certificate is checked, so none is checked against it; add"
                + " 'verify required'");
        assertRefused("frontend f\n mode http\n bind :80\n default_backend b\nbackend b\n mode http\n"
                + " server s 127.0.0.1:443 ssl ca-file @system-ca crl-file " + r.crl() + "\n", "t.cfg:7: server s:"
                + " crl-file with 'ca-file @system-ca': Sluice checks revocation only against a ca-file of your own;"
                + " name the CAs in a file");
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "");
        assertRefused("frontend f\n mode http\n bind :443 ssl crt " + site + " verify required ca-file " + r.ca()
                + " crl-file " + empty + "\n default_backend b\nbackend b\n mode http\n server s 127.0.0.1:80\n",
                "t.cfg:3: bind: crl-file " + empty + " holds no CRL");
    }
}
