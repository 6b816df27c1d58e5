package dev.sluice.backend;

/**
 * Whether a server takes traffic normally or only when no normal one can
 * ({@code backup}): backups are used when no active server is UP, the first
 * UP backup alone unless the backend has {@code option allbackups}.
 */
public enum ServerRole {
    ACTIVE,
    BACKUP
}
