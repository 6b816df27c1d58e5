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
    private static final byte[] NO_ADDRESS = new byte[0];

    private Buffer buffer;
    private HttpHeadParser parser;
    private byte[] clientAddress = NO_ADDRESS;

    /**
     * Points this view at a completely parsed request head.
     *
     * @param clientAddress 4 or 16 bytes, or empty; kept, not copied
     */
    public ParsedRequest bind(Buffer buffer, HttpHeadParser parser, byte[] clientAddress) {
        this.buffer = buffer;
        this.parser = parser;
        this.clientAddress = clientAddress;
        return this;
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
    public byte[] clientAddress() {
        return clientAddress;
    }
}
