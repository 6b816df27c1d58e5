package dev.sluice.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate, its chain and its private key read from a {@code crt} file in
 * the layout front proxies use: every PEM block in one file (the leaf
 * certificate first, then the chain, the key anywhere), or the key alone in a
 * file of the same name ending in {@code .key} beside it.
 *
 * <p>Start-up only: this is read once while the configuration loads, never on
 * a connection's path. A file it cannot use is refused with its name and the
 * line of the offending block ({@code site.pem:12: ...}), so the operator can
 * find it.
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}) for RSA, EC and EdDSA, and
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Encrypted keys and SEC1
 * ({@code BEGIN EC PRIVATE KEY}) are refused with the {@code openssl} command
 * that converts them.
 */
public record PemKeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    public PemKeyMaterial {
        chain = List.copyOf(chain);
    }

    /** A {@code crt} file that cannot be used; the message starts with FILE:LINE. */
    public static final class BadPemException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPemException(String message) {
            super(message);
        }
    }

    private record Block(String type, byte[] der, int line) {}

    /** Reads {@code file}, and {@code file}.key beside it when {@code file} holds no key. */
    public static PemKeyMaterial load(Path file) throws BadPemException {
        List<Block> blocks = blocks(file);
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        for (Block b : blocks) {
            if (b.type.equals("CERTIFICATE")) {
                chain.add(certificate(file, b));
            } else if (isKey(b.type)) {
                if (key != null) {
                    throw bad(file, b.line, "a second private key; one file holds one key");
                }
                key = key(file, b);
            }
        }
        if (chain.isEmpty()) {
            throw bad(file, 1, "no certificate (no '-----BEGIN CERTIFICATE-----' block)");
        }
        if (key == null) {
            Path beside = file.resolveSibling(file.getFileName() + ".key");
            if (!Files.isRegularFile(beside)) {
                throw bad(file, 1, "no private key in it, and no " + beside.getFileName() + " beside it");
            }
            for (Block b : blocks(beside)) {
                if (isKey(b.type)) {
                    if (key != null) {
                        throw bad(beside, b.line, "a second private key; one file holds one key");
                    }
                    key = key(beside, b);
                }
            }
            if (key == null) {
                throw bad(beside, 1, "no private key block in it");
            }
        }
        return new PemKeyMaterial(chain, key);
    }

    private static boolean isKey(String type) {
        return type.endsWith("PRIVATE KEY");
    }

    private static List<Block> blocks(Path file) throws BadPemException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadPemException(file + ": cannot read it: " + e.getMessage());
        }
        List<Block> out = new ArrayList<>();
        String type = null;
        int start = 0;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int n = i + 1;
            if (type == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    type = line.substring(11, line.length() - 5);
                    start = n;
                    body.setLength(0);
                } else if (line.startsWith("-----END ")) {
                    throw bad(file, n, "'" + line + "' with no BEGIN line before it");
                }
            } else if (line.equals("-----END " + type + "-----")) {
                byte[] der;
                try {
                    der = Base64.getDecoder().decode(body.toString());
                } catch (IllegalArgumentException e) {
                    throw bad(file, start, "the " + type + " block is not valid base64: " + e.getMessage());
                }
                out.add(new Block(type, der, start));
                type = null;
            } else if (line.startsWith("-----")) {
                throw bad(file, n, "'" + line + "' inside the " + type + " block begun at line " + start);
            } else if (line.contains(":")) {
                throw bad(file, n, "an encrypted private key (header '" + line + "'); Sluice needs it unencrypted"
                        + " (openssl pkey -in FILE -out FILE.key)");
            } else {
                body.append(line);
            }
        }
        if (type != null) {
            throw bad(file, start, "the " + type + " block has no '-----END " + type + "-----' line");
        }
        if (out.isEmpty()) {
            throw bad(file, 1, "no PEM block in it");
        }
        return out;
    }

    private static X509Certificate certificate(Path file, Block b) throws BadPemException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(b.der));
        } catch (CertificateException e) {
            throw bad(file, b.line, "not a valid X.509 certificate: " + e.getMessage());
        }
    }

    private static PrivateKey key(Path file, Block b) throws BadPemException {
        return switch (b.type) {
            case "PRIVATE KEY" -> pkcs8(file, b, b.der);
            case "RSA PRIVATE KEY" -> pkcs8(file, b, rsaPkcs1ToPkcs8(b.der));
            case "ENCRYPTED PRIVATE KEY" -> throw bad(file, b.line,
                    "an encrypted private key; Sluice needs it unencrypted (openssl pkey -in FILE -out FILE.key)");
            case "EC PRIVATE KEY" -> throw bad(file, b.line,
                    "an EC key in SEC1 form; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in FILE)");
            default -> throw bad(file, b.line, "unsupported key type '" + b.type + "'");
        };
    }

    private static PrivateKey pkcs8(Path file, Block b, byte[] der) throws BadPemException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw bad(file, b.line, "not a private key Sluice can read (RSA, EC or EdDSA in PKCS#8): "
                + (last == null ? "" : last.getMessage()));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in the PKCS#8 PrivateKeyInfo the JDK reads. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = tlv(0x04, pkcs1);
        byte[] inner = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, inner, 0, version.length);
        System.arraycopy(algorithm, 0, inner, version.length, algorithm.length);
        System.arraycopy(octets, 0, inner, version.length + algorithm.length, octets.length);
        return tlv(0x30, inner);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        int lengthBytes = n < 0x80 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
        byte[] out = new byte[2 + lengthBytes + n];
        out[0] = (byte) tag;
        if (lengthBytes == 0) {
            out[1] = (byte) n;
        } else {
            out[1] = (byte) (0x80 | lengthBytes);
            for (int i = 0; i < lengthBytes; i++) {
                out[2 + i] = (byte) (n >>> (8 * (lengthBytes - 1 - i)));
            }
        }
        System.arraycopy(value, 0, out, 2 + lengthBytes, n);
        return out;
    }

    private static BadPemException bad(Path file, int line, String why) {
        return new BadPemException(file + ":" + line + ": " + why);
    }
}
