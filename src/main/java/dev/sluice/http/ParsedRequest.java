package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * The {@link HttpRequestView} of a head that an {@link HttpHeadParser} has
 * parsed in a {@link Buffer}. Rebind it with {@link #bind} for each request: it
 * holds references only, so a session keeps one and reuses it.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
public final class ParsedRequest implements HttpRequestView {
    private Buffer buffer;
    private HttpHeadParser parser;
    // Set by bind; none before (a placeholder would cost every connection an object it never reads).
    private ConnectionAddresses addresses;

    /**
     * Points this view at a completely parsed request head.
     *
     * @param addresses the connection's addresses; kept, not copied
     */
    public ParsedRequest bind(Buffer buffer, HttpHeadParser parser, ConnectionAddresses addresses) {
        this.buffer = buffer;
        this.parser = parser;
        this.addresses = addresses;
        return this;
    }

    /** Binds with only a client address known (tests). */
    public ParsedRequest bind(Buffer buffer, HttpHeadParser parser, byte[] clientAddress) {
        return bind(buffer, parser, new ConnectionAddresses().set(clientAddress, 0, new byte[0], 0));
    }

    @Override
    public Buffer buffer() {
        return buffer;
    }

    @Override
    public int methodStart() {
        return parser.methodStart();
    }

    @Override
    public int methodEnd() {
        return parser.methodEnd();
    }

    @Override
    public int targetStart() {
        return parser.targetStart();
    }

    @Override
    public int targetEnd() {
        return parser.targetEnd();
    }

    @Override
    public int headerCount() {
        return parser.headerCount();
    }

    @Override
    public int nameStart(int header) {
        return parser.nameStart(header);
    }

    @Override
    public int nameEnd(int header) {
        return parser.nameEnd(header);
    }

    @Override
    public int valueStart(int header) {
        return parser.valueStart(header);
    }

    @Override
    public int valueEnd(int header) {
        return parser.valueEnd(header);
    }

    @Override
    public ConnectionAddresses addresses() {
        return addresses;
    }
}
