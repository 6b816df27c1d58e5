package dev.sluice.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports that nothing listens on, never the same one twice in a test
 * run. Asking the kernel for a port (bind to 0, close) can hand out a port it
 * handed out a moment before, since the first one was closed at once. Two
 * listeners on that port then both bind, since HAProxy and Sluice set
 * {@code SO_REUSEPORT}, and the kernel splits connections between them. A test
 * comparing HAProxy with Sluice then sees half of one proxy's requests
 * answered by the other. That is how a CI run once saw 121 of 200 keys agree.
 */
public final class FreePorts {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** A loopback port free now and not returned before in this JVM. */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no fresh loopback port after 1000 attempts");
    }

    /**
     * A loopback port that refuses every connection for as long as the
     * returned socket stays open: bound, never listening. A port merely
     * closed could be taken by a listener bound to port 0 meanwhile (Sluice's
     * own, in a test), which then answers for the "dead" server; a bound
     * socket keeps the port from being handed out. Close it after the test.
     */
    public static java.net.Socket dead() {
        java.net.Socket s = new java.net.Socket();
        try {
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }
}
