package dev.sluice.log;

import dev.sluice.buffer.Criticality;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Everything one traffic log line can say about one session (TCP) or one request
 * (HTTP), in flat fields the session fills as it goes. One record per session,
 * allocated with it and {@linkplain #reset() reset} for each request; setting a
 * field allocates nothing, except {@link #client(InetSocketAddress)} and the other
 * address setters, which copy an address's bytes (once per connection).
 *
 * <p>Times are {@link dev.sluice.loop.Clock} nanoseconds, one per event, with
 * {@link #NEVER} for an event that did not happen; one wall-clock anchor
 * ({@link #accepted(long, long)}) turns them into dates. The log format derives
 * HAProxy's timers from them, in milliseconds:
 * <pre>
 *   Th = handshake - accept     Ti = requestStart - handshake   TR = requestReady - requestStart
 *   Tw = queueLeft - requestReady (or - handshake in TCP)       Tc = connected - queueLeft
 *   Tr = responseReady - connected   Ta = end - requestStart    Tt = end - accept
 * </pre>
 * and -1 for a timer whose end event is {@link #NEVER}. For the second request of
 * a keep-alive connection, "accept" is when the connection became ready for it
 * (the end of the previous response), as in HAProxy.
 *
 * <p>Strings (names, the request line, the unique id) are copied into arrays sized
 * once, so that a record can be filled from a buffer and formatted later.
 *
 * <p>Not thread-safe: owned by the loop that owns its session.
 */
public final class LogRecord {
    /** The time of an event that did not happen. */
    public static final long NEVER = Long.MIN_VALUE;
    /** The default room for the captured request line, as HAProxy's {@code tune.http.logurilen}. */
    public static final int DEFAULT_REQUEST_LINE_LENGTH = 1024;
    /** The smallest request-line room a record takes. */
    public static final int MIN_REQUEST_LINE_LENGTH = 16;
    /** Room for a unique id. */
    public static final int MAX_UNIQUE_ID_LENGTH = 128;

    private static final int CLASSES = Criticality.values().length;

    // Times: a wall-clock anchor and the monotonic events.
    long acceptEpochMillis;
    long acceptNanos;
    long handshakeNanos;
    long requestStartNanos;
    long requestReadyNanos;
    long queueLeftNanos;
    long connectedNanos;
    long responseReadyNanos;
    long endNanos;
    final long[] bufferWaitNanos = new long[CLASSES];

    // Addresses: IPv4 in the first 4 bytes (length 4) or IPv6 (length 16); length 0 is none.
    final byte[] clientIp = new byte[16];
    int clientIpLength;
    int clientPort;
    final byte[] frontendIp = new byte[16];
    int frontendIpLength;
    int frontendPort;
    final byte[] serverIp = new byte[16];
    int serverIpLength;
    int serverPort;
    final byte[] sourceIp = new byte[16];
    int sourceIpLength;
    int sourcePort;

    // Names: null backend means the frontend itself, null server means "<NOSRV>".
    String frontend;
    /** What {@code %ft} logs: the frontend's name, with {@code ~} after it for a connection over TLS. */
    String frontendTransport;
    /** {@code %sslc} and {@code %sslv}: what the connection's TLS handshake agreed, or null. */
    String tlsCipher;
    String tlsVersion;
    String backend;
    String server;

    int status;
    long bytesToClient;
    long bytesFromClient;
    TerminationCause cause;
    TerminationPhase phase;
    /** What became of the persistence cookie ({@code %tsc}'s last two characters); '-' without one. */
    char cookieRequest = '-';
    char cookieResponse = '-';
    int activeConnections;
    int frontendConnections;
    int backendConnections;
    int serverConnections;
    int retries;
    int serverQueuePosition;
    int backendQueuePosition;
    long requestCounter;

    // The request line: method, URI and version, each captured apart (0 length = not captured).
    final byte[] requestLine;
    int methodLength;
    int uriLength;
    int versionLength;
    final byte[] uniqueId = new byte[MAX_UNIQUE_ID_LENGTH];
    int uniqueIdLength;
    /** The captured headers ({@code %hr}, {@code %hs}): a slot of the loop's slab, or -1 for none kept. */
    CaptureSlab captureSlab;
    int captureSlot = -1;

    /** A record with HAProxy's default room for the request line. */
    /**
     * What the format's {@code %[...]} expressions read ({@link LogSample}):
     * the client connection, set when it is accepted; kept across
     * {@link #reset()}, as the connection is.
     */
    public Object sampleContext;

    public LogRecord() {
        this(DEFAULT_REQUEST_LINE_LENGTH);
    }

    /** A record that keeps at most {@code requestLineLength} bytes of the request line. */
    public LogRecord(int requestLineLength) {
        if (requestLineLength < MIN_REQUEST_LINE_LENGTH) {
            throw new IllegalArgumentException("request line room " + requestLineLength);
        }
        requestLine = new byte[requestLineLength];
        reset();
        frontend = "-";
        frontendTransport = "-";
    }

    /**
     * Forgets everything that belongs to one request or session: times, status,
     * counts, the request line, the backend and server. Addresses and the
     * frontend name stay, since a keep-alive connection keeps them.
     */
    public void reset() {
        acceptEpochMillis = 0;
        acceptNanos = 0;
        handshakeNanos = NEVER;
        requestStartNanos = NEVER;
        requestReadyNanos = NEVER;
        queueLeftNanos = NEVER;
        connectedNanos = NEVER;
        responseReadyNanos = NEVER;
        endNanos = NEVER;
        for (int i = 0; i < CLASSES; i++) {
            bufferWaitNanos[i] = 0;
        }
        backend = null;
        server = null;
        status = -1;
        bytesToClient = 0;
        bytesFromClient = 0;
        cause = TerminationCause.NONE;
        phase = TerminationPhase.NONE;
        cookieRequest = '-';
        cookieResponse = '-';
        activeConnections = 0;
        frontendConnections = 0;
        backendConnections = 0;
        serverConnections = 0;
        retries = 0;
        serverQueuePosition = 0;
        backendQueuePosition = 0;
        requestCounter = 0;
        methodLength = 0;
        uriLength = 0;
        versionLength = 0;
        uniqueIdLength = 0;
    }

    // ---- times

    /**
     * The session (or, for a later keep-alive request, the wait for this request)
     * began at {@code nanos} on the loop's clock and at {@code epochMillis} on the
     * wall clock ({@link System#currentTimeMillis()}). The handshake is taken as
     * done at the same instant unless {@link #handshakeDone(long)} says otherwise.
     */
    public void accepted(long nanos, long epochMillis) {
        acceptNanos = nanos;
        acceptEpochMillis = epochMillis;
        handshakeNanos = nanos;
    }

    /** The low-level handshakes (TLS, PROXY protocol) ended. */
    public void handshakeDone(long nanos) {
        handshakeNanos = nanos;
    }

    /** The first byte of the HTTP request arrived. */
    public void requestStarted(long nanos) {
        requestStartNanos = nanos;
    }

    /** The request head is complete (HTTP: the empty line seen). */
    public void requestReady(long nanos) {
        requestReadyNanos = nanos;
    }

    /** The session left the queues: it holds a server slot (at once when there was no wait). */
    public void queueLeft(long nanos) {
        queueLeftNanos = nanos;
    }

    /** The connection to the server is established (or a reused one is taken). */
    public void connected(long nanos) {
        connectedNanos = nanos;
    }

    /** The response head is complete (HTTP). */
    public void responseReady(long nanos) {
        responseReadyNanos = nanos;
    }

    /** The exchange ended: the last byte of the response left (HTTP), or both ends closed (TCP). */
    public void ended(long nanos) {
        endNanos = nanos;
    }

    /** Adds one wait for a buffer of class {@code criticality} that lasted {@code nanos}. */
    public void bufferWaited(Criticality criticality, long nanos) {
        bufferWaitNanos[criticality.ordinal()] += nanos;
    }

    // ---- addresses

    /** The client's address ({@code %ci}, {@code %cp}). Copies the address bytes. */
    public void client(InetSocketAddress address) {
        clientIpLength = copy(address, clientIp);
        clientPort = address == null ? 0 : address.getPort();
    }

    /** The address the client connected to ({@code %fi}, {@code %fp}). */
    public void frontendAddress(InetSocketAddress address) {
        frontendIpLength = copy(address, frontendIp);
        frontendPort = address == null ? 0 : address.getPort();
    }

    /** The server's address ({@code %si}, {@code %sp}). */
    public void serverAddress(InetSocketAddress address) {
        serverIpLength = copy(address, serverIp);
        serverPort = address == null ? 0 : address.getPort();
    }

    /** The local address of the connection to the server ({@code %bi}, {@code %bp}). */
    public void sourceAddress(InetSocketAddress address) {
        sourceIpLength = copy(address, sourceIp);
        sourcePort = address == null ? 0 : address.getPort();
    }

    /** The client's address from its 4 or 16 bytes (none when empty), as a PROXY header names it. */
    public void client(byte[] ip, int port) {
        clientIpLength = copy(ip, clientIp);
        clientPort = port;
    }

    /** The address the client connected to, from its 4 or 16 bytes (none when empty). */
    public void frontendAddress(byte[] ip, int port) {
        frontendIpLength = copy(ip, frontendIp);
        frontendPort = port;
    }

    private static int copy(byte[] ip, byte[] into) {
        int n = ip.length == 4 || ip.length == 16 ? ip.length : 0;
        System.arraycopy(ip, 0, into, 0, n);
        return n;
    }

    /** Sets the client's IPv4 address from its 32 bits, without touching an {@link InetAddress}. */
    public void clientIpv4(int address, int port) {
        clientIp[0] = (byte) (address >>> 24);
        clientIp[1] = (byte) (address >>> 16);
        clientIp[2] = (byte) (address >>> 8);
        clientIp[3] = (byte) address;
        clientIpLength = 4;
        clientPort = port;
    }

    private static int copy(InetSocketAddress address, byte[] into) {
        if (address == null || address.getAddress() == null) {
            return 0;
        }
        InetAddress ip = address.getAddress();
        byte[] bytes = ip.getAddress();
        System.arraycopy(bytes, 0, into, 0, bytes.length);
        return ip instanceof Inet4Address ? 4 : 16;
    }

    // ---- names

    public void frontend(String name) {
        frontend = name;
        frontendTransport = name;
    }

    /** What the connection's TLS handshake agreed ({@code %sslc}, {@code %sslv}); null for a plain one. */
    public void tls(String cipher, String version) {
        tlsCipher = cipher;
        tlsVersion = version;
    }

    /** The name {@code %ft} logs, set once the connection's transport is known. */
    public void frontendTransport(String name) {
        frontendTransport = name;
    }

    /** The backend chosen; never set (or null) logs the frontend's name, as HAProxy does. */
    public void backend(String name) {
        backend = name;
    }

    /** The server chosen; never set (or null) logs {@code <NOSRV>}. */
    public void server(String name) {
        server = name;
    }

    // ---- outcome

    /** The HTTP status sent to the client; -1 (the default) when none was. */
    public void status(int code) {
        status = code;
    }

    /** Bytes sent to the client ({@code %B}), headers included. */
    public void bytesToClient(long bytes) {
        bytesToClient = bytes;
    }

    /** Bytes received from the client ({@code %U}). */
    public void bytesFromClient(long bytes) {
        bytesFromClient = bytes;
    }

    /** The termination state: who or what ended the session, and in which phase. */
    public void termination(TerminationCause why, TerminationPhase when) {
        cause = why;
        phase = when;
    }

    /** What the request's persistence cookie did and what was done to the response's, as HAProxy's letters. */
    public void cookies(char request, char response) {
        cookieRequest = request;
        cookieResponse = response;
    }

    /** The connection counts when the line is logged: process, frontend, backend, server ({@code %ac/%fc/%bc/%sc}). */
    public void connections(int active, int onFrontend, int onBackend, int onServer) {
        activeConnections = active;
        frontendConnections = onFrontend;
        backendConnections = onBackend;
        serverConnections = onServer;
    }

    /** Connection retries to the server ({@code %rc}). */
    public void retries(int count) {
        retries = count;
    }

    /** Requests ahead of this one in the server's and the backend's queues ({@code %sq}, {@code %bq}). */
    public void queuePositions(int inServerQueue, int inBackendQueue) {
        serverQueuePosition = inServerQueue;
        backendQueuePosition = inBackendQueue;
    }

    /** The request (or TCP session) counter ({@code %rt}). */
    public void requestCounter(long counter) {
        requestCounter = counter;
    }

    // ---- the request

    /**
     * Captures the request line from its three parts in {@code src} (absolute
     * indices, as a parser finds them in a buffer; the buffer's position is not
     * moved). Logged as method, space, URI, space, version, whatever spacing the
     * client used; a URI longer than the room left is cut.
     */
    public void request(ByteBuffer src, int methodAt, int methodLen, int uriAt, int uriLen, int versionAt,
            int versionLen) {
        int room = requestLine.length;
        methodLength = Math.min(methodLen, room);
        versionLength = Math.min(versionLen, room - methodLength);
        uriLength = Math.min(uriLen, room - methodLength - versionLength);
        src.get(methodAt, requestLine, 0, methodLength);
        src.get(uriAt, requestLine, methodLength, uriLength);
        src.get(versionAt, requestLine, methodLength + uriLength, versionLength);
    }

    /** The same from text (tests, and requests Sluice builds itself): characters above 255 are cut to 8 bits. */
    public void request(CharSequence method, CharSequence uri, CharSequence version) {
        int room = requestLine.length;
        methodLength = Math.min(method.length(), room);
        versionLength = Math.min(version.length(), room - methodLength);
        uriLength = Math.min(uri.length(), room - methodLength - versionLength);
        put(method, methodLength, 0);
        put(uri, uriLength, methodLength);
        put(version, versionLength, methodLength + uriLength);
    }

    private void put(CharSequence text, int length, int at) {
        for (int i = 0; i < length; i++) {
            requestLine[at + i] = (byte) text.charAt(i);
        }
    }

    /**
     * The exchange's captured headers are slot {@code slot} of {@code slab} (-1:
     * none kept, so every capture logs empty). {@link #reset()} leaves them: the
     * session gives the slot back itself.
     */
    public void captures(CaptureSlab slab, int slot) {
        captureSlab = slab;
        captureSlot = slot;
    }

    /** True once a request line was captured; without one {@code %r} logs {@code <BADREQ>}. */
    public boolean hasRequest() {
        return methodLength > 0;
    }

    /** The request's unique id ({@code %ID}); cut at {@link #MAX_UNIQUE_ID_LENGTH}. */
    public void uniqueId(CharSequence id) {
        uniqueIdLength = Math.min(id.length(), MAX_UNIQUE_ID_LENGTH);
        for (int i = 0; i < uniqueIdLength; i++) {
            uniqueId[i] = (byte) id.charAt(i);
        }
    }

    // ---- read back (the session's own checks, tests)

    public int status() {
        return status;
    }

    public long bytesFromClient() {
        return bytesFromClient;
    }

    public TerminationCause cause() {
        return cause;
    }

    public TerminationPhase phase() {
        return phase;
    }

    /** Bytes of the request line kept: method, URI and version without the spaces. */
    int requestLineLength() {
        return methodLength + uriLength + versionLength;
    }

    /**
     * True if HAProxy would count this session as failed: an abnormal end (not
     * {@code -} nor {@code L}), a retry, or (HTTP) a status of 500 or more.
     */
    boolean failed(boolean http) {
        return cause.isError() || retries > 0 || (http && status >= 500);
    }
}
