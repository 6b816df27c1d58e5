package dev.sluice.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A syslog receiver on 127.0.0.1 for the access lines of a proxy whose
 * {@code log-format} makes each line match a pattern (start-up notices do
 * not): the tests that compare HAProxy's lines with Sluice's read one per
 * request. Keeps every line it returned.
 */
final class AccessLogs implements AutoCloseable {
    private final DatagramSocket socket;
    private final String pattern;
    private final List<String> lines;

    /**
     * @param pattern what an access line matches, whole
     * @param lines where the lines returned are added, in order (two receivers may share one list)
     */
    AccessLogs(String pattern, List<String> lines) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(10_000);
        this.pattern = pattern;
        this.lines = lines;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next access line, stripped; other lines are skipped. */
    String next() throws IOException {
        while (true) {
            byte[] b = new byte[2048];
            DatagramPacket p = new DatagramPacket(b, b.length);
            socket.receive(p);
            String line = new String(b, 0, p.getLength(), StandardCharsets.ISO_8859_1).strip();
            if (line.matches(pattern)) {
                lines.add(line);
                return line;
            }
        }
    }

    /**
     * Drops whatever arrives until 300 ms pass without a line; fails after 15 s
     * of lines that never stop (something logs for ever), rather than hang.
     */
    void drain() throws IOException {
        socket.setSoTimeout(300);
        long deadline = System.nanoTime() + 15_000_000_000L;
        try {
            while (true) {
                socket.receive(new DatagramPacket(new byte[2048], 2048));
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("log lines did not stop for 15 s");
                }
            }
        } catch (java.net.SocketTimeoutException done) {
            socket.setSoTimeout(10_000);
        }
    }

    /**
     * The start of a configuration both proxies run side by side: one thread
     * (so that their round robins take the same turns), mode http, and an
     * access line {@code %b/%s %tsc} sent to {@code logPort}.
     */
    static String prologue(int logPort) {
        return """
                global
                    nbthread 1
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                    log 127.0.0.1:%d format raw local0
                    log-format "%%b/%%s %%tsc"
                """.formatted(logPort);
    }

    /** Everything {@code in} sends until its end, as ISO-8859-1 text. */
    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        socket.close();
    }
}
