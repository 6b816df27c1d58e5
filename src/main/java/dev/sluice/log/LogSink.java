package dev.sluice.log;

/**
 * Where the log writer puts finished lines: one datagram (or one write) per line.
 *
 * <p>Used by the log writer thread only.
 */
interface LogSink extends AutoCloseable {
    /** Sends {@code length} bytes of {@code bytes} as one line; false if it could not go. */
    boolean send(byte[] bytes, int length);

    /** Why the last send failed. */
    String lastError();

    @Override
    void close();
}
