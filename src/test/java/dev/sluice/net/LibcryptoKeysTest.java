package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.List;
import javax.crypto.KeyAgreement;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libcrypto's X25519 and P-256 signing behind the JCA: the same answers as
 * the JDK's own provider (RFC 7748's vectors, agreement across the two
 * providers, signatures the JDK verifies), the keys it does not take passed
 * to the JDK's provider, and a whole TLS 1.3 handshake of the JDK's engine
 * whose key work libcrypto did.
 */
class LibcryptoKeysTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void install() {
        String status = LibcryptoKeys.install();
        assertTrue(LibcryptoKeys.installed(), status);
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    private static KeyAgreement ours() throws Exception {
        return KeyAgreement.getInstance("XDH", LibcryptoKeys.NAME);
    }

    @Test
    void rfc7748sTestVectorsAndItsDiffieHellmanExampleGiveTheRfcsAnswers() throws Exception {
        // RFC 7748 section 5.2, the first vector, through the JCA.
        KeyAgreement ka = ours();
        ka.init(new LibcryptoKeys.X25519PrivateKey(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")));
        ka.doPhase(new LibcryptoKeys.X25519PublicKey(hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")), true);
        assertArrayEquals(hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"), ka.generateSecret());

        // Section 6.1: Alice's and Bob's public keys; their shared secret, from both sides, is the JDK's too.
        byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        Libcrypto crypto = Libcrypto.load();
        assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), crypto.x25519PublicKey(alice));
        assertArrayEquals(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), crypto.x25519PublicKey(bob));
        byte[] fromAlice = crypto.x25519(alice, crypto.x25519PublicKey(bob));
        assertArrayEquals(hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"), fromAlice);
        assertArrayEquals(fromAlice, crypto.x25519(bob, crypto.x25519PublicKey(alice)));
        KeyAgreement jdk = KeyAgreement.getInstance("XDH", "SunEC");
        jdk.init(KeyFactory.getInstance("XDH", "SunEC").generatePrivate(
                new java.security.spec.XECPrivateKeySpec(NamedParameterSpec.X25519, alice)));
        jdk.doPhase(KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new LibcryptoKeys.X25519PublicKey(
                        crypto.x25519PublicKey(bob)).getU())), true);
        assertArrayEquals(jdk.generateSecret(), fromAlice);
    }

    @Test
    void aKeyPairMadeHereAgreesWithOneOfTheJdksBothWays() throws Exception {
        KeyPairGenerator here = KeyPairGenerator.getInstance("XDH", LibcryptoKeys.NAME);
        here.initialize(NamedParameterSpec.X25519);
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdk.initialize(NamedParameterSpec.X25519);
        for (int i = 0; i < 20; i++) {
            KeyPair a = here.generateKeyPair();
            KeyPair b = jdk.generateKeyPair();
            KeyAgreement withOurs = ours();
            withOurs.init(a.getPrivate());
            withOurs.doPhase(b.getPublic(), true);
            KeyAgreement withJdks = KeyAgreement.getInstance("XDH", "SunEC");
            withJdks.init(b.getPrivate());
            // The JDK's TLS engine rebuilds the peer's key from its u through the JDK's key factory: do so too.
            withJdks.doPhase(KeyFactory.getInstance("XDH", "SunEC").generatePublic(new XECPublicKeySpec(
                    NamedParameterSpec.X25519, ((java.security.interfaces.XECPublicKey) a.getPublic()).getU())), true);
            assertArrayEquals(withJdks.generateSecret(), withOurs.generateSecret("TlsPremasterSecret").getEncoded());
            // The JDK's provider takes the keys made here in their encoded forms too.
            KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                    new java.security.spec.X509EncodedKeySpec(a.getPublic().getEncoded()));
            KeyFactory.getInstance("XDH", "SunEC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(a.getPrivate().getEncoded()));
        }
    }

    @Test
    void aPointOfSmallOrderIsRefusedAsTheJdksProviderRefusesIt() throws Exception {
        KeyPairGenerator here = KeyPairGenerator.getInstance("XDH", LibcryptoKeys.NAME);
        here.initialize(NamedParameterSpec.X25519);
        KeyAgreement ka = ours();
        ka.init(here.generateKeyPair().getPrivate());
        // u = 0 and u = 1 are of small order: the shared secret would be all zeros.
        assertThrows(InvalidKeyException.class, () -> ka.doPhase(new LibcryptoKeys.X25519PublicKey(new byte[32]), true));
        byte[] one = new byte[32];
        one[0] = 1;
        KeyAgreement again = ours();
        again.init(here.generateKeyPair().getPrivate());
        assertThrows(InvalidKeyException.class, () -> again.doPhase(new LibcryptoKeys.X25519PublicKey(one), true));
    }

    @Test
    void x448AndOtherCurvesAreLeftToTheJdksProvider() throws Exception {
        KeyPairGenerator x448 = KeyPairGenerator.getInstance("XDH");
        x448.initialize(NamedParameterSpec.X448);
        KeyPair k = x448.generateKeyPair();
        assertEquals(56, ((java.security.interfaces.XECPrivateKey) k.getPrivate()).getScalar().orElseThrow().length);
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(k.getPrivate());
        assertEquals("SunEC", ka.getProvider().getName());

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(p384.getPrivate());
        assertEquals("SunEC", s.getProvider().getName());
    }

    @Test
    void aP256SignatureMadeHereIsOneTheJdkVerifies() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", "SunEC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = ec.generateKeyPair();
        byte[] message = "the CertificateVerify's content".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 20; i++) {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key.getPrivate());
            assertEquals(LibcryptoKeys.NAME, s.getProvider().getName());
            s.update(message, 0, 10);
            s.update(ByteBuffer.wrap(message, 10, message.length - 10));
            byte[] signature = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
            v.initVerify(key.getPublic());
            v.update(message);
            assertTrue(v.verify(signature));
            // Verification by this provider is the JDK's, and it refuses a changed message.
            Signature ours = Signature.getInstance("SHA256withECDSA", LibcryptoKeys.NAME);
            ours.initVerify(key.getPublic());
            ours.update(message);
            assertTrue(ours.verify(signature));
            ours.initVerify(key.getPublic());
            ours.update(new byte[] {1, 2, 3});
            assertFalse(ours.verify(signature));
        }
        // A scalar the JDK encodes with a leading zero byte (or fewer than 32 bytes) signs as well.
        BigInteger small = BigInteger.valueOf(12345);
        java.security.spec.ECParameterSpec p = ((java.security.interfaces.ECPrivateKey) key.getPrivate()).getParams();
        java.security.PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.ECPrivateKeySpec(small, p));
        java.security.spec.ECPoint q = multiplyForTest(small, p);
        java.security.PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(q, p));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k);
        s.update(message);
        byte[] signature = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
        v.initVerify(pub);
        v.update(message);
        assertTrue(v.verify(signature));
    }

    /** The public point of a small scalar, by double-and-add in the affine coordinates (a test's arithmetic). */
    private static java.security.spec.ECPoint multiplyForTest(BigInteger k, java.security.spec.ECParameterSpec spec) {
        BigInteger prime = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
        BigInteger a = spec.getCurve().getA();
        java.security.spec.ECPoint result = java.security.spec.ECPoint.POINT_INFINITY;
        java.security.spec.ECPoint addend = spec.getGenerator();
        for (int i = 0; i < k.bitLength(); i++) {
            if (k.testBit(i)) {
                result = add(result, addend, prime, a);
            }
            addend = add(addend, addend, prime, a);
        }
        return result;
    }

    private static java.security.spec.ECPoint add(java.security.spec.ECPoint p, java.security.spec.ECPoint q,
            BigInteger prime, BigInteger a) {
        if (p.equals(java.security.spec.ECPoint.POINT_INFINITY)) {
            return q;
        }
        if (q.equals(java.security.spec.ECPoint.POINT_INFINITY)) {
            return p;
        }
        BigInteger lambda;
        if (p.equals(q)) {
            lambda = p.getAffineX().pow(2).multiply(BigInteger.valueOf(3)).add(a)
                    .multiply(p.getAffineY().shiftLeft(1).modInverse(prime)).mod(prime);
        } else {
            lambda = q.getAffineY().subtract(p.getAffineY())
                    .multiply(q.getAffineX().subtract(p.getAffineX()).modInverse(prime)).mod(prime);
        }
        BigInteger x = lambda.pow(2).subtract(p.getAffineX()).subtract(q.getAffineX()).mod(prime);
        BigInteger y = lambda.multiply(p.getAffineX().subtract(x)).subtract(p.getAffineY()).mod(prime);
        return new java.security.spec.ECPoint(x, y);
    }

    @Test
    void aTls13HandshakeOfTheJdksEngineHasItsKeyWorkDoneByLibcrypto() throws Exception {
        KeyStore ks = TestCertificates.keyStore(dir, "site", false, "localhost", "localhost");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestCertificates.PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            SSLEngine server = context.createSSLEngine();
            server.setUseClientMode(false);
            SSLEngine client = context.createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            SSLParameters p = client.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("localhost")));
            p.setProtocols(new String[] {protocol});
            // x25519 first (TLS 1.3's key share); TLS 1.2 needs the certificate's curve listed too.
            p.setNamedGroups(new String[] {"x25519", "secp256r1"});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            client.setSSLParameters(p);
            long before = LibcryptoKeys.operations();
            handshake(client, server);
            assertEquals(protocol, server.getSession().getProtocol());
            // Each side: a key pair and an agreement; the server: the P-256 signature. The client's check of
            // that signature is the JDK's, through this provider (it would fail the handshake if it were wrong).
            assertEquals(5, LibcryptoKeys.operations() - before, protocol);

            // Application data goes through on the keys agreed.
            ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
            client.wrap(ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), out);
            out.flip();
            ByteBuffer in = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
            while (out.hasRemaining()) {
                server.unwrap(out, in);
            }
            in.flip();
            assertEquals("hello", java.nio.charset.StandardCharsets.US_ASCII.decode(in).toString());
        }
    }

    private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer toServer = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer toClient = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
        ByteBuffer none = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 100 && !(done(client) && done(server)); i++) {
            TlsConnectionTest.pass(client, server, toServer, app, none);
            TlsConnectionTest.pass(server, client, toClient, app, none);
        }
        assertTrue(done(client) && done(server), "the handshake ended");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }
}
