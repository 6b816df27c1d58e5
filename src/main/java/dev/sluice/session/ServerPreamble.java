package dev.sluice.session;

import dev.sluice.backend.Server;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.ProxyHeaderWriter;
import dev.sluice.net.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes a new server connection sends before any request byte: the PROXY
 * protocol header of {@code send-proxy} or {@code send-proxy-v2}, naming the
 * session's client. It is written once, when the connection has just opened,
 * straight from a small area of the session's own (at most
 * {@link ProxyHeaderWriter#MAX_LENGTH} bytes, made the first time a server
 * asks for it); it takes no pool buffer and waits for nothing. A connection
 * just opened has an empty send queue, far larger than the header, so the
 * whole header goes out in that one write; if it ever did not, the
 * connection counts as failed (as a refused connect: the request, not yet
 * sent, may be retried), rather than wait with bytes outside any buffer.
 * A reused connection already sent its header: only the session that opened
 * it reuses it ({@link Server#privateConnections()}).
 *
 * <p>Not thread-safe: one per session, on its loop.
 */
final class ServerPreamble {
    private final ConnectionAddresses addresses;
    private ByteBuffer area;

    ServerPreamble(ConnectionAddresses addresses) {
        this.addresses = addresses;
    }

    /**
     * What {@code server} asks new connections to send first, made in the
     * session's area, or null for nothing: for a TLS connection, which sends
     * it in the clear before its ClientHello.
     */
    ByteBuffer bytes(Server server) {
        int version = server.sendProxy();
        if (version == 0) {
            return null;
        }
        if (area == null) {
            area = ByteBuffer.allocate(ProxyHeaderWriter.MAX_LENGTH);
        }
        area.clear();
        ProxyHeaderWriter.write(version, addresses, area);
        return area.flip();
    }

    /** Sends what {@code server} asks new connections to send first; false if the connection could not take it. */
    boolean send(Server server, Connection connection) {
        ByteBuffer header = bytes(server);
        if (header == null) {
            return true;
        }
        try {
            connection.writePreamble(header);
        } catch (IOException e) {
            return false;
        }
        return !header.hasRemaining();
    }
}
