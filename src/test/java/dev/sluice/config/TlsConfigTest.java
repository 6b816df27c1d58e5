package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.net.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bind ... ssl and the global TLS defaults, read and resolved; certificates made here by keytool. */
class TlsConfigTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        Files.createDirectories(dir.resolve("many"));
        TestCertificates.write(dir, "site", "site.test", "site.test");
        TestCertificates.write(dir.resolve("many"), "a", "a.test");
        TestCertificates.write(dir.resolve("many"), "b", "b.test");
    }

    static BindConfig bind(String global, String options) throws ConfigException {
        return ConfigParserTest.parse("global\n" + global + "\nfrontend f\n bind 127.0.0.1:8443 " + options
                + "\n default_backend b\nbackend b\n server s1 127.0.0.1:8081\n").frontends().get(0).binds().get(0);
    }

    @Test
    void sslBindReadsItsCertificatesFromAFileOrEveryPemOfADirectoryUnderCrtBase() throws ConfigException {
        BindConfig b = bind(" crt-base " + dir, "ssl crt site.pem crt many");
        assertTrue(b.ssl());
        assertEquals(3, b.tls().certificates().size());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), b.tls().protocols());
        assertNull(b.tls().cipherSuites());
        assertNull(bind("", "").tls());
    }

    @Test
    void defaultsAndOwnOptionsGiveTheSuitesAndVersions() throws ConfigException {
        BindConfig b = bind(" ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:!aNULL:ECDHE-RSA-CHACHA20-POLY1305\n"
                + " ssl-default-bind-options no-tlsv12 prefer-client-ciphers", "ssl crt " + dir.resolve("site.pem"));
        assertEquals(List.of("TLSv1.3"), b.tls().protocols());
        assertTrue(b.tls().preferClientCiphers());
        assertTrue(b.tls().cipherSuites().containsAll(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256")));
        BindConfig own = bind(" ssl-default-bind-options ssl-min-ver TLSv1.3", "ssl crt " + dir.resolve("site.pem")
                + " ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2 ciphersuites TLS_AES_256_GCM_SHA384");
        assertEquals(List.of("TLSv1.2"), own.tls().protocols());
        assertEquals("TLS_AES_256_GCM_SHA384", own.tls().cipherSuites().get(0));
    }

    @Test
    void badTlsLinesAreRefusedAtTheirLineWithTheReason() {
        String site = " crt " + dir.resolve("site.pem");
        String tail = "\n default_backend b\nbackend b\n server s1 127.0.0.1:8081\n";
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl" + site + " alpn h2,http/1.1" + tail,
                "t.cfg:2: bind :443 alpn: h2: HTTP/2 is not supported; write alpn http/1.1");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl" + tail,
                "t.cfg:2: bind: 'ssl' needs at least one 'crt FILE|DIR'");
        ConfigParserTest.assertRefused("frontend f\n bind :443" + site + tail,
                "t.cfg:2: bind: TLS options without 'ssl'; add ssl to the line");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl crt " + dir.resolve("none.pem") + tail,
                "t.cfg:2: bind: crt " + dir.resolve("none.pem") + ": " + missing(dir.resolve("none.pem")));
        ConfigParserTest.assertRefused("global\n ssl-default-bind-ciphers EECDH+AESGCM\nfrontend f\n bind :443 ssl"
                + site + tail, "t.cfg:4: ciphers: 'EECDH+AESGCM' combines OpenSSL cipher classes, which Sluice does"
                + " not read; list the suites by name (ECDHE-RSA-AES128-GCM-SHA256:...)");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl" + site + " no-tlsv12 no-tlsv13" + tail,
                "t.cfg:2: bind: no TLS version is left between TLSv1.2 and TLSv1.3 once the no-tlsv* options are"
                + " applied");
    }

    @Test
    void curvesEcdheAndTheirGlobalDefaultGiveTheGroupsInTheFilesOrder() throws ConfigException {
        String site = "ssl crt " + dir.resolve("site.pem");
        assertNull(bind("", site).tls().groups());
        assertEquals(List.of("x25519", "secp256r1"), bind("", site + " curves X25519:P-256").tls().groups());
        assertEquals(List.of("secp384r1"), bind("", site + " ecdhe secp384r1").tls().groups());
        // curves wins over ecdhe, as in HAProxy; the global default fills a line without curves.
        assertEquals(List.of("secp521r1", "ffdhe2048"),
                bind("", site + " ecdhe prime256v1 curves P-521:ffdhe2048").tls().groups());
        assertEquals(List.of("secp256r1", "x448"),
                bind(" ssl-default-bind-curves prime256v1:X448", site + " ecdhe secp384r1").tls().groups());
        String tail = "\n default_backend b\nbackend b\n server s1 127.0.0.1:8081\n";
        ConfigParserTest.assertRefused("frontend f\n bind :443 " + site + " curves X25519:brainpoolP256r1" + tail,
                "t.cfg:2: bind :443 curves: 'brainpoolP256r1' is not a group Sluice knows; write X25519, P-256,"
                + " P-384, P-521, X448 or ffdhe2048 to ffdhe8192, separated by ':'");
        ConfigParserTest.assertRefused("global\n ssl-default-bind-curves sect163k1\nfrontend f\n bind :443 " + site
                + tail, "t.cfg:2: ssl-default-bind-curves: 'sect163k1' is not a group Sluice knows; write X25519,"
                + " P-256, P-384, P-521, X448 or ffdhe2048 to ffdhe8192, separated by ':'");
    }

    private static String missing(Path p) {
        try {
            dev.sluice.net.PemKeyMaterial.load(p);
            return "loaded";
        } catch (dev.sluice.net.PemKeyMaterial.BadPemException e) {
            return e.getMessage();
        }
    }

    @Test
    void opensslNamesBecomeTheJdksNames() {
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TlsCipherNames.jdkName("ECDHE-RSA-AES256-GCM-SHA384"));
        assertEquals("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", TlsCipherNames.jdkName("DHE-RSA-AES128-SHA"));
        assertEquals("TLS_RSA_WITH_AES_128_GCM_SHA256", TlsCipherNames.jdkName("AES128-GCM-SHA256"));
        assertNull(TlsCipherNames.jdkName("RC4-MD5"));
    }
}
