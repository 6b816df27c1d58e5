package dev.sluice.bench;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The TLS engine Sluice uses (the JDK's {@code SSLEngine}) against Conscrypt's,
 * through the same {@code SSLEngine} calls Sluice makes: a full TLS 1.3
 * handshake between two in-memory engines (an EC P-256 certificate, the
 * default groups and suites), and one record each way in steady state, the
 * server wrapping {@code payload} bytes and the client unwrapping them.
 * Buffers are direct, as Sluice's pool buffers are; the record buffer is
 * {@code getPacketBufferSize()} bytes. Run with {@code -prof gc} to see what
 * each engine allocates per record.
 *
 * <pre>bench/jmh.sh TlsEngineBench -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class TlsEngineBench {
    @Param({"jdk", "conscrypt"})
    public String engine;

    @Param({"512", "16384"})
    public int payload;

    private SSLContext context;
    private SSLEngine client;
    private SSLEngine server;
    private ByteBuffer plainOut;
    private ByteBuffer plainIn;
    private ByteBuffer wire;
    private final ByteBuffer empty = ByteBuffer.allocateDirect(0);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        context = context(engine);
        client = context.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        server = context.createSSLEngine();
        server.setUseClientMode(false);
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(),
                server.getSession().getApplicationBufferSize());
        wire = ByteBuffer.allocateDirect(Math.max(packet, 64 * 1024));
        plainIn = ByteBuffer.allocateDirect(Math.max(app, payload));
        plainOut = ByteBuffer.allocateDirect(payload);
        for (int i = 0; i < payload; i++) {
            plainOut.put((byte) ('a' + i % 26));
        }
        handshake(client, server, wire, plainIn, empty);
    }

    /** One full handshake between fresh engines; returns the client's protocol so that nothing is dead code. */
    @Benchmark
    public String handshake() throws SSLException {
        SSLEngine c = context.createSSLEngine("localhost", 443);
        c.setUseClientMode(true);
        SSLEngine s = context.createSSLEngine();
        s.setUseClientMode(false);
        handshake(c, s, wire, plainIn, empty);
        return c.getSession().getProtocol();
    }

    /** The server wraps {@code payload} bytes into records; the client unwraps them. */
    @Benchmark
    public int record() throws SSLException {
        plainOut.clear();
        wire.clear();
        while (plainOut.hasRemaining()) {
            // The JDK puts at most 16367 plaintext bytes into a TLS 1.3 record, so 16 KiB can take two.
            SSLEngineResult w = server.wrap(plainOut, wire);
            if (w.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("wrap: " + w);
            }
        }
        wire.flip();
        plainIn.clear();
        while (wire.hasRemaining()) {
            SSLEngineResult u = client.unwrap(wire, plainIn);
            if (u.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("unwrap: " + u);
            }
        }
        if (plainIn.position() != payload) {
            throw new IllegalStateException("unwrapped " + plainIn.position() + " of " + payload);
        }
        return plainIn.position();
    }

    static SSLContext context(String engine) throws Exception {
        Path dir = Files.createTempDirectory("tls-bench");
        Path store = dir.resolve("site.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "site", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Files.delete(store);
        Files.delete(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = switch (engine) {
            case "jdk" -> SSLContext.getInstance("TLSv1.3");
            case "conscrypt" -> {
                Provider provider = org.conscrypt.Conscrypt.newProvider();
                yield SSLContext.getInstance("TLSv1.3", provider);
            }
            default -> throw new IllegalArgumentException(engine);
        };
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Drives both engines, on one thread, until neither needs anything; delegated tasks run inline. */
    static void handshake(SSLEngine c, SSLEngine s, ByteBuffer wire, ByteBuffer sink, ByteBuffer empty)
            throws SSLException {
        c.beginHandshake();
        s.beginHandshake();
        ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        for (int step = 0; step < 100; step++) {
            boolean moved = pump(c, toServer, toClient, sink, empty, wire);
            moved |= pump(s, toClient, toServer, sink, empty, wire);
            if (done(c) && done(s)) {
                // Post-handshake records (TLS 1.3 session tickets) still in flight go to their engine, so that
                // the record sequence numbers of both sides agree.
                drain(c, toClient, sink);
                drain(s, toServer, sink);
                return;
            }
            if (!moved) {
                throw new IllegalStateException("handshake stuck: " + c.getHandshakeStatus() + "/"
                        + s.getHandshakeStatus());
            }
        }
        throw new IllegalStateException("handshake did not finish");
    }

    private static void drain(SSLEngine e, ByteBuffer in, ByteBuffer sink) throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            sink.clear();
            SSLEngineResult r = e.unwrap(in, sink);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("drain: " + r);
            }
        }
        in.clear();
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
        return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || h == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One engine's turn: run tasks, wrap what it wants to send into {@code out}, unwrap what {@code in} has. */
    private static boolean pump(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer sink, ByteBuffer empty,
            ByteBuffer scratch) throws SSLException {
        boolean moved = false;
        while (true) {
            SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
            if (h == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = e.getDelegatedTask()) != null) {
                    task.run();
                }
                moved = true;
            } else if (h == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                scratch.clear();
                SSLEngineResult r = e.wrap(empty, scratch);
                scratch.flip();
                out.put(scratch);
                moved = true;
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return moved;
                }
            } else if (h == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || h == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                in.flip();
                sink.clear();
                SSLEngineResult r = e.unwrap(in, sink);
                in.compact();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0
                        && r.getHandshakeStatus() == h) {
                    return moved;
                }
                moved = true;
            } else {
                return moved;
            }
        }
    }
}
