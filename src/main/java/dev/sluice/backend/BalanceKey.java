package dev.sluice.backend;

import dev.sluice.buffer.Buffer;

/**
 * What of a request a hashing {@code balance} algorithm hashes, as the session
 * hands it to {@link Backend#acquire(SlotWaiter, BalanceKey, Server)}: a view,
 * not a copy, so that choosing a server allocates nothing. The backend says
 * which part it wants ({@link Backend#keySource()}, and the field name for
 * {@code hdr(<name>)} in {@link Backend#keyHeader()}):
 * <ul>
 * <li>{@link Source#CLIENT_ADDRESS}: the client's IP address, 4 or 16 bytes;</li>
 * <li>{@link Source#TARGET}: the request target as the request line has it
 *     ({@code /path?query}, or the absolute form);</li>
 * <li>{@link Source#HEADER}: the value of the first field of that name (the
 *     backend takes its first comma-separated element, as HAProxy does);</li>
 * <li>{@link Source#NONE}: nothing; the key is ignored.</li>
 * </ul>
 * Before any of these, a server that the request's persistence cookie names
 * ({@link #persistTo(Server)}) is chosen, whatever the algorithm.
 * A key left empty (no such field, no address) makes the backend fall back to
 * round robin, as HAProxy does.
 *
 * <p>The bytes are read only while {@code acquire} runs: the buffer may move
 * on as soon as it returns.
 *
 * <p>Not thread-safe: one per session, filled and used on its loop.
 */
public final class BalanceKey {
    /** Which part of the request a backend's algorithm hashes. */
    public enum Source { NONE, CLIENT_ADDRESS, TARGET, HEADER }

    /** A key that is always empty, for callers with nothing to hash. */
    public static final BalanceKey NONE = new BalanceKey(true);

    private final boolean frozen;
    private Buffer buffer;
    private byte[] array;
    private int start;
    private int end;
    private byte[] address;
    /** The server the request's persistence cookie names, or null. */
    private Server persist;

    public BalanceKey() {
        this(false);
    }

    private BalanceKey(boolean frozen) {
        this.frozen = frozen;
    }

    /** Forgets what the key held, so that a later request does not hash an earlier one's bytes. */
    public BalanceKey clear() {
        buffer = null;
        array = null;
        address = null;
        persist = null;
        start = 0;
        end = 0;
        return this;
    }

    /** The client's address, 4 bytes (IPv4) or 16 (IPv6); kept by reference, never modified. */
    public BalanceKey clientAddress(byte[] bytes) {
        mutable();
        address = bytes;
        return this;
    }

    /** The bytes to hash, at absolute indexes {@code [from, to)} of {@code in}. */
    public BalanceKey bytes(Buffer in, int from, int to) {
        mutable();
        checkRange(from, to, in.capacity());
        buffer = in;
        array = null;
        start = from;
        end = to;
        return this;
    }

    /** The bytes to hash, {@code in[from, to)}. */
    public BalanceKey bytes(byte[] in, int from, int to) {
        mutable();
        checkRange(from, to, in.length);
        array = in;
        buffer = null;
        start = from;
        end = to;
        return this;
    }

    /**
     * The server the request's persistence cookie names (UP or drained when
     * the cookie was read): it gets the request, or its queue holds it, before
     * any balancing; a retry that redispatches away from it balances instead.
     */
    public BalanceKey persistTo(Server server) {
        mutable();
        persist = server;
        return this;
    }

    /** The server a persistence cookie names, or null. */
    public Server persistTo() {
        return persist;
    }

    boolean hasBytes() {
        return buffer != null || array != null;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    int at(int i) {
        return (buffer != null ? buffer.get(i) : array[i]) & 0xff;
    }

    int hash(HashFunction f, int from, int to) {
        return buffer != null ? f.hash(buffer, from, to) : f.hash(array, from, to);
    }

    /** The address, or {@code null}. */
    byte[] address() {
        return address;
    }

    private void mutable() {
        if (frozen) {
            throw new UnsupportedOperationException("BalanceKey.NONE is shared and stays empty");
        }
    }

    private static void checkRange(int from, int to, int length) {
        if (from < 0 || to < from || to > length) {
            throw new IndexOutOfBoundsException("key range [" + from + ", " + to + ") of " + length);
        }
    }
}
