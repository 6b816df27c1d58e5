package dev.sluice.sim;

import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens simulated connections for one loop. A connect to a live
 * {@link SimServer} completes after the link's latency and the server accepts
 * it; a connect to an unknown or dead address fails after the same latency;
 * a connect to a silent server never completes.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
final class SimConnector implements Connector {
    private final SimWorld world;
    private final SimLoop loop;
    private final Map<InetSocketAddress, SimServer> servers;
    private final Supplier<SimLink> links;
    private final boolean background;
    private int opened;
    /** Servers that speak TLS: each accepted far end goes through a relay, which gives the plaintext end; or null. */
    private java.util.function.UnaryOperator<SimConnection> tls;

    /** Every server this connector reaches speaks TLS, through the relay {@code relay} makes of the far end. */
    SimConnector serversSpeakTls(java.util.function.UnaryOperator<SimConnection> relay) {
        this.tls = relay;
        return this;
    }

    SimConnector(SimWorld world, SimLoop loop, Map<InetSocketAddress, SimServer> servers, Supplier<SimLink> links) {
        this(world, loop, servers, links, false);
    }

    /** @param background whether its connections are housekeeping (health checks), not progress */
    SimConnector(SimWorld world, SimLoop loop, Map<InetSocketAddress, SimServer> servers, Supplier<SimLink> links,
                 boolean background) {
        this.world = world;
        this.loop = loop;
        this.servers = servers;
        this.links = links;
        this.background = background;
    }

    @Override
    public Connection connect(InetSocketAddress target, ConnectionHandler handler) {
        SimLink link = links.get();
        SimServer server = servers.get(target);
        SimConnection[] pair = SimConnection.pair(world, "loop" + loop.id() + "->" + target.getHostString() + "#" + opened++,
                link, loop, null);
        SimConnection ours = pair[0];
        if (background) {
            ours.background();
        }
        ours.handler(handler);
        ours.connecting();
        world.after(link.latencyNanos(), () -> {
            if (!ours.isOpen() || !ours.isConnecting() || (server != null && server.silent())) {
                return;
            }
            boolean accepted = server != null && server.alive();
            if (accepted) {
                if (background) {
                    server.checkConnections++;
                }
                if (tls != null) {
                    ours.carriesTls();
                }
                server.accept(tls == null ? pair[1] : tls.apply(pair[1]));
            }
            ours.connectResult(accepted);
        });
        return ours;
    }
}
