package dev.sluice.runtime;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.FrontendRequests;
import java.util.List;
import java.util.Map;

/**
 * What the runtime API reads and changes of the running proxy. The command
 * line's {@code Sluice} implements it; the API knows nothing else of it.
 *
 * <p>Thread-safe: called from the runtime API's threads, never from a loop.
 * What a method reads of a loop it reads through that loop's inbox (and waits
 * for the answer, bounded) or from counters published for other threads.
 */
public interface ProxyControl {
    /** A frontend as {@code show stat} shows it; {@code requests} counts nothing for a TCP frontend. */
    record Frontend(String name, String mode, ConnectionLimit limit, FrontendRequests requests) {
    }

    /** One loop's buffer pool, read on the loop: {@code show pools}. */
    record Pool(int loop, int size, int bufferSize, int reserve, int free, int inUse, int peakInUse,
                Map<String, long[]> perClass) {
        /** The per-class figures, in this order. */
        public static final List<String> CLASS_FIGURES = List.of("waiting", "allocations", "waits", "handoffs",
                "cancels", "failed_wakeups", "wait_us");
    }

    /** Process-wide figures for {@code show info}: HAProxy's names where it has the figure, in its order. */
    Map<String, String> info();

    List<Frontend> frontends();

    /** The backends of the configuration in force, in the file's order. */
    List<Backend> backends();

    /** One line per open session, read on each loop, at most {@code max} in all. */
    List<String> sessions(int max);

    List<Pool> pools();

    /**
     * Reloads the configuration file, as SIGHUP does; returns what happened,
     * one line each, the first saying whether the new file runs now.
     */
    List<String> reload();

    /**
     * {@code add server BACKEND/NAME ADDR [options]}: a new server, in
     * maintenance until enabled, as in HAProxy.
     */
    Server addServer(Backend backend, String name, List<String> addressAndOptions) throws CommandException;

    /** {@code del server BACKEND/NAME}: only a server in maintenance without sessions, as in HAProxy. */
    void deleteServer(Backend backend, Server server) throws CommandException;

    /** {@code set maxconn server B/S N}: refused where the pool's reserve could not keep the deadlock argument. */
    void setMaxconn(Server server, int maxconn) throws CommandException;

    /** {@code set server B/S addr A port P}: new connections go there, idle ones to the old address close. */
    void setAddress(Server server, java.net.InetSocketAddress address);

    /** {@code shutdown sessions server B/S}: every session using the server is aborted; returns how many. */
    int shutdownSessions(Server server);
}
