package dev.sluice.net;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;

/** Certificates made by keytool for a test, written in the one-file PEM layout; never committed. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Makes a self-signed EC certificate for {@code cn} with DNS names {@code sans}, into {@code pem}. */
    public static Path write(Path dir, String name, String cn, String... sans) throws Exception {
        Path store = dir.resolve(name + ".p12");
        StringBuilder san = new StringBuilder();
        for (String s : sans) {
            san.append(san.isEmpty() ? "SAN=" : ",").append("dns:").append(s);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "site", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit");
        if (!san.isEmpty()) {
            pb.command().add("-ext");
            pb.command().add(san.toString());
        }
        Process p = pb.redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate c = ks.getCertificate("site");
        PrivateKey key = (PrivateKey) ks.getKey("site", "changeit".toCharArray());
        Files.delete(store);
        Path pem = dir.resolve(name + ".pem");
        Files.writeString(pem, pem("CERTIFICATE", c.getEncoded()) + pem("PRIVATE KEY", key.getEncoded()));
        return pem;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
