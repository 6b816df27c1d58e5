package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads crt files in the one-file layout; the certificate and key are made by keytool here, never committed. */
class PemKeyMaterialTest {

    @TempDir
    static Path dir;

    static X509Certificate cert;
    static PrivateKey key;

    @BeforeAll
    static void generate() throws Exception {
        Path store = dir.resolve("gen.p12");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "site", "-keyalg", "RSA", "-keysize", "2048",
                        "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true)
                .start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(0, p.waitFor(), out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate c = ks.getCertificate("site");
        cert = (X509Certificate) c;
        key = (PrivateKey) ks.getKey("site", "changeit".toCharArray());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.US_ASCII);
        return f;
    }

    @Test
    void certificateChainAndKeyInOneFileInAnyOrder() throws Exception {
        Path f = write("one.pem", pem("PRIVATE KEY", key.getEncoded()) + pem("CERTIFICATE", cert.getEncoded())
                + pem("CERTIFICATE", cert.getEncoded()));
        PemKeyMaterial m = PemKeyMaterial.load(f);
        assertEquals(2, m.chain().size());
        assertEquals(cert, m.chain().get(0));
        assertArrayEquals(key.getEncoded(), m.key().getEncoded());
    }

    @Test
    void keyInAKeyFileBeside() throws Exception {
        Path f = write("split.pem", pem("CERTIFICATE", cert.getEncoded()));
        write("split.pem.key", pem("PRIVATE KEY", key.getEncoded()));
        assertArrayEquals(key.getEncoded(), PemKeyMaterial.load(f).key().getEncoded());
    }

    @Test
    void pkcs1RsaKeyIsRead() throws Exception {
        byte[] pkcs8 = key.getEncoded();
        // PrivateKeyInfo = SEQUENCE { INTEGER 0, AlgorithmIdentifier(15 bytes), OCTET STRING { RSAPrivateKey } }
        int i = 1;
        i += (pkcs8[i] & 0x80) == 0 ? 1 : 1 + (pkcs8[i] & 0x7f);
        i += 3 + 15;
        assertEquals(0x04, pkcs8[i]);
        i++;
        int len;
        if ((pkcs8[i] & 0x80) == 0) {
            len = pkcs8[i++];
        } else {
            int n = pkcs8[i++] & 0x7f;
            len = 0;
            for (int k = 0; k < n; k++) {
                len = (len << 8) | (pkcs8[i++] & 0xff);
            }
        }
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, i, i + len);
        Path f = write("pkcs1.pem", pem("CERTIFICATE", cert.getEncoded()) + pem("RSA PRIVATE KEY", pkcs1));
        assertArrayEquals(pkcs8, PemKeyMaterial.load(f).key().getEncoded());
    }

    @Test
    void loadedMaterialServesTls() throws Exception {
        Path f = write("ctx.pem", pem("CERTIFICATE", cert.getEncoded()) + pem("PRIVATE KEY", key.getEncoded()));
        PemKeyMaterial m = PemKeyMaterial.load(f);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", m.key(), new char[0], m.chain().toArray(new Certificate[0]));
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        javax.net.ssl.SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake();
        assertEquals(javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP, engine.getHandshakeStatus());
    }

    private static String refused(String name, String text) throws Exception {
        Path f = write(name, text);
        return assertThrows(PemKeyMaterial.BadPemException.class, () -> PemKeyMaterial.load(f)).getMessage();
    }

    @Test
    void badFilesNameTheFileAndLine() throws Exception {
        String c = pem("CERTIFICATE", cert.getEncoded());
        int certLines = (int) c.lines().count();

        String m = refused("nokey.pem", c);
        assertTrue(m.startsWith(dir.resolve("nokey.pem") + ":1: no private key"), m);

        m = refused("unterminated.pem", c + "-----BEGIN PRIVATE KEY-----\nAAAA\n");
        assertTrue(m.startsWith(dir.resolve("unterminated.pem") + ":" + (certLines + 1) + ": the PRIVATE KEY block has no"), m);

        m = refused("badcert.pem", c + pem("CERTIFICATE", new byte[] {1, 2, 3}) + pem("PRIVATE KEY", key.getEncoded()));
        assertTrue(m.startsWith(dir.resolve("badcert.pem") + ":" + (certLines + 1) + ": not a valid X.509"), m);

        m = refused("badkey.pem", c + pem("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0}));
        assertTrue(m.startsWith(dir.resolve("badkey.pem") + ":" + (certLines + 1) + ": not a private key"), m);

        m = refused("ec.pem", c + pem("EC PRIVATE KEY", new byte[] {1}));
        assertTrue(m.contains(":" + (certLines + 1) + ": an EC key in SEC1 form"), m);

        m = refused("enc.pem", c + "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertTrue(m.contains(":" + (certLines + 2) + ": an encrypted private key"), m);

        m = refused("base64.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assertTrue(m.startsWith(dir.resolve("base64.pem") + ":1: the CERTIFICATE block is not valid base64"), m);

        m = refused("twokeys.pem", c + pem("PRIVATE KEY", key.getEncoded()) + pem("PRIVATE KEY", key.getEncoded()));
        assertTrue(m.contains("a second private key"), m);

        m = refused("empty.pem", "hello\n");
        assertTrue(m.startsWith(dir.resolve("empty.pem") + ":1: no PEM block"), m);

        m = assertThrows(PemKeyMaterial.BadPemException.class, () -> PemKeyMaterial.load(dir.resolve("absent.pem")))
                .getMessage();
        assertTrue(m.startsWith(dir.resolve("absent.pem") + ": cannot read it"), m);
    }
}
