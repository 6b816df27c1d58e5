package dev.sluice.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The addresses of a client connection as rules and logs see them: the client
 * ({@code src}, {@code src_port}) and where it connected to ({@code dst},
 * {@code dst_port}). Read from the socket when the connection is accepted, or
 * from the PROXY protocol header a load balancer in front sent, which then
 * names the real client. Each address is 4 bytes for IPv4, 16 for IPv6, or
 * empty when unknown.
 *
 * <p>It also carries what the rules read of the connection beyond its
 * addresses: whether it came over TLS ({@code ssl_fc}), and where
 * {@code nbsrv} finds its backends' server counts.
 *
 * <p>Not thread-safe: one per client connection, owned by its loop; set once
 * at its start, read for each request. The arrays must not be modified by readers.
 */
public final class ConnectionAddresses {
    private static final byte[] NONE = new byte[0];

    private byte[] client = NONE;
    private int clientPort;
    private byte[] destination = NONE;
    private int destinationPort;
    private boolean tls;
    private ServerCounts servers = ServerCounts.NONE;

    /** Both ends as the socket knows them; null stands for unknown. */
    public ConnectionAddresses set(InetAddress client, int clientPort, InetSocketAddress local) {
        this.client = client == null ? NONE : client.getAddress();
        this.clientPort = clientPort;
        this.destination = local == null || local.getAddress() == null ? NONE : local.getAddress().getAddress();
        this.destinationPort = local == null ? 0 : local.getPort();
        return this;
    }

    /** Both ends as a PROXY protocol header names them (4 or 16 bytes each, or empty). */
    public ConnectionAddresses set(byte[] client, int clientPort, byte[] destination, int destinationPort) {
        this.client = client;
        this.clientPort = clientPort;
        this.destination = destination;
        this.destinationPort = destinationPort;
        return this;
    }

    public byte[] client() {
        return client;
    }

    public int clientPort() {
        return clientPort;
    }

    public byte[] destination() {
        return destination;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /**
     * Whether the client connection came over TLS: what {@code ssl_fc} reads.
     * The session sets it from its client connection ({@code bind ... ssl}).
     */
    public boolean tls() {
        return tls;
    }

    /** Marks the connection as one that came over TLS (or not). */
    public ConnectionAddresses tls(boolean overTls) {
        this.tls = overTls;
        return this;
    }

    /** Where {@code nbsrv(BACKEND)} reads its counts. */
    public ServerCounts servers() {
        return servers;
    }

    public ConnectionAddresses servers(ServerCounts counts) {
        this.servers = counts;
        return this;
    }
}
