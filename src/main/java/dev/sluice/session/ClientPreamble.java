package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.ProxyHeader;

/** What a client connection sends before its first request or byte of payload. */
public enum ClientPreamble {
    /** Nothing: the request (or the relayed stream) starts at once. */
    NONE,
    /**
     * A PROXY protocol header ({@code bind ... accept-proxy}): a load balancer
     * in front names the real client, and the rules and logs see it.
     */
    PROXY_HEADER;

    /**
     * Reads the PROXY header a connection starts with from the start of
     * {@code request}'s buffer, into {@code addresses}; once it is whole it
     * leaves the buffer (an HTTP session's request head, or a TCP session's
     * payload, follows), and the buffer goes back if nothing else is in it.
     */
    static ProxyHeader.Result readProxyHeader(Channel request, ProxyHeader header, ConnectionAddresses addresses) {
        Buffer b = request.buffer();
        if (b == null) {
            return ProxyHeader.Result.NEED_MORE;
        }
        ProxyHeader.Result r = header.read(b, addresses);
        if (r == ProxyHeader.Result.COMPLETE) {
            b.consumed(header.length());
            request.releaseIfEmpty();
        }
        return r;
    }
}
