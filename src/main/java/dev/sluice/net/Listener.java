package dev.sluice.net;

import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Selectable;
import dev.sluice.loop.Task;
import dev.sluice.loop.Timer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One listening address served by a set of loops.
 *
 * <p>With {@code SO_REUSEPORT} each loop binds its own socket on the address
 * and the kernel spreads incoming connections over them, so a connection is
 * accepted on the loop that will own it. Without it, the first loop alone
 * accepts and hands sockets round-robin to every loop through their inboxes.
 * Each readiness event accepts at most {@link #ACCEPT_BATCH} connections. An
 * accept error (out of descriptors, typically) is counted and pauses that
 * socket's accepting for {@link #ACCEPT_PAUSE_NANOS}, so that it cannot spin.
 *
 * <p>Threading: {@link #bind}, {@link #close()} and the getters may be called
 * from any thread; accepting happens on the loops' threads.
 */
public final class Listener {
    /** Connections accepted per readiness event, so one busy listener cannot starve the loop. */
    static final int ACCEPT_BATCH = 64;
    static final int BACKLOG = 1024;
    static final long ACCEPT_PAUSE_NANOS = 100_000_000L;
    /** How soon a listener held back by a full {@code maxconn} looks again. */
    static final long FULL_RECHECK_NANOS = 5_000_000L;

    private final InetSocketAddress address;
    private final AcceptSocket[] sockets;
    private final boolean reusePort;
    private volatile boolean closed;

    private Listener(InetSocketAddress address, AcceptSocket[] sockets, boolean reusePort) {
        this.address = address;
        this.sockets = sockets;
        this.reusePort = reusePort;
    }

    /**
     * Binds {@code address} (port 0 picks one port for all loops) and starts
     * accepting on {@code loops}, handing each connection to {@code acceptor}
     * on the loop that owns it. Bind errors are thrown here.
     */
    public static Listener bind(InetSocketAddress address, List<EventLoop> loops, Acceptor acceptor) throws IOException {
        return bind(address, loops, acceptor, ListenerOptions.DEFAULT);
    }

    /** As {@link #bind(InetSocketAddress, List, Acceptor)}, with the socket set up as {@code options} say. */
    public static Listener bind(InetSocketAddress address, List<EventLoop> loops, Acceptor acceptor,
            ListenerOptions options) throws IOException {
        return bind(address, loops, acceptor, options, reusePortSupported());
    }

    /** As {@link #bind(InetSocketAddress, List, Acceptor)}; {@code reusePort} false forces one accepting loop. */
    static Listener bind(InetSocketAddress address, List<EventLoop> loops, Acceptor acceptor, boolean reusePort)
            throws IOException {
        return bind(address, loops, acceptor, ListenerOptions.DEFAULT, reusePort);
    }

    /** As {@link #bind(InetSocketAddress, List, Acceptor, ListenerOptions)}; {@code reusePort} false forces one accepting loop. */
    static Listener bind(InetSocketAddress address, List<EventLoop> loops, Acceptor acceptor,
            ListenerOptions options, boolean reusePort) throws IOException {
        if (options.ipv6Only() && address.getAddress() instanceof java.net.Inet6Address
                && !RawSocketOptions.available()) {
            // Accepting IPv4 clients on a v6only listener would break what its line promises.
            throw new IOException("v6only on " + address + " cannot be set: " + RawSocketOptions.unavailableReason());
        }
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("a listener needs at least one loop");
        }
        EventLoop[] targets = loops.toArray(new EventLoop[0]);
        int socketCount = reusePort ? targets.length : 1;
        AcceptSocket[] sockets = new AcceptSocket[socketCount];
        InetSocketAddress bound = address;
        try {
            for (int i = 0; i < socketCount; i++) {
                // An IPv4 address gets IPv4 sockets: cheaper than dual-stack ones, for every accepted connection.
                ServerSocketChannel server = address.getAddress() instanceof Inet4Address
                        ? ServerSocketChannel.open(StandardProtocolFamily.INET) : ServerSocketChannel.open();
                sockets[i] = new AcceptSocket(targets[i], server, acceptor, reusePort ? null : targets,
                        options.keepAlive());
                if (reusePort) {
                    server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.configureBlocking(false);
                beforeBind(server, address, options);
                // The first bind resolves port 0; the others join that port.
                server.bind(bound, BACKLOG);
                bound = (InetSocketAddress) server.getLocalAddress();
                afterBind(server, bound, options);
            }
        } catch (IOException | RuntimeException e) {
            for (AcceptSocket socket : sockets) {
                if (socket != null) {
                    socket.closeChannel();
                }
            }
            throw e;
        }
        if (!reusePort) {
            System.err.println("sluice: SO_REUSEPORT unavailable; loop " + targets[0].id()
                    + " accepts on " + bound + " and hands connections round-robin to " + targets.length + " loops");
        }
        Listener listener = new Listener(bound, sockets, reusePort);
        for (AcceptSocket socket : sockets) {
            socket.loop.execute(socket::start);
        }
        return listener;
    }

    /** {@code v6only} must be set before the bind: afterwards the system refuses the change. */
    private static void beforeBind(ServerSocketChannel server, InetSocketAddress address, ListenerOptions options)
            throws IOException {
        if (options.ipv6Only() && address.getAddress() instanceof java.net.Inet6Address) {
            RawSocketOptions.set(server, RawSocketOptions.IPPROTO_IPV6, RawSocketOptions.IPV6_V6ONLY, 1);
        }
    }

    /**
     * {@code defer-accept} and {@code tfo} as HAProxy sets them: up to one second
     * of deferral, and a Fast Open queue as long as the backlog. Without the
     * means to set them the listener still works, only without that tuning, so
     * this says so and goes on, as HAProxy does.
     */
    private static void afterBind(ServerSocketChannel server, InetSocketAddress bound, ListenerOptions options)
            throws IOException {
        if ((options.deferAccept() || options.fastOpen()) && !RawSocketOptions.available()) {
            System.err.println("sluice: defer-accept and tfo are off on " + bound + ": "
                    + RawSocketOptions.unavailableReason());
            return;
        }
        if (options.deferAccept()) {
            RawSocketOptions.set(server, RawSocketOptions.IPPROTO_TCP, RawSocketOptions.TCP_DEFER_ACCEPT, 1);
        }
        if (options.fastOpen()) {
            RawSocketOptions.set(server, RawSocketOptions.IPPROTO_TCP, RawSocketOptions.TCP_FASTOPEN, BACKLOG);
        }
    }

    static boolean reusePortSupported() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /** The bound address, with the port the system chose if 0 was asked for. */
    public InetSocketAddress address() {
        return address;
    }

    /** The listening sockets, one per accepting loop (tests read their options). */
    List<ServerSocketChannel> channels() {
        return java.util.Arrays.stream(sockets).map(socket -> socket.server).toList();
    }

    /** True when every loop accepts on its own socket. */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * Stops accepting: each socket closes on its own loop, soon. Connections
     * already accepted are not touched. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AcceptSocket socket : sockets) {
            socket.loop.execute(socket::close);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Accept errors over all of this listener's sockets (a recent value). */
    public long acceptErrors() {
        long n = 0;
        for (AcceptSocket socket : sockets) {
            n += socket.acceptErrors.get();
        }
        return n;
    }

    /** Connections accepted over all of this listener's sockets (a recent value). */
    public long accepted() {
        long n = 0;
        for (AcceptSocket socket : sockets) {
            n += socket.accepted;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Listener[" + address + (reusePort ? ", " + sockets.length + " sockets]" : ", 1 socket]");
    }

    /** One listening socket and the loop that accepts on it. Everything but the counters is loop-confined. */
    private static final class AcceptSocket extends Task implements Selectable {
        final EventLoop loop;
        private final ServerSocketChannel server;
        private final Acceptor acceptor;
        /** The loops to hand connections to round-robin, or null when each socket serves its own loop. */
        private final EventLoop[] handTo;
        /** {@code SO_KEEPALIVE} on each accepted connection ({@code option clitcpka}). */
        private final boolean keepAlive;
        private final Timer resume = new Timer(this);
        private SelectionKey key;
        private int nextLoop;
        private boolean closed;
        /** Written by the loops this socket hands connections to, as well as its own. */
        final AtomicLong acceptErrors = new AtomicLong();
        /** Written by this socket's loop alone. */
        volatile long accepted;

        AcceptSocket(EventLoop loop, ServerSocketChannel server, Acceptor acceptor, EventLoop[] handTo,
                boolean keepAlive) {
            this.loop = loop;
            this.server = server;
            this.acceptor = acceptor;
            this.handTo = handTo;
            this.keepAlive = keepAlive;
        }

        void start() {
            if (closed) {
                return;
            }
            try {
                key = loop.register(server, this);
                key.interestOps(SelectionKey.OP_ACCEPT);
            } catch (IOException e) {
                System.err.println("sluice-loop-" + loop.id() + ": cannot listen on " + server + ": " + e);
                close();
            }
        }

        @Override
        public void ready(int readyOps) {
            for (int i = 0; i < ACCEPT_BATCH && !closed; i++) {
                if (!acceptor.admitting()) {
                    // At maxconn: leave the connections in the backlog and look again soon.
                    key.interestOps(0);
                    loop.arm(resume, loop.clock().nanoTime() + FULL_RECHECK_NANOS);
                    return;
                }
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (IOException e) {
                    acceptFailed(e);
                    return;
                }
                if (channel == null) {
                    return;
                }
                accepted++;
                if (handTo == null) {
                    hand(loop, channel);
                } else {
                    EventLoop target = handTo[nextLoop];
                    nextLoop = (nextLoop + 1) % handTo.length;
                    if (target == loop) {
                        hand(loop, channel);
                    } else {
                        handOver(target, channel);
                    }
                }
            }
        }

        /**
         * Sends an accepted connection to the loop that will own it. When that
         * loop's inbox is full (it counts the refusal) the connection is closed
         * here, as a refusal, and counted as an accept error of this listener.
         */
        private void handOver(EventLoop target, SocketChannel channel) {
            try {
                target.execute(() -> hand(target, channel));
            } catch (RejectedExecutionException e) {
                loop.counters().acceptErrors++;
                acceptErrors.incrementAndGet();
                try {
                    channel.close();
                } catch (IOException closeFailed) {
                    System.err.println("sluice-loop-" + loop.id() + ": closing a refused connection failed: " + closeFailed);
                }
            }
        }

        /** Registers the channel on {@code owner} (its thread) and gives it to the acceptor. */
        private void hand(EventLoop owner, SocketChannel channel) {
            NioConnection connection;
            try {
                if (keepAlive) {
                    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                }
                connection = NioConnection.register(owner, channel);
            } catch (IOException e) {
                owner.counters().acceptErrors++;
                acceptErrors.incrementAndGet();
                System.err.println("sluice-loop-" + owner.id() + ": cannot set up an accepted connection: " + e);
                return;
            }
            try {
                acceptor.accepted(owner, connection);
            } catch (RuntimeException e) {
                // One failed hand-over must not stop the batch or close the listener.
                owner.counters().acceptErrors++;
                acceptErrors.incrementAndGet();
                System.err.println("sluice-loop-" + owner.id() + ": acceptor failed on " + connection.peer() + ": " + e);
                e.printStackTrace(System.err);
                connection.abort();
            }
        }

        private void acceptFailed(IOException e) {
            loop.counters().acceptErrors++;
            acceptErrors.incrementAndGet();
            System.err.println("sluice-loop-" + loop.id() + ": accept on " + server + " failed, pausing "
                    + ACCEPT_PAUSE_NANOS / 1_000_000 + " ms: " + e);
            key.interestOps(0);
            loop.arm(resume, loop.clock().nanoTime() + ACCEPT_PAUSE_NANOS);
        }

        /** The pause after an accept error, or at maxconn, is over. */
        @Override
        protected void run() {
            if (!closed) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            loop.cancel(resume);
            closeChannel();
        }

        void closeChannel() {
            if (key != null) {
                key.cancel();
            }
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("sluice-loop-" + loop.id() + ": closing " + server + " failed: " + e);
            }
        }
    }
}
