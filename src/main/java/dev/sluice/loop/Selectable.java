package dev.sluice.loop;

/**
 * Something registered on an {@link EventLoop}'s selector: a connection or a
 * listening socket. The loop passes each ready key's operations to it.
 *
 * <p>Not thread-safe: both methods are called only on the owning loop's thread.
 */
public interface Selectable {
    /** The key's ready operations ({@link java.nio.channels.SelectionKey} bits). */
    void ready(int readyOps);

    /**
     * Closes the channel. The loop calls it when {@link #ready(int)} threw, so
     * that a level-triggered key whose handler keeps failing cannot spin, and
     * for every key still registered when the loop stops. Idempotent.
     */
    void close();
}
