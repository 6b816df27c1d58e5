package dev.sluice.session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on concurrent sessions (a frontend's or the process's
 * {@code maxconn}), and how often it refused one.
 *
 * <p>Thread-safe: shared by every loop.
 */
public final class ConnectionLimit {
    private final String name;
    private final int max;
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    /** @param max the bound, or 0 for none */
    public ConnectionLimit(String name, int max) {
        this.name = name;
        this.max = max;
    }

    /** Counts a session in, or refuses (and counts the refusal) at the bound. */
    public boolean tryEnter() {
        while (true) {
            int n = current.get();
            if (max > 0 && n >= max) {
                refused.incrementAndGet();
                return false;
            }
            if (current.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Whether one more session would fit now (another loop may take the place first). */
    public boolean hasRoom() {
        return max == 0 || current.get() < max;
    }

    public void leave() {
        if (current.decrementAndGet() < 0) {
            throw new IllegalStateException(name + ": more sessions left than entered");
        }
    }

    public String name() {
        return name;
    }

    public int max() {
        return max;
    }

    public int current() {
        return current.get();
    }

    public long refused() {
        return refused.get();
    }
}
