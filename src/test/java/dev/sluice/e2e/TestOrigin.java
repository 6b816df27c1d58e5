package dev.sluice.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server for end-to-end tests, on 127.0.0.1, one virtual thread per connection.
 * <ul>
 * <li>{@link Mode#ECHO}: sends back every byte it reads; closes after the client's end of stream.</li>
 * <li>{@link Mode#DOWNLOAD}: reads a request line {@code "<size>\n"}, then sends {@code size} bytes of
 *     {@link #pattern(long, int)} with seed {@code size} and closes.</li>
 * <li>{@link Mode#HOLD}: reads and discards until the client goes away; never answers.</li>
 * </ul>
 * It counts the connections it has open now and the most it ever had, so a test
 * can check that {@code maxconn} held.
 */
final class TestOrigin implements AutoCloseable {
    enum Mode { ECHO, DOWNLOAD, HOLD }

    private final ServerSocket server;
    private final Mode mode;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    TestOrigin(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("origin-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    int port() {
        return server.getLocalPort();
    }

    /** The most connections this origin ever had open at once. */
    int peakConcurrent() {
        return peak.get();
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                int now = current.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            switch (mode) {
                case ECHO -> in.transferTo(out);
                case DOWNLOAD -> {
                    long size = readSize(in);
                    byte[] chunk = new byte[8192];
                    for (long sent = 0; sent < size; ) {
                        int n = (int) Math.min(chunk.length, size - sent);
                        fill(chunk, n, size, sent);
                        out.write(chunk, 0, n);
                        sent += n;
                    }
                }
                case HOLD -> in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            // The peer went away: nothing to serve any more.
        } finally {
            // Counted out before the close: the proxy can only learn of the
            // close (and give the slot to another session) after this.
            open.remove(s);
            current.decrementAndGet();
            try {
                s.close();
            } catch (IOException e) {
                // Closing a socket the peer already reset: nothing left to do.
            }
        }
    }

    private static long readSize(InputStream in) throws IOException {
        long size = 0;
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < '0' || c > '9') {
                throw new IOException("bad size line");
            }
            size = size * 10 + (c - '0');
        }
        return size;
    }

    /** Byte {@code offset} of the deterministic stream for {@code seed}. */
    static byte patternByte(long seed, long offset) {
        long x = (offset + 1) * 0x9E3779B97F4A7C15L ^ seed * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 29;
        return (byte) x;
    }

    static void fill(byte[] into, int n, long seed, long offset) {
        for (int i = 0; i < n; i++) {
            into[i] = patternByte(seed, offset + i);
        }
    }

    /** The first {@code length} bytes of the stream for {@code seed}. */
    static byte[] pattern(long seed, int length) {
        byte[] b = new byte[length];
        fill(b, length, seed, 0);
        return b;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
