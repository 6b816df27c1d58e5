package dev.sluice.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * UDP syslog: a non-blocking datagram channel connected to the target, so a
 * line whose datagram the kernel cannot take now (or an ICMP "port unreachable"
 * from an earlier one) is counted as failed and the writer moves on.
 *
 * <p>Used by the log writer thread only.
 */
final class UdpSink implements LogSink {
    private final DatagramChannel channel;
    private byte[] wrappedArray;
    private ByteBuffer wrapped;
    private String lastError = "";

    UdpSink(InetSocketAddress target) throws IOException {
        channel = DatagramChannel.open(target.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        channel.configureBlocking(false);
        channel.connect(target);
    }

    @Override
    public boolean send(byte[] bytes, int length) {
        if (bytes != wrappedArray) {
            // The writer sends from one array for its whole life: wrapped once.
            wrapped = ByteBuffer.wrap(bytes);
            wrappedArray = bytes;
        }
        wrapped.limit(length).position(0);
        try {
            if (channel.write(wrapped) == length) {
                return true;
            }
            lastError = "the socket's send buffer is full";
        } catch (IOException e) {
            // A port unreachable reported for an earlier datagram, or a network error: this line is lost.
            lastError = e.toString();
        }
        return false;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            lastError = e.toString();
        }
    }
}
