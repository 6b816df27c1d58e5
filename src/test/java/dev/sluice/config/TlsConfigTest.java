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
                "t.cfg:2: bind: 'ssl' needs at least one 'crt FILE|DIR' or 'crt-list FILE'");
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

    @Test
    void aCrtListGivesItsCertificatesWithTheirFiltersInTheLinesPlace() throws Exception {
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# certificates by name\n\n  many/b.pem  *.b.test !secret.b.test  \n"
                + dir.resolve("many/a.pem") + "\nsite.pem other.test\n");
        BindConfig b = bind(" crt-base " + dir, "ssl crt site.pem crt-list " + list + " strict-sni");
        List<dev.sluice.net.SniCertificate> certs = b.tls().certificates();
        assertEquals(4, certs.size());
        assertEquals(List.of("site.test"), certs.get(0).names());
        assertEquals(List.of("*.b.test"), certs.get(1).names());
        assertEquals(List.of("secret.b.test"), certs.get(1).excluded());
        assertEquals(List.of("a.test"), certs.get(2).names());
        assertEquals(List.of("other.test"), certs.get(3).names());
        assertTrue(b.tls().strictSni());
        String tail = "\n default_backend b\nbackend b\n server s1 127.0.0.1:8081\n";
        Path bracket = dir.resolve("bracket.txt");
        Files.writeString(bracket, "#\n" + dir.resolve("site.pem") + " [alpn h2] site.test\n");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl crt-list " + bracket + tail,
                "t.cfg:2: bind: crt-list " + bracket + ":2: per-certificate TLS options in brackets are not"
                + " supported; Sluice applies the bind line's options to every certificate, so write them there");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, dir.resolve("site.pem") + "\n" + dir.resolve("none.pem") + "\n");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl crt-list " + bad + tail,
                "t.cfg:2: bind: crt-list " + bad + ":2: " + missing(dir.resolve("none.pem")));
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# nothing\n");
        ConfigParserTest.assertRefused("frontend f\n bind :443 ssl crt-list " + empty + tail,
                "t.cfg:2: bind: crt-list " + empty + ": the list names no certificate");
    }

    @Test
    void strictSniSessionCacheAndDhSizeComeFromTheLineAndTheGlobalSection() throws ConfigException {
        String site = "ssl crt " + dir.resolve("site.pem");
        TlsBindConfig plain = bind("", site).tls();
        assertEquals(false, plain.strictSni());
        assertEquals(20000, plain.sessionCacheSize());
        assertEquals(300, plain.sessionLifetimeSeconds());
        assertEquals(0, plain.dhParamBits());
        TlsBindConfig tuned = bind(" tune.ssl.cachesize 500\n tune.ssl.lifetime 600\n tune.ssl.default-dh-param 3072\n"
                + " ssl-default-bind-options strict-sni", site).tls();
        assertTrue(tuned.strictSni());
        assertEquals(500, tuned.sessionCacheSize());
        assertEquals(600, tuned.sessionLifetimeSeconds());
        assertEquals(3072, tuned.dhParamBits());
        assertEquals(120, bind(" tune.ssl.lifetime 2m", site).tls().sessionLifetimeSeconds());
        assertEquals(false, bind(" ssl-default-bind-options strict-sni", site + " no-strict-sni").tls().strictSni());
        String tail = "\nfrontend f\n bind :443 " + site + "\n default_backend b\nbackend b\n server s1 127.0.0.1:8081\n";
        ConfigParserTest.assertRefused("global\n tune.ssl.cachesize 0" + tail, "t.cfg:2: tune.ssl.cachesize: 0 turns"
                + " HAProxy's session cache off, but the JDK's engine has no such switch (to it 0 means no limit);"
                + " write a size of at least 1");
        ConfigParserTest.assertRefused("global\n tune.ssl.default-dh-param 2560" + tail, "t.cfg:2:"
                + " tune.ssl.default-dh-param: 2560 bits: the JDK holds DH groups of 1024, 1536, 2048, 3072, 4096,"
                + " 6144 and 8192 bits only; write one of those (2048 is the default)");
        ConfigParserTest.assertRefused("global\n tune.ssl.lifetime 500ms" + tail, "t.cfg:2: tune.ssl.lifetime: a"
                + " session lifetime under one second ('500ms'): the JDK counts it in seconds");
        ConfigParserTest.assertRefused("frontend f\n bind :443 strict-sni\n default_backend b\nbackend b\n server s1"
                + " 127.0.0.1:8081\n", "t.cfg:2: bind: TLS options without 'ssl'; add ssl to the line");
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
