package dev.sluice.backend;

import dev.sluice.buffer.Buffer;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A {@link HealthCheck}'s connection to its server, one for each connect step
 * of the script: opened to the check's address (the server's, or the one its
 * {@code addr} and {@code port} give, or the step's own), over TLS when the
 * server's checks speak it, a PROXY header going first in the clear then;
 * written from the check's out buffer and read into its in buffer; and reset
 * at the end unless the step asks to linger, as HAProxy does. Its events wake
 * the check.
 *
 * <p>Not thread-safe: owned by its check, on the check's loop.
 */
final class CheckConnection {
    private final Loop loop;
    private final Task check;
    private final Connector connector;
    private final Server server;
    private final ServerCheckSpec options;
    private final InetSocketAddress target;
    /** The loop's record arena for checks over TLS, or null. */
    private final dev.sluice.net.TlsRecordArena records;
    private final Events events = new Events();

    private Connection connection;
    private boolean connected;
    private boolean connectFailed;
    private boolean linger;
    private boolean ended;

    CheckConnection(Loop loop, Task check, Connector connector, Server server, ServerCheckSpec options,
                    dev.sluice.net.TlsRecordArena records) {
        this.loop = loop;
        this.check = check;
        this.connector = connector;
        this.server = server;
        this.options = options;
        this.records = records;
        InetSocketAddress a = server.address();
        String host = options.address() != null ? options.address() : a.getHostString();
        int port = options.port() != 0 ? options.port() : a.getPort();
        this.target = options.address() == null && options.port() == 0 ? a
                : a.isUnresolved() ? InetSocketAddress.createUnresolved(host, port) : new InetSocketAddress(host, port);
    }

    /** Closes the connection of the step before, if any, and opens the one of step {@code c}. */
    void open(CheckStep.Connect c) {
        close();
        connected = false;
        connectFailed = false;
        ended = false;
        linger = c.linger();
        InetSocketAddress to = target;
        if (c.port() != 0 || c.address() != null) {
            String host = c.address() != null ? c.address() : target.getHostString();
            int port = c.port() != 0 ? c.port() : target.getPort();
            to = target.isUnresolved() ? InetSocketAddress.createUnresolved(host, port) : new InetSocketAddress(host, port);
        }
        connection = connector.connect(to, events);
        dev.sluice.net.TlsClientContext tls = server.checkTls();
        if (tls != null && records != null) {
            // The check speaks TLS: its handler hears connected once the handshake is done.
            // A PROXY header goes first, in the clear, before the handshake.
            connection = tls.connect(connection, loop, records, to, tls.checkName() != null ? tls.checkName()
                    : tls.serverName(null, null), c.sendProxy() || options.sendProxy()
                    ? java.nio.ByteBuffer.wrap(ProxyHeader.UNKNOWN) : null);
            connection.handler(events);
            connection.slotProgress(dev.sluice.net.SlotProgress.SERVER);
        }
    }

    /** Whether the connection is open (over TLS: its handshake done). */
    boolean connected() {
        return connected;
    }

    /** Whether the connection could not be opened. */
    boolean connectFailed() {
        return connectFailed;
    }

    /** Whether the connection speaks TLS: a PROXY header then went out already, before the handshake. */
    boolean isTls() {
        return connection.isTls();
    }

    /** Writes what {@code out} holds; true once it is all gone, else the check waits to write the rest. */
    boolean flush(Buffer out) throws IOException {
        connection.write(out);
        if (out.readable() > 0) {
            connection.writeInterest(true);
            return false;
        }
        connection.writeInterest(false);
        out.compact();
        return true;
    }

    /** The check waits for more to read. */
    void awaitInput() {
        connection.readInterest(true);
    }

    /** Reads what has arrived into {@code in}; marks the end of the stream or an error as the last read. */
    void receive(Buffer in) {
        if (ended) {
            return;
        }
        try {
            while (in.writable() > 0) {
                int n = connection.read(in);
                if (n < 0) {
                    ended = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            ended = true;
        }
    }

    /** Whether the last read found the end of the stream or an error. */
    boolean ended() {
        return ended;
    }

    /** Closes the connection, if one is open; nothing more comes of it. */
    void close() {
        Connection c = connection;
        connection = null;
        connected = false;
        if (c == null) {
            return;
        }
        c.readInterest(false);
        c.writeInterest(false);
        // HAProxy resets check connections unless the script asks to linger.
        if (linger) {
            c.close();
        } else {
            c.discard();
        }
    }

    /** The connection's events wake the check. */
    private final class Events implements ConnectionHandler {
        @Override
        public void readable() {
            loop.schedule(check);
        }

        @Override
        public void writable() {
            loop.schedule(check);
        }

        @Override
        public void connected() {
            connected = true;
            loop.schedule(check);
        }

        @Override
        public void connectFailed(IOException cause) {
            connectFailed = true;
            loop.schedule(check);
        }
    }
}
