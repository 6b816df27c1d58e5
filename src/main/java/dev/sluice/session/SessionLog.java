package dev.sluice.session;

import dev.sluice.net.Connection;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log of refused requests and responses, on standard error: one line each,
 * naming the frontend, the client, the status and the reason. At most
 * {@link #MAX_PER_SECOND} lines a second are written, so a flood of bad input
 * cannot turn the log into the bottleneck; the lines left out are counted and
 * reported with the next one written.
 *
 * <p>Thread-safe.
 */
final class SessionLog {
    static final int MAX_PER_SECOND = 100;
    private static final AtomicLong window = new AtomicLong();
    private static final AtomicLong inWindow = new AtomicLong();
    private static final AtomicLong suppressed = new AtomicLong();

    private SessionLog() {
    }

    static void refused(String frontend, Connection client, int status, String reason) {
        long second = System.currentTimeMillis() / 1000;
        long w = window.get();
        if (w != second && window.compareAndSet(w, second)) {
            inWindow.set(0);
        }
        if (inWindow.incrementAndGet() > MAX_PER_SECOND) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        System.err.println(Instant.now() + " sluice: frontend " + frontend + ": " + status + " to " + client.peer()
                + ": " + reason + (skipped > 0 ? " (" + skipped + " similar lines left out)" : ""));
    }
}
