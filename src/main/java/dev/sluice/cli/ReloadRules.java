package dev.sluice.cli;

import dev.sluice.config.Config;
import dev.sluice.config.Global;
import dev.sluice.runtime.ServerStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a reload checks before it runs a new file, and how server state
 * crosses from one generation to the next (or from the last run, through the
 * {@code server-state-file}). Pure of the running process: what it needs is
 * passed in.
 */
final class ReloadRules {
    private ReloadRules() {
    }

    /** Why {@code next} cannot run in the loops and arena that {@code fixed} made at start, or null. */
    static String needsRestart(Global fixed, Global next) {
        if (next.nbthread() != fixed.nbthread()) {
            return "nbthread " + next.nbthread() + " differs from the " + fixed.nbthread()
                    + " loops running; changing it takes a restart";
        }
        if (next.bufsize() != fixed.bufsize()) {
            return "tune.bufsize " + next.bufsize() + " differs from the " + fixed.bufsize()
                    + " bytes the arena was carved in; changing it takes a restart";
        }
        if (next.buffersPerLoop() > fixed.buffersPerLoop()) {
            return "tune.buffers.limit " + next.buffersLimit() + " (" + next.buffersPerLoop() + " per loop) exceeds the"
                    + " arena carved at start (" + fixed.buffersPerLoop() + " per loop, tune.buffers.limit "
                    + fixed.buffersLimit() + "); a reload reuses the arena and never allocates another: raising it"
                    + " takes a restart";
        }
        return null;
    }

    /** Writes the state of the servers a reload replaces to the {@code server-state-file}, if there is one. */
    static void saveServerState(String state, Config config, List<String> messages) {
        if (config.process().serverStateFile() == null) {
            return;
        }
        try {
            Files.writeString(config.process().serverStateFile(), state);
        } catch (IOException e) {
            messages.add("sluice: cannot write server-state-file " + config.process().serverStateFile() + ": " + e);
        }
    }

    /** At start, the servers take the state the {@code server-state-file} kept, addresses included. */
    static void restoreServerState(Generation g, boolean addresses) {
        Path file = g.config.process().serverStateFile();
        if (file == null || !Files.isReadable(file)) {
            return;
        }
        try {
            for (String problem : ServerStateFile.apply(Files.readString(file), g.backendList(), addresses)) {
                System.err.println("sluice: server-state-file " + file + ": " + problem);
            }
        } catch (IOException e) {
            System.err.println("sluice: cannot read server-state-file " + file + ": " + e);
        }
    }
}
