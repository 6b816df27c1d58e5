package dev.sluice.session;

import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.HttpError;
import dev.sluice.http.ProxyHeader;
import dev.sluice.http.TcpRequestRules;

/**
 * An HTTP client's admission, before its first request is read: the
 * frontend's {@code tcp-request connection} rules on the socket's addresses,
 * as it is accepted; under {@code accept-proxy}, the PROXY header that comes
 * first and names the real client; then the {@code tcp-request content}
 * rules, on the client a PROXY header names. HAProxy does this at the level
 * of the session (its {@code session.c}), before the first stream.
 *
 * <p>A session holds one only while its PROXY header is still to be read. A
 * client without one is let in or not as it is accepted ({@link #accepted}),
 * and nothing of its admission stays with the session.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class HttpAdmission {
    private final HttpSession session;
    private final HttpFrontend frontend;
    private final SessionCounters counters;
    /** The client and where it connected to: the PROXY header writes what it names here. */
    private final ConnectionAddresses addresses;
    private final ProxyHeader header = new ProxyHeader();

    /** The admission of {@code session}'s client, whose PROXY header is still to be read. */
    HttpAdmission(HttpSession session, HttpFrontend frontend, SessionCounters counters, ConnectionAddresses addresses) {
        this.session = session;
        this.frontend = frontend;
        this.counters = counters;
        this.addresses = addresses;
    }

    /**
     * The client is accepted: whether the connection rules let it in, and the
     * content rules too unless a PROXY header comes first ({@code headerFirst}):
     * connection rules see the socket's addresses, content rules the client a
     * PROXY header names.
     */
    static boolean accepted(HttpFrontend frontend, ConnectionAddresses addresses, boolean headerFirst) {
        return accepts(frontend, addresses, TcpRequestRules.Phase.CONNECTION)
                && (headerFirst || accepts(frontend, addresses, TcpRequestRules.Phase.CONTENT));
    }

    private static boolean accepts(HttpFrontend frontend, ConnectionAddresses addresses, TcpRequestRules.Phase phase) {
        return frontend.tcpRequestRules().accepts(phase, addresses);
    }

    /**
     * Reads the PROXY header that comes before the first request, from the
     * start of the request channel of {@code parts}; true once it is read and
     * the content rules let the client in, and the session goes on. A
     * malformed one ends the connection without an answer, as HAProxy does;
     * the head timeout runs over it.
     */
    boolean admitted(ExchangeParts parts) {
        switch (ClientPreamble.readProxyHeader(parts.request, header, addresses)) {
            case NEED_MORE -> {
                if (parts.request.sourceEnded()) {
                    session.close(SessionOutcome.BAD_REQUEST, CloseMode.ORDERLY);
                }
                return false;
            }
            case BAD -> {
                counters.rejected(HttpError.BAD_PROXY_HEADER);
                session.refused(400, "malformed PROXY protocol header");
                session.close(SessionOutcome.BAD_REQUEST, CloseMode.ABORTIVE);
                return false;
            }
            case COMPLETE -> {
            }
        }
        parts.upstream.clientKnown();
        session.log.clientKnown(addresses);
        if (!accepts(frontend, addresses, TcpRequestRules.Phase.CONTENT)) {
            session.close(SessionOutcome.REJECTED, CloseMode.ORDERLY);
            return false;
        }
        return true;
    }
}
