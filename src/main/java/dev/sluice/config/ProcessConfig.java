package dev.sluice.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How the process runs as a service, from the global section: in the
 * background or not, its pid file, the identity and root it takes once the
 * listeners are bound, its descriptor limit, and the runtime API's sockets.
 *
 * <p>Immutable.
 *
 * @param daemon          {@code daemon}: the process goes to the background once it listens
 * @param pidfile         {@code pidfile}, or null
 * @param uid             {@code uid} or {@code user}'s uid, or -1 to keep the identity Sluice started with
 * @param gid             {@code gid} or {@code group}'s gid, or -1
 * @param chroot          {@code chroot}, or null
 * @param ulimitN         {@code ulimit-n}, or 0 to size the descriptor limit from {@code maxconn}
 * @param maxconnGiven    whether the file sets the global {@code maxconn}: if it does not, Sluice lowers the
 *                        default to what the descriptor limit allows, as HAProxy computes it
 * @param statsSockets    the runtime API's {@code stats socket} lines
 * @param statsTimeoutMillis {@code stats timeout}: how long a runtime API connection may sit idle
 * @param serverStateFile {@code server-state-file}, or null
 */
public record ProcessConfig(boolean daemon, Path pidfile, int uid, int gid, Path chroot, int ulimitN,
        boolean maxconnGiven, List<StatsSocketConfig> statsSockets, long statsTimeoutMillis, Path serverStateFile) {
    /** HAProxy's default {@code stats timeout}. */
    public static final long DEFAULT_STATS_TIMEOUT_MILLIS = 10_000;

    /** A process that changes nothing of itself and has no runtime API. */
    public static final ProcessConfig DEFAULT = new ProcessConfig(false, null, -1, -1, null, 0, false, List.of(),
            DEFAULT_STATS_TIMEOUT_MILLIS, null);

    public ProcessConfig {
        statsSockets = List.copyOf(statsSockets);
    }

    /** Whether the process changes its identity or its root once it listens. */
    public boolean dropsPrivileges() {
        return uid >= 0 || gid >= 0 || chroot != null;
    }
}
