package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * A parsed request head as the rules read it: absolute offsets into the buffer
 * that holds the head, in the shape {@link HttpHeadParser} reports them, plus the
 * connection's addresses. {@link ParsedRequest} implements it over a parser; a
 * connection that is not HTTP (mode tcp) has a view of its addresses alone,
 * whose head methods are never called: the configuration check lets only
 * layer-4 fetches into mode tcp conditions.
 *
 * <p>Not thread-safe: a view belongs to one session, on its loop.
 */
public interface HttpRequestView {
    /** The buffer the offsets point into. */
    Buffer buffer();

    int methodStart();

    int methodEnd();

    int targetStart();

    int targetEnd();

    int headerCount();

    int nameStart(int header);

    int nameEnd(int header);

    /** First byte of the value, leading whitespace skipped. */
    int valueStart(int header);

    /** End of the value, trailing whitespace trimmed. */
    int valueEnd(int header);

    /**
     * The client's address: 4 bytes for IPv4, 16 for IPv6, empty when the
     * connection has none. The array is computed once per connection and must
     * not be modified by the caller.
     */
    default byte[] clientAddress() {
        return addresses().client();
    }

    /** The addresses of the connection the request came on (the client, and where it connected to). */
    ConnectionAddresses addresses();

    /**
     * The bytes the client has sent and nothing has consumed yet, for the
     * payload fetches of mode tcp ({@code req.len}, {@code req.ssl_sni}); null
     * when none are in, or in a view that carries none (an HTTP request).
     */
    default Buffer payload() {
        return null;
    }

    /**
     * Whether {@link #payload()} can grow no more before the rules decide: the
     * inspect delay is over, the buffer is full or the client has ended.
     * While it is false, a payload fetch that finds no match says more bytes
     * may change that ({@link Acl#MISS}).
     */
    default boolean payloadFinal() {
        return true;
    }
}
