package dev.sluice.backend;

import dev.sluice.buffer.Buffer;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionHandler;
import dev.sluice.net.Connector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Connections to a scripted peer, for check tests: the peer accepts, refuses
 * or ignores each connect, answers what it is sent through {@link #answer},
 * and closes after its answer if told to. Events reach the check through the
 * test loop's inbox, as a real loop would report them.
 */
final class ScriptedConnector implements Connector {
    enum Accept { YES, REFUSE, NEVER }

    private final TestLoop loop;
    Accept accept = Accept.YES;
    /**
     * What the peer has sent in all once it has received these bytes (the part not yet sent goes out), or
     * null to wait for more.
     */
    Function<String, String> answer = request -> null;
    /** Sent as soon as the connection opens (a banner), or null. */
    String banner;
    boolean closeAfterAnswer = true;
    final List<InetSocketAddress> targets = new ArrayList<>();
    final List<Peer> peers = new ArrayList<>();

    ScriptedConnector(TestLoop loop) {
        this.loop = loop;
    }

    @Override
    public Connection connect(InetSocketAddress target, ConnectionHandler handler) {
        targets.add(target);
        Peer p = new Peer(handler);
        peers.add(p);
        switch (accept) {
            case YES -> loop.execute(() -> {
                if (p.open) {
                    p.connected = true;
                    if (banner != null) {
                        p.reply(banner);
                    }
                    handler.connected();
                }
            });
            case REFUSE -> loop.execute(() -> {
                p.open = false;
                handler.connectFailed(new IOException("Connection refused"));
            });
            case NEVER -> {
            }
        }
        return p;
    }

    /** The bytes the last connection was sent. */
    String lastRequest() {
        return peers.isEmpty() ? null : peers.get(peers.size() - 1).received.toString(StandardCharsets.ISO_8859_1);
    }

    final class Peer implements Connection {
        private final ConnectionHandler handler;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private byte[] pending = new byte[0];
        private int at;
        private int answeredLength;
        private boolean eof;
        boolean open = true;
        boolean connected;
        boolean reset;
        private boolean readInterest;

        Peer(ConnectionHandler handler) {
            this.handler = handler;
        }

        void reply(String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            byte[] joined = new byte[pending.length - at + b.length];
            System.arraycopy(pending, at, joined, 0, pending.length - at);
            System.arraycopy(b, 0, joined, pending.length - at, b.length);
            pending = joined;
            at = 0;
            notifyReadable();
        }

        private void notifyReadable() {
            if (readInterest && open) {
                loop.execute(() -> {
                    if (open && readInterest && (at < pending.length || eof)) {
                        handler.readable();
                    }
                });
            }
        }

        @Override
        public int read(Buffer into, int maxBytes) {
            int n = Math.min(Math.min(maxBytes, into.writable()), pending.length - at);
            if (n == 0) {
                return eof ? -1 : 0;
            }
            into.append(pending, at, n);
            at += n;
            return n;
        }

        @Override
        public int write(Buffer from, int maxBytes) {
            int n = Math.min(maxBytes, from.readable());
            for (int i = 0; i < n; i++) {
                received.write(from.get(from.readIndex() + i));
            }
            from.consumed(n);
            String a = answer.apply(received.toString(StandardCharsets.ISO_8859_1));
            if (a != null && a.length() > answeredLength) {
                String more = a.substring(answeredLength);
                answeredLength = a.length();
                eof = closeAfterAnswer;
                reply(more);
            }
            return n;
        }

        @Override
        public void readInterest(boolean on) {
            readInterest = on;
            if (on) {
                notifyReadable();
            }
        }

        @Override
        public void writeInterest(boolean on) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public void abort() {
            open = false;
            reset = true;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void handler(ConnectionHandler h) {
        }

        @Override
        public String peer() {
            return "scripted";
        }
    }
}
