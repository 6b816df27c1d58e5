package dev.sluice.cli;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerRole;
import dev.sluice.backend.ServerState;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.buffer.PoolCounters;
import dev.sluice.runtime.CommandException;
import dev.sluice.runtime.ProxyControl;
import dev.sluice.stats.Summary;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The runtime API's view of the running {@link Sluice}: what its commands
 * read, through the loops' inboxes, and change, through the backends' own
 * thread-safe calls.
 *
 * <p>Thread-safe: called from the runtime API's threads.
 */
final class RuntimeControl implements ProxyControl {
    private final Sluice sluice;
    /** How a reload's outcome is told (the log, as for SIGHUP). */
    private final Function<Sluice.Reload, List<String>> reloaded;

    RuntimeControl(Sluice sluice, Function<Sluice.Reload, List<String>> reloaded) {
        this.sluice = sluice;
        this.reloaded = reloaded;
    }

    @Override
    public Map<String, String> info() {
        Generation g = sluice.current();
        Summary s = sluice.summary();
        long uptime = (System.currentTimeMillis() - sluice.startMillis()) / 1000;
        long[] limit = Posix.descriptorLimit();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Name", "Sluice");
        m.put("Version", Main.version());
        m.put("Nbthread", Integer.toString(g.config.global().nbthread()));
        m.put("Nbproc", "1");
        m.put("Process_num", "1");
        m.put("Pid", Long.toString(ProcessHandle.current().pid()));
        m.put("Uptime", uptime / 86400 + "d " + uptime % 86400 / 3600 + "h" + String.format("%02dm%02ds",
                uptime % 3600 / 60, uptime % 60));
        m.put("Uptime_sec", Long.toString(uptime));
        m.put("Ulimit-n", Long.toString(limit[0]));
        m.put("Maxconn", Integer.toString(g.config.global().maxconn()));
        m.put("CurrConns", Integer.toString(sluice.openSessions()));
        m.put("CumConns", Long.toString(s.get("sessions_opened")));
        m.put("CumReq", Long.toString(s.get("http_requests")));
        m.put("Stopping", "0");
        // Sluice's own: the buffer pool and the reloads.
        m.put("Buffers_size", Integer.toString(g.config.global().bufsize()));
        m.put("Buffers_limit", Long.toString(s.get("buffers_size")));
        m.put("Buffers_in_use", Long.toString(s.get("buffers_in_use")));
        m.put("Buffers_free", Long.toString(s.get("buffers_free")));
        m.put("Buffer_failed_wakeups", Long.toString(s.get("buffer_failed_wakeups")));
        m.put("Generation", Integer.toString(g.number));
        m.put("Reloads", Long.toString(sluice.reloads()));
        m.put("Reload_failures", Long.toString(sluice.reloadFailures()));
        return m;
    }

    @Override
    public List<Frontend> frontends() {
        return List.copyOf(sluice.current().frontends);
    }

    @Override
    public List<Backend> backends() {
        return sluice.current().backendList();
    }

    @Override
    public List<String> sessions(int max) {
        List<String> lines = new ArrayList<>();
        for (Generation g : sluice.generations()) {
            for (List<String> part : sluice.onEveryLoop((id, loop) -> {
                List<String> into = new ArrayList<>();
                g.sessions.get(id).describe(into, max);
                into.replaceAll(line -> "loop=" + id + " gen=" + g.number + " " + line);
                return into;
            })) {
                for (String line : part) {
                    if (lines.size() < max) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

    @Override
    public List<Pool> pools() {
        return sluice.onEveryLoop((id, loop) -> {
            BufferPool p = loop.pool();
            PoolCounters k = p.counters();
            Map<String, long[]> perClass = new LinkedHashMap<>();
            for (Criticality c : Criticality.values()) {
                perClass.put(c.name().toLowerCase(java.util.Locale.ROOT), new long[] {p.waiting(c), k.allocations(c),
                        k.waits(c), k.handoffs(c), k.cancels(c), k.failedWakeups(c),
                        TimeUnit.NANOSECONDS.toMicros(k.waitNanos(c))});
            }
            return new Pool(id, p.size(), p.bufferSize(), p.reserve(), p.free(), p.inUse(), p.peakInUse(), perClass);
        });
    }

    @Override
    public List<String> reload() {
        return reloaded.apply(sluice.reload());
    }

    @Override
    public Server addServer(Backend backend, String name, List<String> addressAndOptions) throws CommandException {
        InetSocketAddress address = address(addressAndOptions.get(0));
        int weight = Server.DEFAULT_WEIGHT;
        int maxconn = 0;
        int maxqueue = 0;
        ServerRole role = ServerRole.ACTIVE;
        for (int i = 1; i < addressAndOptions.size(); i++) {
            String option = addressAndOptions.get(i);
            switch (option) {
                case "backup" -> role = ServerRole.BACKUP;
                case "disabled" -> {
                    // Every added server starts in maintenance already.
                }
                case "weight", "maxconn", "maxqueue" -> {
                    if (i + 1 >= addressAndOptions.size()) {
                        throw new CommandException("'" + option + "' needs a value.");
                    }
                    int v = number(addressAndOptions.get(++i), option);
                    switch (option) {
                        case "weight" -> weight = v;
                        case "maxconn" -> maxconn = v;
                        default -> maxqueue = v;
                    }
                }
                default -> throw new CommandException("'" + option + "' is not supported by Sluice's add server"
                        + " (supported: weight, maxconn, maxqueue, backup, disabled).");
            }
        }
        if (weight > Server.MAX_WEIGHT) {
            throw new CommandException("Weight must be between 0 and " + Server.MAX_WEIGHT + ".");
        }
        checkMaxconnAllowed(maxconn);
        Server server = new Server(name, address, maxconn, maxqueue, weight, role, ServerState.MAINT);
        try {
            backend.addServer(server);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Already exists a server with the same name in backend.");
        }
        return server;
    }

    /**
     * A server's {@code maxconn} makes sessions wait for slots while holding
     * request buffers: the pool's deadlock argument then needs a reserve of at
     * least 2, which the configuration check asks of the file, and this of a
     * server made at run time.
     */
    void checkMaxconnAllowed(int maxconn) throws CommandException {
        int reserve = sluice.current().config.global().buffersReserve();
        if (maxconn > 0 && reserve < 2) {
            throw new CommandException("A server maxconn needs tune.buffers.reserve 2 or more (it is " + reserve
                    + "): queued requests could otherwise hold the buffers their slot holders need.");
        }
    }

    @Override
    public void deleteServer(Backend backend, Server server) throws CommandException {
        try {
            backend.removeServer(server);
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        sluice.forgetIdle(server);
    }

    @Override
    public void setMaxconn(Server server, int maxconn) throws CommandException {
        checkMaxconnAllowed(maxconn);
        server.setMaxconn(maxconn);
    }

    @Override
    public void setAddress(Server server, InetSocketAddress address) {
        server.setAddress(address);
        sluice.forgetIdle(server);
    }

    @Override
    public int shutdownSessions(Server server) {
        int n = 0;
        for (Generation g : sluice.generations()) {
            for (int count : sluice.onEveryLoop((id, loop) -> g.sessions.get(id).abortUsing(server))) {
                n += count;
            }
        }
        return n;
    }

    private static InetSocketAddress address(String text) throws CommandException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandException("Invalid address '" + text + "': <ip>:<port> is expected.");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(host), Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new CommandException("Invalid address '" + text + "': <ip>:<port> is expected.");
        }
    }

    private static int number(String text, String what) throws CommandException {
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new CommandException("Invalid " + what + " '" + text + "'.");
    }
}
