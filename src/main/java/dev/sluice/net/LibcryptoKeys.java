package dev.sluice.net;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A security provider, put first, that gives the JDK's TLS engine {@link
 * Libcrypto}'s X25519 and ECDSA P-256 signing: the key pair and agreement of
 * the X25519 key exchange (TLS 1.3's and 1.2's first choice, the one every
 * common client offers), and the CertificateVerify or ServerKeyExchange
 * signature of a P-256 certificate. Everything else (X448, other curves,
 * RSA, verification, the key factories) stays with the JDK's own providers:
 * a key or parameter this provider does not take makes the JCA pass the
 * operation to the next provider, and verification is handed to the JDK's
 * provider here.
 *
 * <p>Installed once per process by {@link #install()}, when some listener or
 * server speaks TLS; the JDK alone is used when libcrypto cannot be loaded or
 * fails its self-test, or with {@code -Dsluice.tls.libcrypto=false}.
 */
public final class LibcryptoKeys extends Provider {
    private static final long serialVersionUID = 1L;
    static final String NAME = "SluiceLibcrypto";
    private static final String PROPERTY = "sluice.tls.libcrypto";
    private static final Object LOCK = new Object();
    private static String status;
    private static volatile Libcrypto crypto;

    private LibcryptoKeys() {
        super(NAME, "1", "X25519 and ECDSA P-256 signing by OpenSSL's libcrypto, for the JDK's TLS engine");
        String prefix = LibcryptoKeys.class.getName();
        put("KeyPairGenerator.XDH", prefix + "$X25519KeyPairs");
        put("KeyPairGenerator.X25519", prefix + "$X25519KeyPairs");
        put("KeyAgreement.XDH", prefix + "$X25519Agreement");
        put("KeyAgreement.X25519", prefix + "$X25519Agreement");
        put("Signature.SHA256withECDSA", prefix + "$P256Signature");
        put("Alg.Alias.Signature.1.2.840.10045.4.3.2", "SHA256withECDSA");
    }

    /**
     * Puts the provider first, once per process; returns what was done, for
     * the start-up log: that libcrypto does the key work, or why the JDK
     * alone does it.
     */
    public static String install() {
        synchronized (LOCK) {
            if (status != null) {
                return status;
            }
            if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
                status = "the JDK's (libcrypto turned off by -D" + PROPERTY + "=false)";
                return status;
            }
            try {
                crypto = Libcrypto.load();
                Security.insertProviderAt(new LibcryptoKeys(), 1);
                status = "OpenSSL libcrypto's for X25519 and ECDSA P-256 signing, the JDK's for the rest";
            } catch (Throwable t) {
                status = "the JDK's (libcrypto not used: " + t.getMessage() + ")";
            }
            return status;
        }
    }

    /** What {@link #install()} did, or null when it was not called (no TLS in this process yet). */
    public static String status() {
        synchronized (LOCK) {
            return status;
        }
    }

    /** True when the provider is installed: the handshakes' X25519 and P-256 signatures are libcrypto's. */
    static boolean installed() {
        return crypto != null;
    }

    /** The libcrypto operations done in this process, 0 when it is not installed. */
    static long operations() {
        Libcrypto c = crypto;
        return c == null ? 0 : c.operations();
    }

    private static Libcrypto crypto() {
        Libcrypto c = crypto;
        if (c == null) {
            throw new IllegalStateException("libcrypto is not loaded");
        }
        return c;
    }

    private static boolean isX25519(AlgorithmParameterSpec params) {
        return params instanceof NamedParameterSpec n && n.getName().equalsIgnoreCase("X25519");
    }

    /** u as RFC 7748's 32 little-endian bytes. */
    private static byte[] littleEndian(BigInteger u) throws InvalidKeyException {
        if (u.signum() < 0 || u.bitLength() > 256) {
            throw new InvalidKeyException("X25519: u is out of range");
        }
        byte[] big = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    private static BigInteger fromLittleEndian(byte[] le) {
        byte[] big = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            big[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, big);
    }

    /** An X25519 key's 32 bytes, and its encoding (RFC 8410): a fixed DER prefix, then the bytes. */
    private abstract static class X25519Key implements java.security.interfaces.XECKey, Key {
        private static final long serialVersionUID = 1L;
        final byte[] bytes;
        private final byte[] prefix;

        X25519Key(byte[] bytes, byte[] prefix) {
            this.bytes = bytes.clone();
            this.prefix = prefix;
        }

        @Override
        public AlgorithmParameterSpec getParams() {
            return NamedParameterSpec.X25519;
        }

        @Override
        public String getAlgorithm() {
            return "XDH";
        }

        @Override
        public byte[] getEncoded() {
            byte[] out = Arrays.copyOf(prefix, prefix.length + 32);
            System.arraycopy(bytes, 0, out, prefix.length, 32);
            return out;
        }
    }

    /** An X25519 public key: RFC 7748's u; encoded as an X.509 SubjectPublicKeyInfo. */
    static final class X25519PublicKey extends X25519Key implements XECPublicKey {
        private static final long serialVersionUID = 1L;

        X25519PublicKey(byte[] u) {
            super(u, Libcrypto.hex("302a300506032b656e032100"));
        }

        @Override
        public BigInteger getU() {
            byte[] masked = bytes.clone();
            masked[31] &= 0x7f;
            return fromLittleEndian(masked);
        }

        @Override
        public String getFormat() {
            return "X.509";
        }
    }

    /** An X25519 private key: RFC 7748's scalar; encoded as PKCS #8. */
    static final class X25519PrivateKey extends X25519Key implements XECPrivateKey {
        private static final long serialVersionUID = 1L;

        X25519PrivateKey(byte[] scalar) {
            super(scalar, Libcrypto.hex("302e020100300506032b656e04220420"));
        }

        @Override
        public Optional<byte[]> getScalar() {
            return Optional.of(bytes.clone());
        }

        @Override
        public String getFormat() {
            return "PKCS#8";
        }
    }

    /** X25519 key pairs: 32 bytes from the given (or a default) SecureRandom, the public key by libcrypto. */
    public static final class X25519KeyPairs extends KeyPairGeneratorSpi {
        private SecureRandom random;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            if (keysize != 255) {
                throw new InvalidParameterException("only X25519 (255 bits) here");
            }
            this.random = random;
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidAlgorithmParameterException {
            if (!isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519 here");
            }
            this.random = random;
        }

        @Override
        public KeyPair generateKeyPair() {
            SecureRandom r = random != null ? random : new SecureRandom();
            byte[] scalar = new byte[32];
            r.nextBytes(scalar);
            try {
                return new KeyPair(new X25519PublicKey(crypto().x25519PublicKey(scalar)), new X25519PrivateKey(scalar));
            } finally {
                Arrays.fill(scalar, (byte) 0);
            }
        }
    }

    /** X25519 key agreement; a key of another curve goes to the next provider. */
    public static final class X25519Agreement extends KeyAgreementSpi {
        private byte[] scalar;
        private byte[] secret;

        @Override
        protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
            if (!(key instanceof XECPrivateKey k) || !isX25519(k.getParams())) {
                throw new InvalidKeyException("only X25519 private keys here");
            }
            byte[] s = k.getScalar().orElseThrow(() -> new InvalidKeyException("no private key value"));
            if (s.length != 32) {
                throw new InvalidKeyException("an X25519 scalar is 32 bytes");
            }
            scalar = s;
            secret = null;
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (params != null && !isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519 here");
            }
            engineInit(key, random);
        }

        @Override
        protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
            if (scalar == null) {
                throw new IllegalStateException("not initialised");
            }
            if (secret != null) {
                throw new IllegalStateException("the phase was done");
            }
            if (!lastPhase) {
                throw new IllegalStateException("X25519 is a two-party agreement: lastPhase must be true");
            }
            if (!(key instanceof XECPublicKey k) || !isX25519(k.getParams())) {
                throw new InvalidKeyException("only X25519 public keys here");
            }
            secret = crypto().x25519(scalar, littleEndian(k.getU()));
            return null;
        }

        @Override
        protected byte[] engineGenerateSecret() {
            if (secret == null) {
                throw new IllegalStateException("no phase done");
            }
            byte[] s = secret;
            secret = null;
            return s;
        }

        @Override
        protected int engineGenerateSecret(byte[] out, int offset) throws ShortBufferException {
            if (secret == null) {
                throw new IllegalStateException("no phase done");
            }
            if (out.length - offset < secret.length) {
                throw new ShortBufferException("needs " + secret.length + " bytes");
            }
            System.arraycopy(secret, 0, out, offset, secret.length);
            Arrays.fill(secret, (byte) 0);
            secret = null;
            return 32;
        }

        @Override
        protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
            if (algorithm == null) {
                throw new NoSuchAlgorithmException("no algorithm named");
            }
            String a = algorithm.toLowerCase(Locale.ROOT);
            if (!a.equals("tlspremastersecret") && !a.equals("generic")) {
                throw new NoSuchAlgorithmException("unsupported secret key algorithm: " + algorithm);
            }
            return new SecretKeySpec(engineGenerateSecret(), algorithm);
        }
    }

    /**
     * SHA256withECDSA: signing with a P-256 key by libcrypto (the digest by
     * the JDK's SHA-256), everything else by the JDK's provider. A key of
     * another curve goes to the next provider.
     */
    public static final class P256Signature extends SignatureSpi {
        private static final ECParameterSpec P256 = p256();
        private MessageDigest digest;
        private byte[] scalar;
        private Signature verifier;

        private static ECParameterSpec p256() {
            try {
                return Libcrypto.p256Parameters();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no secp256r1", e);
            }
        }

        static boolean isP256(ECParameterSpec p) {
            return p != null && p.getOrder().equals(P256.getOrder()) && p.getCurve().equals(P256.getCurve())
                    && p.getGenerator().equals(P256.getGenerator()) && p.getCofactor() == P256.getCofactor();
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            if (!(key instanceof ECPrivateKey k) || !isP256(k.getParams())) {
                throw new InvalidKeyException("only P-256 private keys here");
            }
            BigInteger s = k.getS();
            if (s.signum() <= 0 || s.compareTo(P256.getOrder()) >= 0) {
                throw new InvalidKeyException("the P-256 private key is out of range");
            }
            byte[] big = s.toByteArray();
            byte[] fixed = new byte[32];
            int n = Math.min(32, big.length);
            System.arraycopy(big, big.length - n, fixed, 32 - n, n);
            scalar = fixed;
            verifier = null;
            digest = sha256();
        }

        @Override
        protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
            // The nonce is OpenSSL's (its generator is seeded by the kernel), not the given generator's.
            engineInitSign(key);
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            Provider jdk = Security.getProvider("SunEC");
            try {
                Signature v = jdk != null ? Signature.getInstance("SHA256withECDSA", jdk) : jdkSignature();
                v.initVerify(key);
                verifier = v;
                scalar = null;
                digest = null;
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeyException("no JDK provider verifies SHA256withECDSA", e);
            }
        }

        private static Signature jdkSignature() throws NoSuchAlgorithmException {
            for (Provider p : Security.getProviders("Signature.SHA256withECDSA")) {
                if (!p.getName().equals(NAME)) {
                    return Signature.getInstance("SHA256withECDSA", p);
                }
            }
            throw new NoSuchAlgorithmException("SHA256withECDSA");
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            engineUpdate(new byte[] {b}, 0, 1);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            if (verifier != null) {
                verifier.update(b, off, len);
            } else if (digest != null) {
                digest.update(b, off, len);
            } else {
                throw new SignatureException("not initialised");
            }
        }

        @Override
        protected void engineUpdate(java.nio.ByteBuffer input) {
            if (verifier != null) {
                try {
                    verifier.update(input);
                } catch (SignatureException e) {
                    throw new IllegalStateException(e);
                }
            } else if (digest != null) {
                digest.update(input);
            } else {
                throw new IllegalStateException("not initialised");
            }
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            if (scalar == null) {
                throw new SignatureException("not initialised for signing");
            }
            byte[] out = new byte[Libcrypto.P256_SIGNATURE_MAX];
            int n = crypto().signP256(scalar, digest.digest(), out);
            return Arrays.copyOf(out, n);
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            if (verifier == null) {
                throw new SignatureException("not initialised for verification");
            }
            return verifier.verify(sigBytes);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (params != null) {
                throw new InvalidAlgorithmParameterException("no parameters");
            }
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameters");
        }
    }
}
