package dev.sluice.log;

/** The per-frontend options that decide which lines are written, and at which level. */
public enum LogOption {
    /** {@code option dontlognull}: no line for a session that received nothing from its client. */
    DONTLOGNULL,
    /**
     * {@code option dontlog-normal}: no line for a session that did not fail (no
     * error or timeout, no retry, and in HTTP no status of 500 or more).
     */
    DONTLOG_NORMAL,
    /** {@code option log-separate-errors}: a failed session's line is logged at {@code err}, not {@code info}. */
    LOG_SEPARATE_ERRORS
}
