package dev.sluice.log;

/**
 * Where the log writer puts finished lines: one datagram (or one write) per line.
 *
 * <p>Used by the log writer thread only.
 */
interface LogSink extends AutoCloseable {
    /** Sends {@code length} bytes of {@code bytes} as one line; false if it could not go. */
    boolean send(byte[] bytes, int length);

    /** Writes what {@link #send} gathered, for a sink that gathers lines; the writer calls it after each pass. */
    default void flush() {
    }

    /** Why the last send failed. */
    String lastError();

    @Override
    void close();
}
