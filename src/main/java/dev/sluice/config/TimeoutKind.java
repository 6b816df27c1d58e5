package dev.sluice.config;

/**
 * The {@code timeout} keywords and the sections they belong in, as in HAProxy:
 * a frontend waits for its client, a backend for its server.
 */
enum TimeoutKind {
    CONNECT("connect", false, true),
    CLIENT("client", true, false),
    SERVER("server", false, true),
    QUEUE("queue", false, true),
    HTTP_REQUEST("http-request", true, true),
    HTTP_KEEP_ALIVE("http-keep-alive", true, true),
    TUNNEL("tunnel", false, true),
    CLIENT_FIN("client-fin", true, false),
    SERVER_FIN("server-fin", false, true);

    private final String keyword;
    private final boolean inFrontend;
    private final boolean inBackend;

    TimeoutKind(String word, boolean inFrontend, boolean inBackend) {
        this.keyword = "timeout " + word;
        this.inFrontend = inFrontend;
        this.inBackend = inBackend;
    }

    String keyword() {
        return keyword;
    }

    boolean inFrontend() {
        return inFrontend;
    }

    boolean inBackend() {
        return inBackend;
    }

    static Timeouts toTimeouts(long[] millis) {
        return new Timeouts(millis[CONNECT.ordinal()], millis[CLIENT.ordinal()], millis[SERVER.ordinal()],
                millis[QUEUE.ordinal()], millis[HTTP_REQUEST.ordinal()], millis[HTTP_KEEP_ALIVE.ordinal()],
                millis[TUNNEL.ordinal()], millis[CLIENT_FIN.ordinal()], millis[SERVER_FIN.ordinal()]);
    }
}
