package dev.sluice.backend;

/**
 * One health check result worth logging under {@code option log-health-checks}:
 * its status changed since the previous check, or it moved the server's health.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param backend the backend's name
 * @param server the server's name
 * @param role active or backup
 * @param status how the check ended
 * @param detail what was seen ("HTTP status 503", "connection refused"), or empty
 * @param durationMillis from the check's start to its end
 * @param health the checks passed (when UP: towards {@code fall}) or failed (when DOWN: towards {@code rise}),
 *               as HAProxy counts them
 * @param healthOf {@code fall} when the server counts as UP, {@code rise} when it counts as DOWN
 * @param state the server's state after this result
 */
public record CheckReport(String backend, String server, ServerRole role, CheckStatus status, String detail,
                          long durationMillis, int health, int healthOf, ServerState state) {
    /** HAProxy's wording: "Health check for server be/s1 failed, reason: ..., check duration: 3ms, status: 2/3 UP". */
    public String describe() {
        String outcome = switch (status.result()) {
            case PASSED -> "succeeded";
            case CONDITIONAL -> "conditionally succeeded";
            case FAILED -> "failed";
        };
        return "Health check for " + (role == ServerRole.BACKUP ? "backup " : "") + "server " + backend + "/" + server
                + " " + outcome + ", reason: " + status.description() + (detail.isEmpty() ? "" : ", info: \"" + detail + "\"")
                + ", check duration: " + durationMillis + "ms, status: " + health + "/" + healthOf + " " + state + ".";
    }
}
