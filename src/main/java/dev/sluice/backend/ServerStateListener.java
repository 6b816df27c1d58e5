package dev.sluice.backend;

/**
 * Hears of every change of a server's {@link ServerState} and, when the
 * backend has {@code option log-health-checks}, of every health check result
 * that moved the server's health or differs from the previous result.
 *
 * <p>Called on the thread that made the change (a check's event loop, or the
 * control thread for an administrative change), after the backend has applied
 * it and outside any lock. An implementation must not block: the logging phase
 * hands the line to its per-loop ring. {@link #STDERR} writes a line to
 * standard error and stands in until logging is wired.
 */
public interface ServerStateListener {
    /** A server's state changed. */
    void stateChanged(ServerStateChange change);

    /** {@code option log-health-checks}: a check's result changed, or moved its server's health. */
    default void checkReported(CheckReport report) {
    }

    /** Writes one line per event to standard error, in the shape HAProxy logs them. */
    ServerStateListener STDERR = new ServerStateListener() {
        @Override
        public void stateChanged(ServerStateChange change) {
            System.err.println(change.describe());
        }

        @Override
        public void checkReported(CheckReport report) {
            System.err.println(report.describe());
        }
    };

    /** Ignores everything (tests that count on their own). */
    ServerStateListener NONE = change -> { };
}
