package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * The view a connection's rules see before any HTTP request, or in mode tcp:
 * its addresses, and in mode tcp the bytes the client has sent so far (the
 * payload fetches, {@code req.ssl_sni}). The configuration check lets only
 * layer-4 and payload fetches into such conditions, so the head methods are
 * never called; they fail loudly if a bug calls them.
 *
 * <p>Not thread-safe: one per session, on its loop.
 */
public final class AddressView implements HttpRequestView {
    private final ConnectionAddresses addresses;
    private Buffer payload;
    private boolean payloadFinal = true;

    public AddressView(ConnectionAddresses addresses) {
        this.addresses = addresses;
    }

    /**
     * What the payload fetches read next: the client's bytes not yet sent on
     * (null for none), and whether more may still come before the rules decide.
     */
    public AddressView payload(Buffer bytes, boolean last) {
        this.payload = bytes;
        this.payloadFinal = last;
        return this;
    }

    @Override
    public Buffer payload() {
        return payload;
    }

    @Override
    public boolean payloadFinal() {
        return payloadFinal;
    }

    @Override
    public ConnectionAddresses addresses() {
        return addresses;
    }

    private static IllegalStateException noHead() {
        return new IllegalStateException("a layer-4 condition read an HTTP fetch: the configuration check lets none in");
    }

    @Override
    public Buffer buffer() {
        throw noHead();
    }

    @Override
    public int methodStart() {
        throw noHead();
    }

    @Override
    public int methodEnd() {
        throw noHead();
    }

    @Override
    public int targetStart() {
        throw noHead();
    }

    @Override
    public int targetEnd() {
        throw noHead();
    }

    @Override
    public int headerCount() {
        throw noHead();
    }

    @Override
    public int nameStart(int header) {
        throw noHead();
    }

    @Override
    public int nameEnd(int header) {
        throw noHead();
    }

    @Override
    public int valueStart(int header) {
        throw noHead();
    }

    @Override
    public int valueEnd(int header) {
        throw noHead();
    }
}
