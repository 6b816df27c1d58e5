package dev.sluice.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * What an established TLS connection keeps, per engine: {@code n} pairs of
 * client and server engines, each pair after a full handshake, are held, and the Java heap in use
 * (after a full collection) and the process's resident set are read before
 * and after. Conscrypt keeps its state in native memory, which the heap
 * figure does not see and the resident set does. Run with:
 *
 * <pre>bench/tls-footprint.sh</pre>
 */
public final class TlsEngineFootprint {
    private TlsEngineFootprint() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int n = Integer.parseInt(args[1]);
        SSLContext context = TlsEngineBench.context(engine);
        ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer empty = ByteBuffer.allocateDirect(0);
        // Warm up: the classes, the provider's tables and the JIT are loaded before the first reading.
        for (int i = 0; i < 200; i++) {
            pair(context, wire, sink, empty);
        }
        long heap0 = heap();
        long rss0 = rss();
        List<SSLEngine[]> kept = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            kept.add(pair(context, wire, sink, empty));
        }
        long heap1 = heap();
        long rss1 = rss();
        System.out.printf("%s: %d established engine pairs (client and server): heap +%d B per pair, resident set +%d B per pair%n", engine,
                kept.size(), (heap1 - heap0) / n, (rss1 - rss0) / n);
    }

    /** A client and a server engine after a full handshake; both are returned so that neither is freed. */
    private static SSLEngine[] pair(SSLContext context, ByteBuffer wire, ByteBuffer sink, ByteBuffer empty)
            throws Exception {
        SSLEngine c = context.createSSLEngine("localhost", 443);
        c.setUseClientMode(true);
        SSLEngine s = context.createSSLEngine();
        s.setUseClientMode(false);
        TlsEngineBench.handshake(c, s, wire, sink, empty);
        return new SSLEngine[] {c, s};
    }

    private static long heap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
