package dev.sluice.backend;

/**
 * How one health check ended, with HAProxy's status names ({@code L4OK},
 * {@code L7STS}, ...) so that logs read the same, and what the result does to
 * the server's health.
 */
public enum CheckStatus {
    /** The check could not even open its socket. */
    SOCKERR("Socket error", Result.FAILED),
    /** The connection opened, and nothing more was asked. */
    L4OK("Layer4 check passed", Result.PASSED),
    /** The connection did not open in time. */
    L4TOUT("Layer4 timeout", Result.FAILED),
    /** The connection was refused or reset. */
    L4CON("Layer4 connection problem", Result.FAILED),
    /** A TLS hello was answered with a TLS record. */
    L6OK("Layer6 check passed", Result.PASSED),
    /** A TLS hello got no answer in time. */
    L6TOUT("Layer6 timeout", Result.FAILED),
    /** A protocol check (TLS hello) got an answer that is not the protocol's. */
    L6RSP("Layer6 invalid response", Result.FAILED),
    /** The exchange passed. */
    L7OK("Layer7 check passed", Result.PASSED),
    /** The server asked to be drained ({@code http-check disable-on-404} and a 404). */
    L7OKC("Layer7 check conditionally passed", Result.CONDITIONAL),
    /** The answer did not come in time. */
    L7TOUT("Layer7 timeout", Result.FAILED),
    /** The answer was not what the protocol allows, or did not match an {@code expect}. */
    L7RSP("Layer7 invalid response", Result.FAILED),
    /** The HTTP status did not match. */
    L7STS("Layer7 wrong status", Result.FAILED);

    /** What a check's outcome does to its server's health counter. */
    public enum Result {
        PASSED, CONDITIONAL, FAILED
    }

    private final String description;
    private final Result result;

    CheckStatus(String description, Result result) {
        this.description = description;
        this.result = result;
    }

    public String description() {
        return description;
    }

    public Result result() {
        return result;
    }
}
