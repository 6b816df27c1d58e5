package dev.sluice.backend;

/**
 * One change of a server's state, for logs and counters.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param backend the backend's name
 * @param server the server's name
 * @param role active or backup
 * @param from the state before
 * @param to the state after
 * @param reason why, in words ("Layer4 connection problem", "entered maintenance", "weight set to 0")
 * @param activeUp active servers UP after the change
 * @param backupUp backup servers UP after the change
 * @param requeued requests that waited for the server and went to another one
 * @param refused requests that waited for the server and were refused (no redispatch, or no server left)
 */
public record ServerStateChange(String backend, String server, ServerRole role, ServerState from, ServerState to,
                                String reason, int activeUp, int backupUp, int requeued, int refused) {
    /** HAProxy's wording: "Server be/s1 is DOWN, reason: ... 1 active and 0 backup servers left. 0 sessions requeued". */
    public String describe() {
        return (role == ServerRole.BACKUP ? "Backup server " : "Server ") + backend + "/" + server + " is " + to
                + (from == ServerState.MAINT && to != ServerState.MAINT ? " (leaving maintenance)" : "")
                + (reason.isEmpty() ? "" : ", reason: " + reason) + ". " + activeUp + " active and " + backupUp
                + " backup servers " + (to.takesNewRequests() ? "online" : "left") + ". " + requeued
                + " sessions requeued, " + refused + " refused.";
    }
}
