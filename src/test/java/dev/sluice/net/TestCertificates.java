package dev.sluice.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/** Certificates made by keytool for a test, written in the one-file PEM layout; never committed. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Makes a self-signed EC certificate for {@code cn} with DNS names {@code sans}, into {@code pem}. */
    public static Path write(Path dir, String name, String cn, String... sans) throws Exception {
        KeyStore ks = keyStore(dir, name, false, cn, sans);
        Certificate c = ks.getCertificate(ALIAS);
        PrivateKey key = (PrivateKey) ks.getKey(ALIAS, PASSWORD);
        Path pem = dir.resolve(name + ".pem");
        Files.writeString(pem, pem("CERTIFICATE", c.getEncoded()) + pem("PRIVATE KEY", key.getEncoded()));
        return pem;
    }

    /**
     * The certificate of a PEM file that also holds its key, written alone to
     * {@code ca}: a CA file ({@code ca-file}) that trusts that self-signed certificate.
     */
    public static Path certificateOnly(Path pem, Path ca) throws java.io.IOException {
        String text = Files.readString(pem);
        String end = "-----END CERTIFICATE-----";
        Files.writeString(ca, text.substring(0, text.indexOf(end) + end.length()) + "\n");
        return ca;
    }

    /** The first record a client engine sends, its ClientHello, as the bytes on the wire. */
    public static byte[] clientHello(javax.net.ssl.SSLEngine client) throws javax.net.ssl.SSLException {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        client.wrap(java.nio.ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** The alias and password of {@link #keyStore}'s entry. */
    public static final String ALIAS = "site";
    public static final char[] PASSWORD = "changeit".toCharArray();

    /**
     * A key store holding one self-signed certificate for {@code cn} with DNS
     * names {@code sans}, made by keytool: EC P-256, or RSA-2048 when
     * {@code rsa}. Its file in {@code dir} is removed once it is read.
     */
    public static KeyStore keyStore(Path dir, String name, boolean rsa, String cn, String... sans)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        StringBuilder san = new StringBuilder();
        for (String s : sans) {
            san.append(san.isEmpty() ? "SAN=" : ",").append("dns:").append(s);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", ALIAS, "-dname", "CN=" + cn, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit");
        pb.command().addAll(rsa ? List.of("-keyalg", "RSA", "-keysize", "2048")
                : List.of("-keyalg", "EC", "-groupname", "secp256r1"));
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
            ks.load(in, PASSWORD);
        }
        Files.delete(store);
        return ks;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
