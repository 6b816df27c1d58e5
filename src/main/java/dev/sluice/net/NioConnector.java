package dev.sluice.net;

import dev.sluice.loop.EventLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * Opens non-blocking outgoing {@link NioConnection}s on one loop. A pending
 * connect waits for {@code OP_CONNECT}; a connect that succeeds or fails at
 * once is reported from a task on the loop's run queue, so the handler always
 * hears of the outcome after {@link #connect} has returned the connection.
 *
 * <p>Not thread-safe: called only on its loop's thread.
 */
public final class NioConnector implements Connector {
    private final EventLoop loop;
    /** Servers whose connections get {@code SO_KEEPALIVE} ({@code option srvtcpka} in their backend). */
    private final Set<InetSocketAddress> keepAliveTargets;
    /** The same for servers without a port of their own (port 0 in the set): any port of these hosts. */
    private final Set<java.net.InetAddress> keepAliveHosts;

    public NioConnector(EventLoop loop) {
        this(loop, Set.of());
    }

    /**
     * A connector that sets {@code SO_KEEPALIVE} on connections to
     * {@code keepAliveTargets}. It is set per address, so a server address that
     * two backends share gets it if either asks for it: it only adds probes on a
     * connection that has been idle for the system's keep-alive time.
     */
    public NioConnector(EventLoop loop, Set<InetSocketAddress> keepAliveTargets) {
        this.loop = loop;
        this.keepAliveTargets = Set.copyOf(keepAliveTargets);
        this.keepAliveHosts = keepAliveTargets.stream().filter(t -> t.getPort() == 0 && t.getAddress() != null)
                .map(InetSocketAddress::getAddress).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public Connection connect(InetSocketAddress target, ConnectionHandler handler) {
        return connect(target, handler, false);
    }

    @Override
    public Connection connect(InetSocketAddress target, ConnectionHandler handler, boolean ackWithData) {
        NioConnection connection = null;
        try {
            // An IPv4 server gets an IPv4 socket: a dual-stack one costs a system
            // call more to set up and a mapped address on every path.
            SocketChannel channel = target.getAddress() instanceof Inet4Address
                    ? SocketChannel.open(StandardProtocolFamily.INET) : SocketChannel.open();
            if (!keepAliveTargets.isEmpty() && (keepAliveTargets.contains(target)
                    || keepAliveHosts.contains(target.getAddress()))) {
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            }
            connection = NioConnection.register(loop, channel);
            if (ackWithData && channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
                channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, false);
            }
            connection.handler(handler);
            connection.target(target);
            // On loopback the handshake completes inside connect(), which still says
            // "in progress": finishing it at once saves an epoll change and a loop pass.
            // Elsewhere it takes a round trip, so OP_CONNECT waits for it.
            if (channel.connect(target) || target.getAddress().isLoopbackAddress() && channel.finishConnect()) {
                connection.reportConnectLater(null);
            } else {
                connection.awaitConnect();
            }
            return connection;
        } catch (IOException | UnresolvedAddressException e) {
            IOException cause = e instanceof IOException io ? io : new IOException("cannot resolve " + target, e);
            if (connection == null) {
                connection = NioConnection.failed(loop, target);
                connection.handler(handler);
            } else {
                connection.close();
            }
            connection.reportConnectLater(cause);
            return connection;
        }
    }
}
