package dev.sluice.net;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA made by openssl for a test, the certificates it signed (one good, one
 * it revoked) and its CRL, all written under a test's directory; never
 * committed.
 *
 * @param ca the CA's certificate (a ca-file)
 * @param good a certificate the CA signed and did not revoke, with {@code goodKey}
 * @param revoked a certificate the CA signed and revoked, with {@code revokedKey}
 * @param crl the CA's CRL, naming {@code revoked} (a crl-file)
 */
public record TestRevocation(Path ca, Path good, Path goodKey, Path revoked, Path revokedKey, Path crl) {
    /** Makes the CA, both certificates (named {@code cn}, with it as their DNS name) and the CRL in {@code dir}. */
    public static TestRevocation make(Path dir, String cn) throws Exception {
        Path d = Files.createDirectories(dir.resolve("revocation"));
        Path caKey = d.resolve("ca.key");
        Path ca = d.resolve("ca.crt");
        openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                caKey.toString(), "-out", ca.toString(), "-subj", "/CN=Test revocation CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path good = signed(d, "good", cn, "1001", ca, caKey);
        Path revoked = signed(d, "revoked", cn, "1002", ca, caKey);
        Files.writeString(d.resolve("index.txt"), "");
        Files.writeString(d.resolve("crlnumber"), "01\n");
        Path cnf = d.resolve("ca.cnf");
        Files.writeString(cnf, "[ ca ]\ndefault_ca = test\n[ test ]\ndatabase = " + d.resolve("index.txt")
                + "\ncrlnumber = " + d.resolve("crlnumber") + "\ndefault_md = sha256\ndefault_crl_days = 2\n");
        openssl(d, "ca", "-config", cnf.toString(), "-keyfile", caKey.toString(), "-cert", ca.toString(),
                "-revoke", revoked.toString());
        Path crl = d.resolve("crl.pem");
        openssl(d, "ca", "-config", cnf.toString(), "-keyfile", caKey.toString(), "-cert", ca.toString(),
                "-gencrl", "-out", crl.toString());
        return new TestRevocation(ca, good, d.resolve("good.key"), revoked, d.resolve("revoked.key"), crl);
    }

    private static Path signed(Path d, String name, String cn, String serial, Path ca, Path caKey) throws Exception {
        Path key = d.resolve(name + ".key");
        Path csr = d.resolve(name + ".csr");
        Path crt = d.resolve(name + ".crt");
        openssl(d, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + cn);
        Path ext = d.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName = DNS:" + cn + "\nextendedKeyUsage = serverAuth, clientAuth\n");
        openssl(d, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-set_serial", serial, "-days", "2", "-extfile", ext.toString(), "-out", crt.toString());
        return crt;
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
