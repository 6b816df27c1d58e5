package dev.sluice.session;

/** How a session ends its connections. */
enum CloseMode {
    /** An orderly close: the peers see an end of stream after everything that was owed to them. */
    ORDERLY,
    /**
     * A reset: an exchange that failed in the middle, so that no peer mistakes
     * a cut stream for a complete one.
     */
    ABORTIVE
}
