package dev.sluice.net;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.InvalidKeyException;
import java.security.ProviderException;

/**
 * The two public-key operations of a TLS handshake that the JDK does slowly,
 * done by the system's OpenSSL 3 {@code libcrypto} through the Foreign
 * Function API: X25519 (RFC 7748) and the ECDSA P-256 signature. Measured on
 * this project's machine (bench/RESULTS.md, "Handshake key work in
 * libcrypto"), the JDK takes about 370 us for an X25519 key pair and agreement
 * and 160 us for a P-256 signature, 57% of a loop's time under new TLS
 * connections; OpenSSL's assembly takes a seventh of that.
 *
 * <p>Nothing native outlives a call: each one makes its OpenSSL objects from
 * the bytes it is given and frees them before it returns, so the native
 * memory these calls use is a few kilobytes per thread inside a call, never
 * per connection (unlike an OpenSSL-backed TLS engine, whose per-connection
 * state no bound of Sluice's counts; docs/design.md, "TLS uses the JDK's
 * engine"). The secrets copied into native memory are zeroed before it is
 * freed. The TLS engine stays the JDK's: records, the key schedule and the
 * state machine are unchanged.
 *
 * <p>Thread-safe: the calls share no state.
 */
final class Libcrypto {
    private static final int EVP_PKEY_X25519 = 1034;
    private static final int NID_X9_62_PRIME256V1 = 415;
    /** The largest DER ECDSA P-256 signature: a SEQUENCE of two INTEGERs of up to 33 bytes. */
    static final int P256_SIGNATURE_MAX = 72;

    /** Operations done, for tests and the curious: key pairs, agreements and signatures. */
    private final java.util.concurrent.atomic.LongAdder operations = new java.util.concurrent.atomic.LongAdder();

    private final MethodHandle newRawPrivateKey;
    private final MethodHandle newRawPublicKey;
    private final MethodHandle getRawPublicKey;
    private final MethodHandle pkeyFree;
    private final MethodHandle ctxNew;
    private final MethodHandle ctxFree;
    private final MethodHandle deriveInit;
    private final MethodHandle deriveSetPeer;
    private final MethodHandle derive;
    private final MethodHandle ecKeyNewByCurveName;
    private final MethodHandle ecKeySetPrivateKey;
    private final MethodHandle ecKeyFree;
    private final MethodHandle bnBin2bn;
    private final MethodHandle bnClearFree;
    private final MethodHandle ecdsaSign;
    private final MethodHandle errClearError;

    private Libcrypto(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        ValueLayout p = ValueLayout.ADDRESS;
        ValueLayout i = ValueLayout.JAVA_INT;
        ValueLayout l = ValueLayout.JAVA_LONG;
        newRawPrivateKey = bind(linker, lib, "EVP_PKEY_new_raw_private_key", FunctionDescriptor.of(p, i, p, p, l));
        newRawPublicKey = bind(linker, lib, "EVP_PKEY_new_raw_public_key", FunctionDescriptor.of(p, i, p, p, l));
        getRawPublicKey = bind(linker, lib, "EVP_PKEY_get_raw_public_key", FunctionDescriptor.of(i, p, p, p));
        pkeyFree = bind(linker, lib, "EVP_PKEY_free", FunctionDescriptor.ofVoid(p));
        ctxNew = bind(linker, lib, "EVP_PKEY_CTX_new", FunctionDescriptor.of(p, p, p));
        ctxFree = bind(linker, lib, "EVP_PKEY_CTX_free", FunctionDescriptor.ofVoid(p));
        deriveInit = bind(linker, lib, "EVP_PKEY_derive_init", FunctionDescriptor.of(i, p));
        deriveSetPeer = bind(linker, lib, "EVP_PKEY_derive_set_peer", FunctionDescriptor.of(i, p, p));
        derive = bind(linker, lib, "EVP_PKEY_derive", FunctionDescriptor.of(i, p, p, p));
        ecKeyNewByCurveName = bind(linker, lib, "EC_KEY_new_by_curve_name", FunctionDescriptor.of(p, i));
        ecKeySetPrivateKey = bind(linker, lib, "EC_KEY_set_private_key", FunctionDescriptor.of(i, p, p));
        ecKeyFree = bind(linker, lib, "EC_KEY_free", FunctionDescriptor.ofVoid(p));
        bnBin2bn = bind(linker, lib, "BN_bin2bn", FunctionDescriptor.of(p, p, i, p));
        bnClearFree = bind(linker, lib, "BN_clear_free", FunctionDescriptor.ofVoid(p));
        ecdsaSign = bind(linker, lib, "ECDSA_sign", FunctionDescriptor.of(i, i, p, i, p, p, p));
        errClearError = bind(linker, lib, "ERR_clear_error", FunctionDescriptor.ofVoid());
    }

