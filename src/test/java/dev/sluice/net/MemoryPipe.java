package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Two ends of an in-memory byte stream for unit tests: each direction holds at
 * most {@code window} bytes, and a read takes at most {@code segment} of them,
 * so records arrive cut wherever the test likes. Readiness is delivered by
 * {@link #pump()}, level-triggered as the NIO loop's.
 */
final class MemoryPipe {
    final End a;
    final End b;

    MemoryPipe(int window, int segment) {
        a = new End(window, segment);
        b = new End(window, segment);
        a.other = b;
        b.other = a;
    }

    /** Delivers one round of readiness to both ends; returns whether any event was delivered. */
    boolean pump() {
        return a.deliver() | b.deliver();
    }

    static final class End implements Connection {
        private final byte[] ring;
        private final int segment;
        private long written;
        private long read;
        private boolean fin;
        private End other;
        private ConnectionHandler handler;
        private boolean readInterest;
        private boolean writeInterest;
        private boolean closed;
        private boolean outputShut;

        End(int window, int segment) {
            this.ring = new byte[window];
            this.segment = segment;
        }

        /** Bytes waiting to be read at this end: the other end wrote them, this one has not read them yet. */
        int waiting() {
            return (int) (written - read);
        }

        private int room() {
            return other.ring.length - other.waiting();
        }

        boolean readInterest() {
            return readInterest;
        }

        boolean writeInterest() {
            return writeInterest;
        }

        boolean deliver() {
            boolean any = false;
            if (!closed && readInterest && (waiting() > 0 || fin)) {
                handler.readable();
                any = true;
            }
            if (!closed && writeInterest && room() > 0) {
                handler.writable();
                any = true;
            }
            return any;
        }

        @Override
        public int read(Buffer into, int maxBytes) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            int n = Math.min(Math.min(waiting(), segment), Math.min(maxBytes, into.writable()));
            if (n == 0) {
                return fin && waiting() == 0 ? -1 : 0;
            }
            ByteBuffer dst = into.writeView(n);
            for (int i = 0; i < n; i++) {
                dst.put(ring[(int) (read++ % ring.length)]);
            }
            into.produced(n);
            return n;
        }

        @Override
        public int write(Buffer from, int maxBytes) throws IOException {
            ByteBuffer src = from.readView(maxBytes);
            int n = put(src);
            from.consumed(n);
            return n;
        }

        @Override
        public int writePreamble(ByteBuffer bytes) throws IOException {
            return put(bytes);
        }

        private int put(ByteBuffer src) throws IOException {
            if (closed || outputShut) {
                throw new IOException("output closed");
            }
            int n = Math.min(src.remaining(), room());
            for (int i = 0; i < n; i++) {
                other.ring[(int) (other.written++ % other.ring.length)] = src.get();
            }
            return n;
        }

        @Override
        public void readInterest(boolean on) {
            readInterest = on;
        }

        @Override
        public void writeInterest(boolean on) {
            writeInterest = on;
        }

        @Override
        public void shutdownOutput() {
            outputShut = true;
            other.fin = true;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                other.fin = true;
            }
        }

        @Override
        public void abort() {
            close();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void handler(ConnectionHandler handler) {
            this.handler = handler;
        }

        @Override
        public String peer() {
            return "memory";
        }
    }
}
