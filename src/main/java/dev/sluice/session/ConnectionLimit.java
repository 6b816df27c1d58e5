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
    /** A limit this one also counts against (a frontend's against the process's), or null. */
    private final ConnectionLimit parent;
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    /** @param max the bound, or 0 for none */
    public ConnectionLimit(String name, int max) {
        this(name, max, null);
    }

    /**
     * A limit that also counts against {@code parent}: a session enters both or
     * neither.
     */
    public ConnectionLimit(String name, int max, ConnectionLimit parent) {
        this.name = name;
        this.max = max;
        this.parent = parent;
    }

    /** Counts a session in here and in the parent, or refuses (and counts the refusal) at either bound. */
    public boolean tryEnter() {
        if (parent != null && !parent.tryEnter()) {
            return false;
        }
        if (!tryEnterHere()) {
            if (parent != null) {
                parent.leave();
            }
            return false;
        }
        return true;
    }

    private boolean tryEnterHere() {
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

    /** Whether one more session would fit here and in the parent now (another loop may take the place first). */
    public boolean hasRoom() {
        return (max == 0 || current.get() < max) && (parent == null || parent.hasRoom());
    }

    /** Counts a session out, here and in the parent. */
    public void leave() {
        if (current.decrementAndGet() < 0) {
            throw new IllegalStateException(name + ": more sessions left than entered");
        }
        if (parent != null) {
            parent.leave();
        }
    }

    public String name() {
        return name;
    }

    public int max() {
        return max;
    }

    /** The limit this one is chained behind (the process's), or null. */
    public ConnectionLimit parent() {
        return parent;
    }

    public int current() {
        return current.get();
    }

    public long refused() {
        return refused.get();
    }
}
