package dev.sluice.session;

/** How a session ended; each outcome is counted. */
public enum SessionOutcome {
    /** Both directions finished: every byte sent was delivered and both sides closed. */
    DONE,
    /** The backend queue was at its bound. */
    QUEUE_FULL,
    /** No server slot came within {@code timeout queue}. */
    QUEUE_TIMEOUT,
    /** The server connection could not be opened (refused, unreachable). */
    CONNECT_ERROR,
    /** The server connection did not open within {@code timeout connect}. */
    CONNECT_TIMEOUT,
    /** The client stayed idle past {@code timeout client}. */
    CLIENT_TIMEOUT,
    /** The server stayed idle past {@code timeout server}. */
    SERVER_TIMEOUT,
    /** The client reset the connection or a write to it failed. */
    CLIENT_ABORT,
    /** The server reset the connection or a write to it failed. */
    SERVER_ABORT,
    /** Shutdown went past {@code hard-stop-after}. */
    HARD_STOP,
    /** HTTP: the client sent a request Sluice refused (4xx/5xx of its own, then close). */
    BAD_REQUEST,
    /** HTTP: the server sent a response Sluice refused, or closed before completing its head (502). */
    BAD_RESPONSE,
    /** HTTP: the request head did not arrive within {@code timeout http-request} (408). */
    REQUEST_TIMEOUT,
    /** HTTP: no backend matched the request (503). */
    NO_BACKEND,
    /** No server of the backend could take the session: every one DOWN, in maintenance or drained, or the one it waited for went DOWN (503 in HTTP). */
    NO_SERVER,
    /** HTTP: Sluice answered the request itself ({@code http-request return}) and the connection ended. */
    REPLIED,
    /** A {@code tcp-request connection} or {@code content} rule rejected the connection. */
    REJECTED,
    /** HTTP: a tunnel (an exchange that switched protocols) stayed idle both ways past {@code timeout tunnel}. */
    TUNNEL_TIMEOUT,
    /** A bug: the session reached a state it cannot be in, and was ended with everything it held given back. */
    INTERNAL_ERROR
}