    long operations() {
        return operations.sum();
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("libcrypto has no " + name));
        return linker.downcallHandle(symbol, descriptor);
    }

    /**
     * Loads OpenSSL 3's {@code libcrypto.so.3} and checks both operations:
     * X25519 against RFC 7748's first test vector, a P-256 signature by the
     * JDK's provider verifying it;
     * throws, with the reason, when the library is missing, lacks a function
     * or answers wrongly.
     */
    static Libcrypto load() {
        SymbolLookup lib = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        Libcrypto crypto = new Libcrypto(lib);
        crypto.selfTest();
        return crypto;
    }

    private void selfTest() {
        byte[] scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        byte[] expected = hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        try {
            if (!java.util.Arrays.equals(x25519(scalar, u), expected)) {
                throw new IllegalStateException("libcrypto's X25519 does not give RFC 7748's test result");
            }
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("libcrypto refused RFC 7748's X25519 test vector", e);
        }
        // The private key 1, whose public key is the curve's generator: the JDK's provider must verify the signature.
        byte[] one = new byte[32];
        one[31] = 1;
        byte[] message = "sluice's libcrypto self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature = new byte[P256_SIGNATURE_MAX];
        try {
            int n = signP256(one, java.security.MessageDigest.getInstance("SHA-256").digest(message), signature);
            java.security.spec.ECParameterSpec p256 = p256Parameters();
            java.security.Signature verify = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
            verify.initVerify(java.security.KeyFactory.getInstance("EC", "SunEC")
                    .generatePublic(new java.security.spec.ECPublicKeySpec(p256.getGenerator(), p256)));
            verify.update(message);
            if (!verify.verify(java.util.Arrays.copyOf(signature, n))) {
                throw new IllegalStateException("libcrypto's P-256 signature does not verify in the JDK");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot check libcrypto's P-256 signature: " + e.getMessage(), e);
        }
    }

    /** P-256's parameters as the JDK's providers give them: the curve {@link #signP256} signs on. */
    static java.security.spec.ECParameterSpec p256Parameters() throws java.security.GeneralSecurityException {
        java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
        params.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(java.security.spec.ECParameterSpec.class);
    }

    /**
     * X25519 of a 32-byte scalar and a 32-byte u-coordinate, both
     * little-endian as RFC 7748 encodes them; the scalar is clamped and u's
     * top bit masked, as the RFC says.
     *
     * @throws InvalidKeyException when the result is all zeros (a point of
     *         small order), which RFC 8446 requires a server to refuse
     */
    byte[] x25519(byte[] scalar, byte[] u) throws InvalidKeyException {
        operations.increment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment priv = copy(arena, scalar);
            MemorySegment peer = copy(arena, u);
            MemorySegment out = arena.allocate(32);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            length.set(ValueLayout.JAVA_LONG, 0, 32);
            MemorySegment key = MemorySegment.NULL;
            MemorySegment peerKey = MemorySegment.NULL;
            MemorySegment ctx = MemorySegment.NULL;
            try {
                key = (MemorySegment) newRawPrivateKey.invokeExact(EVP_PKEY_X25519, MemorySegment.NULL, priv, 32L);
                peerKey = (MemorySegment) newRawPublicKey.invokeExact(EVP_PKEY_X25519, MemorySegment.NULL, peer, 32L);
                check(!key.equals(MemorySegment.NULL) && !peerKey.equals(MemorySegment.NULL), "X25519 key import");
                ctx = (MemorySegment) ctxNew.invokeExact(key, MemorySegment.NULL);
                check(!ctx.equals(MemorySegment.NULL), "EVP_PKEY_CTX_new");
                check((int) deriveInit.invokeExact(ctx) == 1, "EVP_PKEY_derive_init");
                check((int) deriveSetPeer.invokeExact(ctx, peerKey) == 1, "EVP_PKEY_derive_set_peer");
                if ((int) derive.invokeExact(ctx, out, length) != 1 || length.get(ValueLayout.JAVA_LONG, 0) != 32) {
                    // OpenSSL fails the derivation whose result is all zeros.
                    errClearError.invokeExact();
                    throw new InvalidKeyException("X25519: the peer's point has small order");
                }
                byte[] secret = out.toArray(ValueLayout.JAVA_BYTE);
                int bits = 0;
                for (byte b : secret) {
                    bits |= b;
                }
                if (bits == 0) {
                    throw new InvalidKeyException("X25519: the peer's point has small order");
                }
                return secret;
            } finally {
                priv.fill((byte) 0);
                out.fill((byte) 0);
                free(ctxFree, ctx);
                free(pkeyFree, peerKey);
                free(pkeyFree, key);
            }
        } catch (InvalidKeyException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProviderException("libcrypto X25519", t);
        }
    }

    /** The X25519 public key (u, little-endian) of a 32-byte scalar. */
    byte[] x25519PublicKey(byte[] scalar) {
        operations.increment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment priv = copy(arena, scalar);
            MemorySegment out = arena.allocate(32);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            length.set(ValueLayout.JAVA_LONG, 0, 32);
            MemorySegment key = MemorySegment.NULL;
            try {
                key = (MemorySegment) newRawPrivateKey.invokeExact(EVP_PKEY_X25519, MemorySegment.NULL, priv, 32L);
                check(!key.equals(MemorySegment.NULL), "X25519 key import");
                check((int) getRawPublicKey.invokeExact(key, out, length) == 1
                        && length.get(ValueLayout.JAVA_LONG, 0) == 32, "EVP_PKEY_get_raw_public_key");
                return out.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                priv.fill((byte) 0);
                free(pkeyFree, key);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProviderException("libcrypto X25519", t);
        }
    }

    /**
     * Signs a 32-byte digest with a P-256 private key (its scalar, 32 bytes
     * big-endian) and writes the DER signature into {@code signature}; returns
     * its length. The nonce comes from OpenSSL's own generator.
     */
    int signP256(byte[] privateScalar, byte[] digest, byte[] signature) {
        operations.increment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scalar = copy(arena, privateScalar);
            MemorySegment dgst = copy(arena, digest);
            MemorySegment out = arena.allocate(P256_SIGNATURE_MAX);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment key = MemorySegment.NULL;
            MemorySegment bn = MemorySegment.NULL;
            try {
                key = (MemorySegment) ecKeyNewByCurveName.invokeExact(NID_X9_62_PRIME256V1);
                check(!key.equals(MemorySegment.NULL), "EC_KEY_new_by_curve_name");
                bn = (MemorySegment) bnBin2bn.invokeExact(scalar, (int) scalar.byteSize(), MemorySegment.NULL);
                check(!bn.equals(MemorySegment.NULL), "BN_bin2bn");
                check((int) ecKeySetPrivateKey.invokeExact(key, bn) == 1, "EC_KEY_set_private_key");
                check((int) ecdsaSign.invokeExact(0, dgst, (int) dgst.byteSize(), out, length, key) == 1, "ECDSA_sign");
                int n = length.get(ValueLayout.JAVA_INT, 0);
                check(n > 0 && n <= P256_SIGNATURE_MAX && n <= signature.length, "ECDSA_sign's length");
                MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, signature, 0, n);
                return n;
            } finally {
                scalar.fill((byte) 0);
                free(bnClearFree, bn);
                free(ecKeyFree, key);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProviderException("libcrypto ECDSA", t);
        }
    }

    private void check(boolean ok, String what) throws Throwable {
        if (!ok) {
            errClearError.invokeExact();
            throw new ProviderException("libcrypto: " + what + " failed");
        }
    }

    private static void free(MethodHandle free, MemorySegment pointer) throws Throwable {
        if (!pointer.equals(MemorySegment.NULL)) {
            free.invokeExact(pointer);
        }
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
