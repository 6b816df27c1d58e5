package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bind's v6only, defer-accept and tfo, and clitcpka's SO_KEEPALIVE, on real sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerOptionsTest {
    private TestLoops loops;
    private final BlockingQueue<Boolean> keepAliveOfAccepted = new ArrayBlockingQueue<>(16);

    private final Acceptor recordingAcceptor = (loop, connection) -> {
        try {
            keepAliveOfAccepted.add(((NioConnection) connection).channel().getOption(StandardSocketOptions.SO_KEEPALIVE));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        connection.close();
    };

    @BeforeEach
    void start() throws IOException {
        loops = new TestLoops(1, 2, 1024);
    }

    @AfterEach
    void stop() {
        loops.stop();
    }

    private Listener bind(InetSocketAddress address, ListenerOptions options) throws IOException {
        return Listener.bind(address, List.of(loops.get(0)), recordingAcceptor, options);
    }

    @Test
    void aV6onlyListenerRefusesIpv4ClientsAndADualStackOneTakesThem() throws Exception {
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 0);
        Listener v6only = bind(any6, new ListenerOptions(true, false, false, false));
        Listener dual = bind(any6, ListenerOptions.DEFAULT);
        try {
            InetSocketAddress v4OfV6only = new InetSocketAddress("127.0.0.1", v6only.address().getPort());
            assertThrows(ConnectException.class, () -> SocketChannel.open(v4OfV6only).close());
            SocketChannel.open(new InetSocketAddress("::1", v6only.address().getPort())).close();
            SocketChannel.open(new InetSocketAddress("127.0.0.1", dual.address().getPort())).close();
            assertEquals(1, RawSocketOptions.get(v6only.channels().get(0), RawSocketOptions.IPPROTO_IPV6,
                    RawSocketOptions.IPV6_V6ONLY));
            assertEquals(0, RawSocketOptions.get(dual.channels().get(0), RawSocketOptions.IPPROTO_IPV6,
                    RawSocketOptions.IPV6_V6ONLY));
        } finally {
            v6only.close();
            dual.close();
        }
    }

    @Test
    void deferAcceptHandsOverAConnectionOnlyOnceItHasData() throws Exception {
        Listener listener = bind(new InetSocketAddress("127.0.0.1", 0), new ListenerOptions(false, true, false, false));
        try (SocketChannel client = SocketChannel.open(listener.address())) {
            assertEquals(null, keepAliveOfAccepted.poll(300, TimeUnit.MILLISECONDS), "accepted before any data");
            client.write(ByteBuffer.wrap(new byte[] {'x'}));
            assertFalse(keepAliveOfAccepted.poll(5, TimeUnit.SECONDS), "accepted once data came");
            assertTrue(RawSocketOptions.get(listener.channels().get(0), RawSocketOptions.IPPROTO_TCP,
                    RawSocketOptions.TCP_DEFER_ACCEPT) > 0);
        } finally {
            listener.close();
        }
    }

    @Test
    void tfoGivesTheListenerAFastOpenQueueAsLongAsTheBacklog() throws Exception {
        Listener tfo = bind(new InetSocketAddress("127.0.0.1", 0), new ListenerOptions(false, false, true, false));
        Listener plain = bind(new InetSocketAddress("127.0.0.1", 0), ListenerOptions.DEFAULT);
        try {
            assertEquals(Listener.BACKLOG, RawSocketOptions.get(tfo.channels().get(0), RawSocketOptions.IPPROTO_TCP,
                    RawSocketOptions.TCP_FASTOPEN));
            assertEquals(0, RawSocketOptions.get(plain.channels().get(0), RawSocketOptions.IPPROTO_TCP,
                    RawSocketOptions.TCP_FASTOPEN));
        } finally {
            tfo.close();
            plain.close();
        }
    }

    @Test
    void keepAliveIsSetOnAcceptedConnectionsOnlyWhenAskedFor() throws Exception {
        Listener on = bind(new InetSocketAddress("127.0.0.1", 0), new ListenerOptions(false, false, false, true));
        Listener off = bind(new InetSocketAddress("127.0.0.1", 0), ListenerOptions.DEFAULT);
        try {
            SocketChannel.open(on.address()).close();
            assertTrue(keepAliveOfAccepted.poll(5, TimeUnit.SECONDS));
            SocketChannel.open(off.address()).close();
            assertFalse(keepAliveOfAccepted.poll(5, TimeUnit.SECONDS));
        } finally {
            on.close();
            off.close();
        }
    }

    @Test
    void theConnectorSetsKeepAliveOnConnectionsToTheServersNamed() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress target = (InetSocketAddress) server.getLocalAddress();
            BlockingQueue<Boolean> keepAlive = new ArrayBlockingQueue<>(3);
            // A server without a port of its own is named with port 0: any port of its host.
            for (java.util.Set<InetSocketAddress> targets : List.of(java.util.Set.of(target),
                    java.util.Set.of(new InetSocketAddress(target.getAddress(), 0)),
                    java.util.Set.<InetSocketAddress>of())) {
                loops.get(0).execute(() -> {
                    Connection c = new NioConnector(loops.get(0), targets).connect(target, new ConnectionHandler() {
                        @Override
                        public void readable() {
                        }

                        @Override
                        public void writable() {
                        }
                    });
                    try {
                        keepAlive.add(((NioConnection) c).channel().getOption(StandardSocketOptions.SO_KEEPALIVE));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    c.close();
                });
                server.accept().close();
            }
            assertTrue(keepAlive.poll(5, TimeUnit.SECONDS));
            assertTrue(keepAlive.poll(5, TimeUnit.SECONDS), "a port-less server's connections");
            assertFalse(keepAlive.poll(5, TimeUnit.SECONDS));
        }
    }
}
