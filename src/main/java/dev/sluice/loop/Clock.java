package dev.sluice.loop;

/**
 * A monotonic clock in nanoseconds. The NIO loop uses {@link #SYSTEM}; the
 * simulator passes virtual time, so every timeout and wait time replays.
 */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
