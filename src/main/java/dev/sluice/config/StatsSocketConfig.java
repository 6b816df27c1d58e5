package dev.sluice.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * One {@code stats socket} line of the global section: where the runtime API
 * listens (a UNIX socket's path, or {@code ipv4@ADDRESS:PORT}), the file mode
 * of a UNIX socket, and the level its commands run at.
 *
 * <p>Immutable.
 *
 * @param path   the UNIX socket's file, or null for a TCP socket
 * @param tcp    the TCP address, or null for a UNIX socket
 * @param mode   the UNIX socket file's permission bits ({@code mode 660} is 0660), or -1 to leave them as the
 *               umask makes them
 * @param level  what its commands may do
 * @param line   the line of the file it comes from
 */
public record StatsSocketConfig(Path path, InetSocketAddress tcp, int mode, Level level, int line) {
    /** HAProxy's levels, from the least privileged; each may do what the ones before it may. */
    public enum Level {
        /** Reads non-sensitive figures, changes nothing. */
        USER,
        /** Reads everything, changes nothing that alters traffic; HAProxy's default. */
        OPERATOR,
        /** Everything: server states, weights, addresses, servers added and removed, reloads. */
        ADMIN;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the socket is named in messages: its path, or ipv4@ADDRESS:PORT. */
    public String describe() {
        return path != null ? path.toString() : "ipv4@" + tcp.getHostString() + ":" + tcp.getPort();
    }
}
