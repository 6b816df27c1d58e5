package dev.sluice.http;

import dev.sluice.net.Connection;
import dev.sluice.stick.StickCounters;
import dev.sluice.stick.StickTables;
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
 * addresses: whether it came over TLS ({@code ssl_fc}) and what its
 * handshake agreed ({@code ssl_fc_sni}, {@code ssl_fc_protocol}, read from
 * the connection when asked, since a request is read only after it), and where
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
    /** The TLS client connection, for what its handshake agreed; null for a plain one. */
    private Connection tlsClient;
    private ServerCounts servers = ServerCounts.NONE;
    private StickTables stickTables = StickTables.NONE;
    /** The sticky counters the connection and its current request track; null while no table exists. */
    private StickCounters tracking;
    /** Its variables ({@code set-var}), made at the first one set; null before. */
    private Vars vars;

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

    /** Its variables, or null while none was ever set. */
    public Vars vars() {
        return vars;
    }

    /** Its variables, made now if none was set before. */
    public Vars varsToSet() {
        if (vars == null) {
            vars = new Vars();
        }
        return vars;
    }

    /** A new request arrives: the last one's variables end ({@link Vars#endRequest}). */
    public void requestArrived() {
        if (vars != null) {
            vars.endRequest();
        }
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

    /** The client connection: TLS or not, and, for TLS, where its server name and version are read. */
    public ConnectionAddresses tls(Connection client) {
        this.tls = client.isTls();
        this.tlsClient = tls ? client : null;
        return this;
    }

    /** The server name the TLS client asked for, lower case, or null (plain, no SNI, handshake not done). */
    public String tlsServerName() {
        return tlsClient == null ? null : tlsClient.tlsServerName();
    }

    /** When the TLS handshake ended, on the loop's clock, or {@link Connection#NO_HANDSHAKE}. */
    public long tlsHandshakeEndNanos() {
        return tlsClient == null ? Connection.NO_HANDSHAKE : tlsClient.handshakeEndNanos();
    }

    /** The suite agreed on, by OpenSSL's name, or null (plain, handshake not done). */
    public String tlsCipher() {
        return tlsClient == null ? null : tlsClient.tlsCipher();
    }

    /** The TLS version agreed on ({@code TLSv1.3}), or null (plain, handshake not done). */
    /** Whether the TLS client gave a certificate that checked out: what {@code ssl_c_used} reads. */
    public boolean tlsClientCertificate() {
        return tlsClient != null && tlsClient.tlsClientCertificate();
    }

    /** What the TLS client's certificate says, or null (a plain connection, or no certificate). */
    public dev.sluice.net.TlsPeer tlsPeer() {
        return tlsClient == null ? null : tlsClient.tlsPeer();
    }

    public String tlsProtocol() {
        return tlsClient == null ? null : tlsClient.tlsProtocol();
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

    /** Where {@code track-sc}, {@code sc_*} and {@code src_*} find their tables by name. */
    public StickTables stickTables() {
        return stickTables;
    }

    /**
     * The configuration's stick tables: with any, the connection gets its
     * sticky counters (once, as it starts).
     */
    public ConnectionAddresses stickTables(StickTables tables) {
        this.stickTables = tables;
        if (tables != StickTables.NONE && tracking == null) {
            tracking = new StickCounters();
        }
        return this;
    }

    /** The connection's sticky counters, or null when the configuration has no stick table. */
    public StickCounters tracking() {
        return tracking;
    }
}
