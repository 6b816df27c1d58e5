package dev.sluice.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process keywords of the global section while the file is read; see
 * {@link ProcessConfig} for their meaning.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ProcessSettings {
    boolean daemon;
    Path pidfile;
    int uid = -1;
    int gid = -1;
    Path chroot;
    int ulimitN;
    final List<StatsSocketConfig> statsSockets = new ArrayList<>();
    long statsTimeoutMillis = ProcessConfig.DEFAULT_STATS_TIMEOUT_MILLIS;
    Path serverStateFile;

    ProcessConfig build(boolean maxconnGiven) {
        return new ProcessConfig(daemon, pidfile, uid, gid, chroot, ulimitN, maxconnGiven, statsSockets,
                statsTimeoutMillis, serverStateFile);
    }
}
