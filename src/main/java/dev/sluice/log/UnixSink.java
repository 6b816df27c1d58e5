package dev.sluice.log;

import java.io.IOException;

/**
 * A UNIX datagram socket such as {@code /dev/log}. Each line is sent to the path
 * with {@code sendto}, so a syslog daemon that restarts (and makes its socket
 * anew) is found again without reconnecting.
 *
 * <p>Used by the log writer thread only.
 */
final class UnixSink implements LogSink {
    private final UnixDatagramSocket socket;

    UnixSink(String path, int maxDatagram) throws IOException {
        socket = UnixDatagramSocket.open(maxDatagram);
        try {
            socket.target(path);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public boolean send(byte[] bytes, int length) {
        return socket.send(bytes, 0, length);
    }

    @Override
    public String lastError() {
        return socket.lastError();
    }

    @Override
    public void close() {
        socket.close();
    }
}
